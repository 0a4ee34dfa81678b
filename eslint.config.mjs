// @ts-check
// Lint rules: typescript-eslint's type-aware recommended set, formatting left to Prettier, and
// the layer guards: rules/model/syntax know nothing of LSP or VS Code; the client knows nothing
// of the engine. The .mjs scripts get the plain JavaScript set (their types are checked by
// tsconfig.scripts.json).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Node's globals, read from the Node that runs ESLint (no `globals` package needed). */
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, /** @type {const} */ ('readonly')]));

const engine = [
  'lib/**',
  'server/src/syntax/**',
  'server/src/model/**',
  'server/src/rules/**',
  'server/src/schema/**',
  'server/src/features/**',
  'server/src/compare/**',
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.cache/**', 'node_modules/**', '.vscode-test/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite', 'before', 'after'] }],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: 'error',
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.mjs'], languageOptions: { globals: nodeGlobals } },
  {
    files: engine,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'vscode-languageserver*', 'vscode-languageclient*'],
              message: 'The engine knows nothing of LSP or VS Code.',
            },
            { group: ['node:fs', 'fs', 'node:child_process', 'child_process'], message: 'The engine does no I/O.' },
            { group: ['**/lsp/**', '**/cli/**'], message: 'The engine does not depend on its edges.' },
          ],
        },
      ],
    },
  },
  {
    files: ['client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/src/**', '@xml-tools/*'], message: 'The client talks to the server over LSP only.' }] },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  // Last: eslint-config-prettier turns off the rules that only concern layout, `curly` among them;
  // we want `curly` anyway (braces on every if/else/for body), and Prettier keeps them.
  prettier,
  { rules: { curly: 'error' } }
);
