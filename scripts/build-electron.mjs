// Bundles the Electron main process (ESM; npm packages stay external and ship in node_modules) and
// the preload (one CommonJS file: a sandboxed preload cannot load modules) into dist/electron.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['electron/main/main.ts'],
  outfile: 'dist/electron/main.mjs',
  format: 'esm',
  packages: 'external',
});
await build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] });
console.log('built dist/electron/main.mjs and dist/electron/preload.cjs');
