import { randomBytes } from 'node:crypto';
import { lstatSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { WorkbenchError } from '../../../../shared/errors.js';
import { describeSystemError } from '../../system-errors.js';
import type { PendingOutput } from './types.js';

/**
 * Dot-prefixed temp name in the same folder, so the rename is atomic (same filesystem) and listings
 * skip it. `tag` (an export job id) makes the name one the engine can find again after a crash.
 */
export function tempNameFor(fileName: string, tag: string = randomBytes(6).toString('hex')): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(tag)) throw new Error(`bad temp tag ${tag}`);
  return `.${fileName}.${tag}.partial`;
}

/**
 * Removes the temp file an export job `tag` left for `finalPath` when its process died (kill -9,
 * power loss). Only that exact name is touched; a file of another job or app is never matched.
 * Returns whether a file was removed.
 */
export function sweepTempFile(finalPath: string, tag: string): boolean {
  const temp = join(dirname(finalPath), tempNameFor(basename(finalPath), tag));
  // Synchronous: it runs once at engine start, before any new export can pick the same name.
  if (!lstatSync(temp, { throwIfNoEntry: false })?.isFile()) return false;
  rmSync(temp, { force: true });
  return true;
}

/**
 * Creates an export folder and its missing parents, with the process's normal mode (0777 less the
 * umask), when the user asks for it. An absolute path only: a relative one would land wherever the
 * engine was started. Returns false when the folder was already there.
 */
export async function createFolder(folder: string): Promise<{ created: boolean }> {
  if (!isAbsolute(folder)) throw new WorkbenchError('VALIDATION', `The folder ${folder} is not an absolute path (e.g. /home/me/exports)`);
  const existing = await stat(folder).catch(() => null);
  if (existing?.isDirectory()) return { created: false };
  if (existing) throw new WorkbenchError('VALIDATION', `${folder} is a file, not a folder; pick another path`);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST')
      throw new WorkbenchError('VALIDATION', `Cannot create ${folder}: a part of that path is a file, not a folder`, String(error));
    const system = describeSystemError(error);
    throw new WorkbenchError(
      system?.code ?? 'STORAGE_UNREACHABLE',
      `Cannot create the folder ${folder}: ${system?.message ?? code ?? String(error)}`,
      String(error),
    );
  }
  return { created: true };
}

/**
 * Opens `folder/fileName` for writing the safe way: bytes go to a temp file in the same folder;
 * commit fsyncs it, renames it over the final name and fsyncs the folder, so a reader (or a crash)
 * never sees a half file under the final name (docs/GUARANTEES.md, "Files and S3").
 */
export async function openLocalOutput(folder: string, fileName: string, options: { tempTag?: string } = {}): Promise<PendingOutput> {
  if (basename(fileName) !== fileName || fileName.startsWith('.')) {
    throw new WorkbenchError('VALIDATION', `"${fileName}" is not a plain file name`);
  }
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory())
    throw new WorkbenchError('NOT_FOUND', `The folder ${folder} does not exist; create it (Create folder) or pick another one`);
  const finalPath = join(folder, fileName);
  const tempPath = join(folder, tempNameFor(fileName, options.tempTag));
  let handle: FileHandle | null;
  try {
    handle = await open(tempPath, 'wx', 0o644);
  } catch (error) {
    throw (
      describeSystemError(error) ??
      new WorkbenchError('STORAGE_UNREACHABLE', `Cannot write in ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    );
  }
  let done = false;

  return {
    location: finalPath,
    sink: {
      async write(chunk) {
        if (!handle) throw new Error('output already closed');
        let offset = 0;
        while (offset < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
          offset += bytesWritten;
        }
      },
    },
    async commit() {
      if (!handle) throw new Error('output already closed');
      await handle.sync();
      await handle.close();
      handle = null;
      await rename(tempPath, finalPath);
      done = true;
      await syncFolder(folder);
    },
    async abort() {
      if (done) return;
      await handle?.close().catch(() => undefined);
      handle = null;
      await rm(tempPath, { force: true });
    },
  };
}

/** fsync of the directory makes the rename itself durable. */
async function syncFolder(folder: string): Promise<void> {
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
