// `npm start`: build, then open the desktop window. Where Electron's binary is missing (it is
// downloaded by its installer, which some machines cannot reach), say so and point to `serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  // Read electron's own path.txt instead of require('electron'): recent versions try to download
  // the binary on require, which fails with a stack trace where the download is blocked.
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const path = join(dir, 'dist', relative);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.error(
    'start: the Electron binary is not installed here (its download was skipped or blocked). ' +
      'Run the same app headless in your browser with: npm run serve',
  );
  process.exit(1);
}

const npmCli = process.env.npm_execpath;
const built = npmCli
  ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (built.status !== 0) process.exit(built.status ?? 1);
const child = spawn(binary, ['.'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
