/**
 * The lint rules that keep the architecture's shape (eslint.config.js), checked on code written
 * for the test: a carrier importing from the pipeline, a package or another carrier fails; one
 * importing the carrier kit passes. (`npm test` lints the repository itself: scripts/test.sh.)
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { ROOT } from './support/paths.js';

const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: a carrier imports only src/carrier-kit', () => {
  test('importing src/pipeline from a carrier folder fails lint', async () => {
    const found = await restrictedImports('carriers/ups/extra.ts', "import { createCleaner } from '../../src/pipeline/clean.js';\nexport const c = createCleaner;\n");
    assert.equal(found.length, 1);
    assert.match(found[0] ?? '', /only from src\/carrier-kit/);
  });

  test("importing the kit's internals (the engine-facing contract, the header matcher) from a carrier folder fails lint", async () => {
    const found = await restrictedImports('carriers/dpd/extra.ts', "import type { RawLine } from '../../src/carrier-kit/contract.js';\nexport type L = RawLine;\n");
    assert.equal(found.length, 1);
    assert.match(found[0] ?? '', /only from src\/carrier-kit\/index\.js/);
    assert.equal((await restrictedImports('carriers/dpd/extra.ts', "import { indexHeader } from '../../src/carrier-kit/header.js';\nexport const h = indexHeader;\n")).length, 1);
  });

  test('importing a package or another carrier from a carrier folder fails lint', async () => {
    assert.equal((await restrictedImports('carriers/dpd/extra.ts', "import { z } from 'zod';\nexport const s = z.string();\n")).length, 1);
    assert.equal((await restrictedImports('carriers/dpd/extra.ts', "import { gls } from '../gls/index.js';\nexport const g = gls;\n")).length, 1);
  });

  test('importing the kit, or a file of its own folder, passes', async () => {
    const code = "import { defineCarrier } from '../../src/carrier-kit/index.js';\nimport { DPD_CHARGES } from './charges.js';\nexport const x = [defineCarrier, DPD_CHARGES];\n";
    assert.deepEqual(await restrictedImports('carriers/dpd/extra.ts', code), []);
    // the engine itself may import anything
    assert.deepEqual(await restrictedImports('src/commands/extra.ts', "import { createCleaner } from '../pipeline/clean.js';\nexport const c = createCleaner;\n"), []);
  });
});
