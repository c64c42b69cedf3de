// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const nodeOnly = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http'];

// Layering (docs/ARCHITECTURE.md): shared/ imports nothing runtime-specific; the engine never imports
// Electron, React or a transport; the renderer imports only shared/; each transport (main, preload,
// serve, cli) imports the engine and shared/, never another transport. Package imports are checked
// by name (no-restricted-imports); folder imports by the file they resolve to
// (import-x/no-restricted-paths), so `../main/x.js` from the engine is caught whatever its depth.
const layer = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const transports = ['./electron/main', './electron/preload', './electron/serve', './electron/cli'];
const others = (self) => transports.filter((t) => t !== self);
// Statement text as the product writes it (upper-case keywords); case matters, so 'Select a topic' passes.
const SQL =
  '/^\\s*(SELECT|INSERT INTO|INSERT OR|UPDATE \\S+ SET|DELETE FROM|CREATE (TABLE|INDEX|UNIQUE|VIEW|TRIGGER)|DROP (TABLE|INDEX)|ALTER TABLE|PRAGMA|BEGIN|COMMIT|ROLLBACK)\\b/';
const sqlMessage = 'SQL belongs in electron/engine/store/ (a repository there): none elsewhere.';
const sqliteCalls = [`CallExpression[callee.property.name=/^(prepare|pragma|exec)$/][arguments.0.type=/^(Literal|TemplateLiteral)$/]`].map(
  (selector) => ({ selector, message: sqlMessage }),
);
const sqlText = [`Literal[value=${SQL}]`, `TemplateElement[value.raw=${SQL}]`].map((selector) => ({ selector, message: sqlMessage }));
const zones = [
  { target: './shared', from: ['./electron', './renderer'], message: 'shared/ is the contract: it imports only shared/.' },
  { target: './renderer', from: ['./electron'], message: 'The renderer talks to the engine only through the contract (shared/).' },
  {
    target: './electron/engine',
    from: [...transports, './renderer'],
    message: 'The engine imports only shared/ and itself; the transports import it, not the other way.',
  },
  ...transports.map((t) => ({
    target: t,
    from: [...others(t), './renderer'],
    message: `${t.slice(2)} imports the engine and shared/, never another transport or the renderer.`,
  })),
  {
    target: './electron/preload',
    from: ['./electron/engine'],
    message: 'The preload runs in the sandbox: it imports only shared/ and Electron, never the engine.',
  },
];
const react = {
  group: ['react', 'react/**', 'react-dom', 'react-dom/**', '@tanstack/**', 'recharts', 'leaflet'],
  message: 'UI libraries belong to the renderer only.',
};
const electronPkg = { group: ['electron'], message: 'Plain Node here: only electron/main and electron/preload import Electron.' };

// One Kafka client: only electron/engine/kafka/ imports @platformatic/kafka (type imports
// too: the rest of the code names the engine's own types), and nothing imports kafkajs any more.
// A later config object replaces an earlier one's no-restricted-imports, so every layer below
// repeats these patterns.
// kafka/kafkajs.ts and kafka/client-factory.ts are the old kafkajs wrappers: importing them is using kafkajs.
const kafkajs = {
  group: [
    'kafkajs',
    'kafkajs/**',
    'kafkajs-snappy',
    '**/kafka/kafkajs.js',
    './kafkajs.js',
    '**/kafka/client-factory.js',
    './client-factory.js',
  ],
  message:
    "kafkajs is gone: use the engine's client module (electron/engine/kafka/: KafkaAdmin, PartitionReader, KafkaProducer, errors.ts).",
};
const kafkaClient = {
  group: ['@platformatic/kafka', '@platformatic/kafka/**'],
  message: 'Only electron/engine/kafka/ imports the Kafka client: add a method or module there.',
};
const kafkaRules = [kafkajs, kafkaClient];
const kafkaScope = [
  'electron/**/*.ts',
  'shared/**/*.ts',
  'renderer/**/*.ts',
  'renderer/**/*.tsx',
  'test/**/*.ts',
  'bench/**/*.ts',
  'scripts/**/*.ts',
  'scripts/**/*.mjs',
  'scripts/**/*.js',
];

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
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: ['./tsconfig.json', './tsconfig.renderer.json'], noWarnOnMultipleProjects: true }),
      ],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
  },
  { files: kafkaScope, rules: layer(kafkaRules) },
  {
    files: ['shared/**/*.ts'],
    rules: layer([
      ...kafkaRules,
      { group: nodeOnly, message: 'shared/ runs on both sides: no Node modules.' },
      {
        group: ['electron', 'react', 'react-dom', 'kafkajs', 'better-sqlite3'],
        message: 'shared/ is the contract: no runtime-specific imports.',
      },
      { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports only shared/.' },
    ]),
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: layer([...kafkaRules, { group: ['electron'], message: 'The engine is plain Node: it never imports Electron.' }, react]),
  },
  {
    files: ['electron/serve/**/*.ts', 'electron/cli/**/*.ts'],
    rules: layer([...kafkaRules, electronPkg, react]),
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: layer([...kafkaRules, react]),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer([
      ...kafkaRules,
      { group: nodeOnly, message: 'The renderer runs in a sandboxed page: no Node modules.' },
      {
        group: ['electron', 'kafkajs', 'better-sqlite3', '**/electron/**'],
        message: 'The renderer talks to the engine only through the contract.',
      },
    ]),
  },
  {
    // SQL lives in electron/engine/store/ only (a repository per aggregate, statements prepared once):
    // no statement text, prepare(), exec() or pragma() anywhere else in the product code. The
    // database sinks (electron/engine/sinks/) write SQL to the user's own database (PostgreSQL), not
    // to the app's store: statement text is theirs, SQLite calls are not.
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['electron/engine/store/**', 'electron/engine/sinks/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-syntax': ['error', ...sqliteCalls, ...sqlText],
    },
  },
  {
    files: ['electron/engine/sinks/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...sqliteCalls] },
  },
  {
    // The client's home: the engine's rules, and the client library allowed.
    files: ['electron/engine/kafka/**/*.ts'],
    rules: layer([kafkajs, { group: ['electron'], message: 'The engine is plain Node: it never imports Electron.' }, react]),
  },
  {
    // Minimal reproductions of the client's defects call the client itself, by definition.
    files: ['test/client-defects/**/*.ts'],
    rules: layer([kafkajs]),
  },
);
