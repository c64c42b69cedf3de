// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeOnly = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http'];

// Layering (STYLE.md): shared/ imports nothing runtime-specific; the engine never imports Electron;
// the renderer imports only shared/.
const layer = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.test-output/**', 'test-output/**', 'bench/results/**', '**/.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './tsconfig.renderer.json'], tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['shared/**/*.ts'],
    rules: layer([
      { group: nodeOnly, message: 'shared/ runs on both sides: no Node modules.' },
      { group: ['electron', 'react', 'react-dom', 'kafkajs', 'better-sqlite3'], message: 'shared/ is the contract: no runtime-specific imports.' },
      { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports only shared/.' },
    ]),
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: layer([
      { group: ['electron'], message: 'The engine is plain Node: it never imports Electron.' },
      { group: ['**/electron/main/**', '**/electron/preload/**', '**/electron/serve/**', '**/renderer/**'], message: 'The engine imports only shared/ and itself.' },
    ]),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer([
      { group: nodeOnly, message: 'The renderer runs in a sandboxed page: no Node modules.' },
      { group: ['electron', 'kafkajs', 'better-sqlite3', '**/electron/**'], message: 'The renderer talks to the engine only through the contract.' },
    ]),
  },
);
