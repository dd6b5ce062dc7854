// ESLint (flat config) with typescript-eslint. Its main job is keeping the architecture's shape:
// a carrier folder imports only the carrier kit's API (src/carrier-kit/index.js), so the engine can change behind
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
              regex: '^(\\.\\./)+src/(?!carrier-kit/index\\.js$)',
              message: 'A carrier imports only from src/carrier-kit/index.js, the kit\'s API (design.md: carriers are thin folders).',
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
);
