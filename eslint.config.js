// ESLint (flat config) with typescript-eslint. Its main job is keeping the architecture's shape:
// a carrier folder imports only the carrier kit (src/carrier-kit), so the engine can change behind
// it and a new carrier cannot grow a dependency on the pipeline, the database or a sibling carrier.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed parameters are deliberate (interface shapes)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['carriers/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!carrier-kit/)',
              message: 'A carrier imports only from src/carrier-kit (design.md: carriers are thin folders).',
            },
            {
              regex: '^\\.\\./(?!\\.\\./)',
              message: 'A carrier does not import another carrier folder; shared knowledge belongs in src/carrier-kit.',
            },
            {
              regex: '^(?!\\.)',
              message: 'A carrier imports no package directly: what it needs comes through src/carrier-kit.',
            },
          ],
        },
      ],
    },
  },
  {
    // The project compiles with the DOM library for the report page's script (src/report/client,
    // `/// <reference lib="dom" />`); everything else runs in Node and must not reach for it.
    files: ['src/**/*.ts', 'carriers/**/*.ts'],
    ignores: ['src/report/client/**'],
    rules: {
      'no-restricted-globals': ['error', ...['document', 'window', 'navigator', 'localStorage', 'HTMLElement'].map((name) => ({ name, message: 'Browser code belongs in src/report/client.' }))],
    },
  },
  {
    // The page's script is linked by src/report/client-script.ts: relative named imports only.
    files: ['src/report/client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\.)', allowTypeImports: true, message: 'The report page runs no package or Node module: import relative modules only (src/report/client-script.ts).' }] }],
    },
  },
);
