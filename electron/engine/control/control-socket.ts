import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Envelope } from '../../../shared/contract.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { Dispatch } from '../dispatch.js';
import type { Logger } from '../logger.js';
import { privateDir } from '../private-files.js';

/**
 * The CLI's way into a running app (desktop or `serve`) on the same data folder: the engine's own
 * dispatcher served on a local socket, one JSON object per line each way:
 *   → {"id": 1, "method": "producers:command", "input": {…}}
 *   ← {"id": 1, "envelope": {"ok": true, "data": …}}
 * Every call goes through the same gate as the UI's (unknown method, contract validation, errors
 * as data). The socket is a Unix domain socket readable and writable by its owner only (0600), or
 * a named pipe on Windows; nothing listens on the network.
 */

/** Longest request line read; a longer one closes the connection (no unbounded buffering). */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** sockaddr_un's path is 108 bytes on Linux, 104 on macOS (with its terminating NUL). */
const MAX_SOCKET_PATH = 100;

const requestSchema = z.object({ id: z.number().int().nonnegative(), method: z.string().max(200), input: z.unknown().optional() });
const answerSchema = z.object({ id: z.number().int(), envelope: z.object({ ok: z.boolean() }).passthrough() });

/**
 * The socket of a data folder: `engine.sock` inside it, or, where that path is too long for a Unix
 * socket, `engine.sock` in a folder of the temp folder named after the data folder; a named pipe
 * on Windows. Either folder is the user's alone (0700), which is what keeps other users out.
 */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\kafka-workbench-${tag}`;
  const inFolder = join(dataDir, 'engine.sock');
  return Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH ? inFolder : join(tmpdir(), `kafka-workbench-${tag}`, 'engine.sock');
}

export interface ControlServer {
  /** Where it listens; null when another app already answers on this data folder. */
  readonly path: string | null;
  close(): Promise<void>;
}

/** True when something accepts connections at `path` (a live app), false when nothing does. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Makes the socket's folder 0700 and checks that it is a folder of this user, not a link or a
 * folder someone else made first in a shared temp folder. The socket file itself is created by
 * bind() with the process's umask; inside a 0700 folder no other user can reach it, even before
 * the chmod to 0600 after listen.
 */
function privateSocketFolder(path: string): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || (process.getuid !== undefined && stat.uid !== process.getuid())) {
    throw new Error(`${folder} is not a folder of this user`);
  }
  privateDir(folder);
}

/**
 * Serves `dispatch` on the data folder's socket. A socket file left by an app that died is
 * replaced; one a live app answers on is left alone (one app per data folder answers the CLI).
 */
export async function serveControl(dataDir: string, dispatch: Dispatch, log: Logger): Promise<ControlServer> {
  const path = controlSocketPath(dataDir);
  const unopened = (error: unknown): ControlServer => {
    log('warn', `the CLI control socket ${path} could not be opened: ${error instanceof Error ? error.message : String(error)}`);
    return { path: null, close: () => Promise.resolve() };
  };
  if (process.platform !== 'win32') {
    try {
      privateSocketFolder(path);
    } catch (error) {
      return unopened(error);
    }
    if (await answers(path)) {
      log('warn', `another app already answers the CLI on ${path}; this one does not`);
      return { path: null, close: () => Promise.resolve() };
    }
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, dispatch, log);
  });
  try {
    await listen(server, path);
  } catch (error) {
    return unopened(error);
  }
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        // server.close() removes the Unix socket file.
        server.close(() => resolve());
      }),
  };
}

function serveConnection(socket: Socket, dispatch: Dispatch, log: Logger): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => undefined); // a CLI that went away mid-answer
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (Buffer.byteLength(buffered) > MAX_LINE_BYTES && !buffered.includes('\n')) {
      log('warn', 'CLI control: a request line over 4 MiB was refused');
      socket.destroy();
      return;
    }
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      void answer(line, dispatch).then((reply) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
      });
      newline = buffered.indexOf('\n');
    }
  });
}

async function answer(line: string, dispatch: Dispatch): Promise<{ id: number; envelope: Envelope<unknown> }> {
  let request: z.infer<typeof requestSchema>;
  try {
    request = requestSchema.parse(JSON.parse(line));
  } catch {
    const error = new WorkbenchError('VALIDATION', 'Not a control request: expected {"id", "method", "input"} on one line');
    return { id: -1, envelope: { ok: false, error: error.toWire() } };
  }
  return { id: request.id, envelope: await dispatch(request.method, request.input) };
}

/**
 * Calls a method of the app running on `dataDir`. Null when no app answers there (no socket, or
 * a socket nobody listens on); a WorkbenchError when the app does not answer within `timeoutMs`.
 */
export function callRunningApp(dataDir: string, method: string, input: unknown, timeoutMs: number): Promise<Envelope<unknown> | null> {
  const path = controlSocketPath(dataDir);
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let connected = false;
    let buffered = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new WorkbenchError('INTERNAL', `The app on ${dataDir} did not answer ${method} within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ id: 1, method, input })}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      socket.destroy();
      let body: unknown = null;
      try {
        body = JSON.parse(buffered.slice(0, newline));
      } catch {
        // not JSON: refused below like any other answer that is not a control answer
      }
      const parsed = answerSchema.safeParse(body);
      if (parsed.success) resolve(parsed.data.envelope as Envelope<unknown>);
      else reject(new WorkbenchError('INTERNAL', `The app on ${dataDir} answered ${method} with something that is not a control answer`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) resolve(null);
      else reject(new WorkbenchError('INTERNAL', `The app on ${dataDir} could not be reached: ${error.message}`));
    });
    socket.once('close', () => {
      clearTimeout(timer);
      if (connected) reject(new WorkbenchError('INTERNAL', `The app on ${dataDir} closed the connection before answering ${method}`));
    });
  });
}
