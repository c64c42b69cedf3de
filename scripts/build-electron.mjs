// Bundles the Electron main process and the preload into dist/electron (CommonJS: a sandboxed
// preload must be one CJS file, and Electron's main is simplest that way too).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron', 'better-sqlite3', 'kafkajs'],
};

await build({
  ...common,
  entryPoints: ['electron/main/main.ts'],
  outfile: 'dist/electron/main.cjs',
  // Engine modules use import.meta.url; give the CJS bundle a real one.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
});
await build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs' });
console.log('built dist/electron/main.cjs and dist/electron/preload.cjs');
