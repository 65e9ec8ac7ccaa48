// Lint rules: strict typed TypeScript, no floating promises, and the import rules of DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'core/, shared/ and webview/ must not import vscode (DESIGN.md rule 1).' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'artifacts/**', '*.mjs', 'scripts/**', 'test/harness/**', 'test/bench/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './tsconfig.webview.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-eval': 'error',
      'no-implied-eval': 'off',
      '@typescript-eslint/no-implied-eval': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/host/**', '**/webview/**', '**/extension'], message: 'core/ and shared/ must not import host/, webview/ or the composition root.' }],
      }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/core/**', '**/host/**', '**/simulator/**', '**/cli/**'], message: 'webview/ imports only shared/ (DESIGN.md rule 1).' }],
      }],
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Render text with textContent; the webview never builds HTML from strings.' },
        { property: 'outerHTML', message: 'Render text with textContent.' },
        { property: 'insertAdjacentHTML', message: 'Render text with textContent.' }],
    },
  },
  {
    files: ['src/simulator/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
);
