import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractAll, listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventNames, methodNames } from '../../shared/contract.js';
import { buildUnpacked, type UnpackedApp } from './build-unpacked.js';

// What a user installs, checked: electron-builder builds the unpacked app from electron-builder.yml
// exactly as `npm run dist` does (a placeholder stands in for the Electron binary when it could not
// be downloaded), and this asserts what is inside and how big the app's own payload is.

/** The app's own payload (app.asar, its unpacked part, extraResources), Electron excluded: the budget. */
const PAYLOAD_BUDGET_BYTES = 30_000_000;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

const projectDir = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'kwb-package-'));
let app: UnpackedApp;
let asarFiles: Set<string>;

function folderBytes(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + folderBytes(join(path, name)), 0);
}

/** Files of the asar and of app.asar.unpacked, as paths relative to the app root. */
function unpackedFiles(): string[] {
  const root = join(app.resourcesDir, 'app.asar.unpacked');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((path) => statSync(join(root, path)).isFile())
    .map((path) => path.split('\\').join('/'));
}

const runtimeDependencies = Object.keys(
  (JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> }).dependencies,
);

beforeAll(async () => {
  // `npm test` builds dist/ before vitest runs; a lone run of this file builds it itself.
  if (!existsSync('dist/electron/main.mjs') || !existsSync('dist/renderer/index.html')) {
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  }
  const started = Date.now();
  app = await buildUnpacked(projectDir, work);
  asarFiles = new Set(
    listPackage(join(app.resourcesDir, 'app.asar'), { isPack: false }).map((path) => path.split('\\').join('/').replace(/^\//, '')),
  );
  process.stdout.write(
    `[packaging] electron-builder --dir in ${((Date.now() - started) / 1000).toFixed(1)} s${app.placeholder ? ' (placeholder Electron binary)' : ''}\n`,
  );
}, 600_000);

afterAll(() => {
  if (!process.env.KWB_KEEP_PACKAGE) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`[packaging] kept ${work}\n`);
});

describe('the packaged app', () => {
  it('holds the main bundle, preload, renderer and the pinned locks the main process reads', () => {
    for (const path of [
      'package.json',
      'dist/electron/main.mjs',
      'dist/electron/decode-worker.mjs',
      'dist/electron/preload.cjs',
      'dist/renderer/index.html',
    ]) {
      expect(asarFiles.has(path), path).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(app.resourcesDir, 'kafka', 'jars.lock.json'), 'utf8'))).toHaveProperty('versions');
    expect(JSON.parse(readFileSync(join(app.resourcesDir, 'java', 'runtime.lock.json'), 'utf8'))).toHaveProperty('wheels');
    // The poms are developer tools: nothing at run time reads them.
    expect(existsSync(join(app.resourcesDir, 'kafka', 'pom.xml'))).toBe(false);
  });

  it('gives the preload every method and event name of the contract, and none of its schemas', () => {
    const preload = readFileSync(join(projectDir, 'dist/electron/preload.cjs'), 'utf8');
    for (const name of [...methodNames, ...eventNames]) expect(preload, name).toContain(JSON.stringify(name));
    // 825 KB when the preload imported shared/contract.ts for the names (every zod schema with it).
    expect(preload.length).toBeLessThan(16_000);
    expect(preload).not.toContain('ZodError');
  });

  it('carries every runtime dependency, and each one loads from the package', () => {
    const root = join(work, 'extracted');
    extractAll(join(app.resourcesDir, 'app.asar'), root);
    if (existsSync(join(app.resourcesDir, 'app.asar.unpacked')))
      cpSync(join(app.resourcesDir, 'app.asar.unpacked'), root, { recursive: true });
    for (const name of runtimeDependencies) expect(asarFiles.has(`node_modules/${name}/package.json`), name).toBe(true);
    // A child Node resolves each dependency from the extracted app alone (no repository node_modules
    // above it): what the main bundle imports must be inside, whatever the exclusions dropped.
    const probe = join(root, 'dist', 'electron', 'probe.mjs');
    writeFileSync(
      probe,
      `for (const name of ${JSON.stringify(runtimeDependencies)}) await import(name);
      const { default: Database } = await import('better-sqlite3');
      console.log(new Database(':memory:').prepare('select sqlite_version() as v').get().v);\n`,
    );
    const out = execFileSync(process.execPath, [probe], { cwd: tmpdir(), encoding: 'utf8' });
    expect(out.trim()).toMatch(/^3\.\d+\.\d+$/);
    // The pipelines' decode worker (electron/engine/pipelines/decode-pool.ts) runs from the package
    // on its own: it decodes and projects a record sent as the pool sends it.
    const workerProbe = join(root, 'dist', 'electron', 'worker-probe.mjs');
    writeFileSync(
      workerProbe,
      `import { Worker } from 'node:worker_threads';
      const worker = new Worker(new URL('./decode-worker.mjs', import.meta.url));
      const bytes = new TextEncoder().encode('{"a": 41.5}');
      const spec = { decoder: 'json', projection: [{ column: 'a', path: 'a', type: 'double', required: true }] };
      worker.postMessage({ id: 0, specId: 0, spec, packed: { bytes, starts: new Int32Array([0]), ends: new Int32Array([bytes.length]), nulls: new Uint8Array(1) } });
      worker.on('message', (m) => { console.log(m.chunk.columns[0].data[0]); void worker.terminate(); });\n`,
    );
    expect(execFileSync(process.execPath, [workerProbe], { cwd: tmpdir(), encoding: 'utf8' }).trim()).toBe('41.5');
  });

  it('leaves out build tools, renderer sources and other platforms', () => {
    const all = [...new Set([...asarFiles, ...unpackedFiles()])]; // an unpacked file is also listed in the asar
    for (const tool of [
      'tsx',
      'esbuild',
      '@esbuild',
      'vite',
      'typescript',
      'vitest',
      'react',
      'react-dom',
      'recharts',
      'leaflet',
      'world-atlas',
      'electron',
      'electron-builder',
    ]) {
      expect(
        all.filter((path) => path.startsWith(`node_modules/${tool}/`)),
        tool,
      ).toEqual([]);
    }
    const sqlite = all.filter((path) => path.startsWith('node_modules/better-sqlite3/'));
    expect(sqlite.filter((path) => path.endsWith('.node'))).toEqual([
      `node_modules/better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`,
    ]);
    expect(sqlite.filter((path) => /\/(src|deps)\//.test(path) || path.endsWith('binding.gyp'))).toEqual([]);
    expect(all.filter((path) => path.endsWith('.map') || path.endsWith('.d.ts'))).toEqual([]);
  });

  it(`keeps the app payload, Electron excluded, within ${mb(PAYLOAD_BUDGET_BYTES)}`, () => {
    const parts = readdirSync(app.resourcesDir).filter((name) => !/\.pak$|^locales$|^default_app\.asar$/.test(name));
    const sizes = Object.fromEntries(parts.map((name) => [name, folderBytes(join(app.resourcesDir, name))]));
    const total = Object.values(sizes).reduce((sum, size) => sum + size, 0);
    process.stdout.write(
      `[packaging] app payload ${mb(total)} (budget ${mb(PAYLOAD_BUDGET_BYTES)}; 109.1 MB before the package was trimmed): ` +
        `${Object.entries(sizes)
          .map(([name, size]) => `${name} ${mb(size)}`)
          .join(', ')}\n`,
    );
    expect(total).toBeLessThanOrEqual(PAYLOAD_BUDGET_BYTES);
  });
});
