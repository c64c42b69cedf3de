import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import { moveLegacyFolders } from '../engine/legacy-folders.js';
import { resolveCacheDir, resolveDataDir } from '../engine/paths.js';
import { bindContract } from './ipc-binding.js';
import { SafeStorageSecretBox } from './safe-storage-secret-box.js';
import { isAppUrl } from './window-policy.js';
import { contentSecurityPolicy, META_IMG_SRC } from '../../shared/csp.js';
import { cspTileOrigin } from '../../shared/map-tiles.js';

// Thin on purpose: windows, OS integration and the IPC binding. Everything Kafka-shaped is in the engine.
app.enableSandbox();

const here = import.meta.dirname;
const rendererEntry = pathToFileURL(join(here, '..', 'renderer', 'index.html')).toString();
let engine: Engine | undefined;
let unbind: (() => void) | undefined;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1320,
    height: 860,
    title: 'Kafka Workbench',
    show: false,
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // Middle-click must not open links in a new window (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererEntry)) event.preventDefault();
  });
  // No new windows and no hand-off to other programs: the app has no reason to open either.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererEntry);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  // The map's optional tile layer (Settings → Map) widens img-src to exactly its origin; else strict.
  let tileOrigin: string | null = null;
  const useTiles = (layer: unknown) => {
    tileOrigin = cspTileOrigin(layer);
  };
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(tileOrigin)] } });
  });
  // index.html's meta CSP applies too: serve the app's own index.html with the same img-src widening.
  protocol.handle('file', async (request) => {
    if (tileOrigin === null || request.url !== rendererEntry) return net.fetch(request, { bypassCustomProtocolHandlers: true });
    const html = (await readFile(new URL(rendererEntry), 'utf8')).replace(META_IMG_SRC, `${META_IMG_SRC} ${tileOrigin}`);
    return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  });
  const dataDir = app.getPath('userData');
  // The pinned locks: extraResources in the package, the repository's resources/ in development.
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
  // Jars, Java runtime and the local cluster live in the platform's cache and data folders, not in
  // userData (backed up, roamed on Windows); an install that kept them there is moved once.
  const cacheDir = resolveCacheDir();
  const clusterDataDir = resolveDataDir();
  for (const line of await moveLegacyFolders(dataDir, { cacheDir, clusterDataDir }).catch((error: unknown) => [
    `could not move old folders: ${String(error)}`,
  ])) {
    console.log(`folders: ${line}`);
  }
  engine = createEngine({
    dataDir,
    cacheDir,
    clusterDataDir,
    secrets: new SafeStorageSecretBox(safeStorage, process.platform),
    transport: 'ipc',
    version: app.getVersion(),
    jarLockFile: join(resources, 'kafka', 'jars.lock.json'),
    javaRuntimeLock: join(resources, 'java', 'runtime.lock.json'),
  });
  engine.events.on('geo:tiles', useTiles);
  useTiles(await engine.dispatch('geo:tiles', undefined).then((reply) => (reply.ok ? reply.data : null)));
  const trusted = (frame: { url: string } | null) => frame !== null && isAppUrl(frame.url, rendererEntry);
  unbind = bindContract(ipcMain, engine.dispatch, engine.events, trusted);
  createWindow();
  // The embedded default: no saved connection, or the app's own local cluster active → start it.
  engine
    .startDefault()
    .then(({ message }) => console.log(message))
    .catch((error: unknown) => console.error(`local cluster: ${error instanceof Error ? error.message : String(error)}`));
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !engine) return;
  event.preventDefault();
  quitting = true;
  unbind?.();
  void engine.dispose().finally(() => app.quit());
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0 && engine) createWindow();
});

start().catch((error: unknown) => {
  console.error(error);
  app.exit(1);
});
