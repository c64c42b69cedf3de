import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build, Platform } from 'electron-builder';

export interface UnpackedApp {
  /** The unpacked app folder (linux-unpacked, mac/…app, win-unpacked). */
  appDir: string;
  /** Its resources folder: app.asar, app.asar.unpacked and the extraResources. */
  resourcesDir: string;
  /** True when a placeholder stood in for the Electron binary. */
  placeholder: boolean;
}

/**
 * The real Electron binary when `npm ci` could download it; otherwise (ELECTRON_SKIP_BINARY_DOWNLOAD,
 * as here) a placeholder folder with what electron-builder copies from an Electron distribution: an
 * `electron` executable, LICENSE and version. The app payload does not depend on which it is.
 */
function electronDist(work: string): { dir: string | null; version: string } {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('electron/package.json');
  const version = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version;
  const real = join(dirname(pkgFile), 'dist');
  if (existsSync(join(real, process.platform === 'win32' ? 'electron.exe' : 'electron'))) return { dir: null, version };
  const dir = join(work, 'electron-placeholder');
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const exe = join(dir, process.platform === 'win32' ? 'electron.exe' : 'electron');
  writeFileSync(exe, '#!/bin/sh\necho "placeholder for the Electron binary (ELECTRON_SKIP_BINARY_DOWNLOAD)"\n');
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'placeholder\n');
  writeFileSync(join(dir, 'version'), version);
  return { dir, version };
}

/** `electron-builder --dir` for this OS with electron-builder.yml, into `work/out`. */
export async function buildUnpacked(projectDir: string, work: string): Promise<UnpackedApp> {
  const electron = electronDist(work);
  const platform = Platform.current();
  await build({
    projectDir,
    targets: platform.createTarget('dir'),
    publish: 'never',
    config: {
      directories: { output: join(work, 'out'), buildResources: 'resources/build' },
      ...(electron.dir === null
        ? {}
        : // The fuses live in the real binary; a placeholder has none to flip.
          { electronDist: electron.dir, electronVersion: electron.version, electronFuses: null }),
    },
  });
  const out = join(work, 'out');
  if (platform === Platform.MAC) {
    const arch = process.arch === 'arm64' ? 'mac-arm64' : 'mac';
    const appDir = join(out, arch, 'Kafka Workbench.app');
    return { appDir, resourcesDir: join(appDir, 'Contents', 'Resources'), placeholder: electron.dir !== null };
  }
  const appDir = join(out, platform === Platform.WINDOWS ? 'win-unpacked' : 'linux-unpacked');
  return { appDir, resourcesDir: join(appDir, 'resources'), placeholder: electron.dir !== null };
}
