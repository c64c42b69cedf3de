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

// The pipelines' decode worker (electron/engine/pipelines/decode-pool.ts) runs from its own file
// beside main.mjs: a worker thread loads a module by URL.
await build({
  ...common,
  entryPoints: ['electron/engine/pipelines/decode-worker.ts'],
  outfile: 'dist/electron/decode-worker.mjs',
  format: 'esm',
  packages: 'external',
});

// The preload needs only the contract's method and event names. They are read from the contract
// here and written into the preload as constants, so the sandboxed preload does not carry every
// schema of the contract (825 KB when it imported shared/contract.ts).
const contract = await build({ ...common, entryPoints: ['shared/contract.ts'], format: 'esm', write: false, sourcemap: false });
const { methodNames, eventNames } = await import(
  `data:text/javascript;base64,${Buffer.from(contract.outputFiles[0].text).toString('base64')}`
);
await build({
  ...common,
  entryPoints: ['electron/preload/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  format: 'cjs',
  external: ['electron'],
  define: { KWB_METHOD_NAMES: JSON.stringify(methodNames), KWB_EVENT_NAMES: JSON.stringify(eventNames) },
});
console.log(`built dist/electron/main.mjs and dist/electron/preload.cjs (${methodNames.length} methods, ${eventNames.length} events)`);
