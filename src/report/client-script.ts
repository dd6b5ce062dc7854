/**
 * The page's script, linked from the compiled client (src/report/client/, type-checked
 * TypeScript built with the rest of the project) when a report is written, as Chart.js is read
 * from node_modules: the client's ES modules, in dependency order, become one inline script
 * with their `import` lines and `export` keywords removed, wrapped in one function scope.
 *
 * That is all the linking there is, so the client keeps to what it supports (checked here, with
 * a clear error): named imports without renaming, from relative paths only (no Node module, no
 * package at run time; `import type` is erased by tsc), no default or re-exports, and top-level
 * names unique across the modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError, SystemError } from '../errors.js';

/** The compiled entry module (dist/src/report/client/main.js next to this file's compiled form). */
export const CLIENT_ENTRY = fileURLToPath(new URL('./client/main.js', import.meta.url));

const IMPORT = /^import\s*(?:\{([^}]*)\}\s*from\s*)?['"]([^'"]+)['"];?\s*$/;

function fail(file: string, what: string): never {
  throw new SystemError(`report client ${file}: ${what}; src/report/client-script.ts links only named imports of relative modules`);
}

/** One script from `entry` and every module it imports, dependencies first. Throws a SystemError naming the module. */
export function linkClientScript(entry: string = CLIENT_ENTRY): string {
  const order: string[] = [];
  const bodies = new Map<string, string>();
  const visiting = new Set<string>();
  const visit = (file: string): void => {
    if (bodies.has(file)) return;
    if (visiting.has(file)) fail(file, 'an import cycle');
    visiting.add(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new SystemError(`cannot read the report's compiled client ${file} (build the project first: npm run build): ${describeError(err)}`, { cause: err });
    }
    const out: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('//# sourceMappingURL=')) continue;
      if (/^export\s*\{\s*\};?\s*$/.test(line)) continue;
      if (line.startsWith('import ') || line.startsWith('import{')) {
        const m = IMPORT.exec(line);
        if (!m) fail(file, `unsupported import \`${line}\``);
        const [, names = '', spec = ''] = m;
        if (!spec.startsWith('.')) fail(file, `import of '${spec}' (a package or Node module cannot run in the page)`);
        if (/\bas\b/.test(names)) fail(file, `renamed import \`${line}\``);
        visit(path.resolve(path.dirname(file), spec));
        continue;
      }
      if (/^export\s+(default|\*|\{)/.test(line)) fail(file, `unsupported export \`${line}\``);
      out.push(line.replace(/^export\s+/, ''));
    }
    visiting.delete(file);
    bodies.set(file, out.join('\n'));
    order.push(file);
  };
  visit(entry);
  const seen = new Map<string, string>();
  for (const file of order) {
    for (const m of (bodies.get(file) ?? '').matchAll(/^(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm)) {
      const name = m[1] ?? '';
      const other = seen.get(name);
      if (other !== undefined) fail(file, `the top-level name ${name} is also declared in ${other}`);
      seen.set(name, file);
    }
  }
  const root = path.dirname(entry);
  const script = order.map((f) => `// ---- ${path.relative(root, f).replace(/\\/g, '/')}\n${bodies.get(f) ?? ''}`).join('\n');
  // a script may not contain "</script"
  return `(function () {\n'use strict';\n${script}\n})();\n`.replace(/<\/(script)/gi, '<\\/$1');
}
