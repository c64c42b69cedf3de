import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../shared/app.js';
import { callRunningApp, controlSocketPath, serveControl } from '../../electron/engine/control/control-socket.js';
import { data, tempDir, testEngine } from '../helpers.js';

// The CLI's way into a running app: the engine's dispatcher on a local socket in the data folder.

/** Sends raw lines to the socket and collects the answer lines until `count` have come. */
function rawExchange(path: string, text: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(text));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n').filter((l) => l !== '');
      if (lines.length >= count) {
        socket.destroy();
        resolve(lines);
      }
    });
    socket.once('error', reject);
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
};

describe('the control socket of a running engine', () => {
  it('answers contract calls for its owner only, refuses malformed lines and goes away with the engine', async () => {
    const dir = tempDir('control-socket');
    const engine = testEngine(dir.path);
    try {
      const path = controlSocketPath(dir.path);
      await until(() => existsSync(path));
      expect(statSync(path).mode & 0o777).toBe(0o600);

      const info = await callRunningApp(dir.path, 'app:info', undefined, 10_000);
      expect(info).not.toBeNull();
      expect(data<AppInfo>(info ?? { ok: true, data: null })).toMatchObject({ dataDir: dir.path, pid: process.pid });

      // The same gate as the UI's: unknown methods and invalid input are answered as errors.
      const unknown = await callRunningApp(dir.path, 'app:shutdown', undefined, 10_000);
      expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      const invalid = await callRunningApp(dir.path, 'producers:command', { id: 'x', verb: 'explode' }, 10_000);
      expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

      // A line that is not a request gets an error line, and the connection goes on answering.
      const [bad, good] = await rawExchange(path, 'not json\n{"id": 7, "method": "connections:list"}\n', 2);
      expect(JSON.parse(bad ?? '')).toMatchObject({ id: -1, envelope: { ok: false, error: { code: 'VALIDATION' } } });
      expect(JSON.parse(good ?? '')).toEqual({ id: 7, envelope: { ok: true, data: [] } });

      await engine.dispose();
      expect(existsSync(path)).toBe(false);
      expect(await callRunningApp(dir.path, 'app:info', undefined, 10_000)).toBeNull();
    } finally {
      await engine.dispose();
      dir.remove();
    }
  });

  it('replaces the socket file of an app that was killed, and leaves a live app its socket', async () => {
    const dir = tempDir('control-socket-stale');
    const path = controlSocketPath(dir.path);
    // A process that listens on the path and is killed with SIGKILL leaves its socket file behind.
    const child = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(path)).toBe(true);
    expect(await callRunningApp(dir.path, 'app:info', undefined, 10_000)).toBeNull();

    const first = testEngine(dir.path);
    let second: ReturnType<typeof testEngine> | null = null;
    try {
      await until(() => existsSync(path) && (statSync(path).mode & 0o777) === 0o600);
      const answer = await callRunningApp(dir.path, 'app:info', undefined, 10_000);
      expect(answer?.ok).toBe(true);
      // A second engine on the folder does not take the socket from the first (its dispose waits
      // for its decision, and would remove the socket file had it taken it).
      second = testEngine(dir.path);
      await second.dispose();
      expect(existsSync(path)).toBe(true);
      expect((await callRunningApp(dir.path, 'app:info', undefined, 10_000))?.ok).toBe(true);
    } finally {
      await second?.dispose();
      await first.dispose();
      dir.remove();
    }
  });

  it('refuses an answer that is not a control answer, without crashing the caller', async () => {
    const dir = tempDir('control-socket-garbage');
    const path = controlSocketPath(dir.path);
    // Reads (so it sees the caller hang up) and answers something that is not a control answer.
    const garbage = createServer((socket) => socket.resume().end('<html>not an app</html>\n'));
    await new Promise<void>((resolve) => garbage.listen(path, resolve));
    try {
      await expect(callRunningApp(dir.path, 'app:info', undefined, 5_000)).rejects.toThrow(
        `The app on ${dir.path} answered app:info with something that is not a control answer`,
      );
    } finally {
      await new Promise((resolve) => garbage.close(resolve));
      dir.remove();
    }
  });

  it('gives up on an app that does not answer, saying so', async () => {
    const dir = tempDir('control-socket-silent');
    const path = controlSocketPath(dir.path);
    // Accepts and never answers (a frozen app); its connections are closed by hand at the end.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      await expect(callRunningApp(dir.path, 'app:info', undefined, 500)).rejects.toThrow(
        `The app on ${dir.path} did not answer app:info within 1 s`,
      );
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      dir.remove();
    }
  });
  it('puts the socket of a folder whose path is too long for a Unix socket in a private folder of its own, without touching the umask', async () => {
    const dir = tempDir('control-socket-long');
    const deep = join(dir.path, 'a-data-folder-whose-path-is-longer-than-a-unix-socket-address-can-hold', 'x'.repeat(40));
    mkdirSync(deep, { recursive: true });
    const path = controlSocketPath(deep);
    expect(path.startsWith(deep)).toBe(false);
    const umask = process.umask();
    const engine = testEngine(deep);
    try {
      await until(() => existsSync(path));
      expect(process.umask()).toBe(umask);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(lstatSync(dirname(path)).mode & 0o777).toBe(0o700);
      expect((await callRunningApp(deep, 'app:info', undefined, 10_000))?.ok).toBe(true);
    } finally {
      await engine.dispose();
      rmSync(dirname(path), { recursive: true, force: true });
      dir.remove();
    }
  });

  it('does not listen where its private folder is a link someone else put in the temp folder', async () => {
    const dir = tempDir('control-socket-hostile');
    const deep = join(dir.path, 'another-data-folder-whose-path-is-longer-than-a-unix-socket-address-can-hold', 'y'.repeat(40));
    const path = controlSocketPath(deep);
    mkdirSync(join(dir.path, 'elsewhere'));
    symlinkSync(join(dir.path, 'elsewhere'), dirname(path));
    const logged: string[] = [];
    try {
      const server = await serveControl(
        deep,
        () => Promise.reject(new Error('not called')),
        (_level, message) => logged.push(message),
      );
      expect(server.path).toBeNull();
      expect(logged.join('\n')).toContain(`${dirname(path)} is not a folder of this user`);
      expect(existsSync(join(dir.path, 'elsewhere', 'engine.sock'))).toBe(false);
    } finally {
      rmSync(dirname(path), { force: true });
      dir.remove();
    }
  });
});
