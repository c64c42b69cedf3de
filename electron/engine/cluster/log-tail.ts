import { open } from 'node:fs/promises';

/**
 * The last `lines` lines of a file, reading backwards in chunks so a 10 MB log costs only the tail.
 * A missing file reads as ''.
 */
export async function tailFile(file: string, lines: number, chunkSize = 64 * 1024): Promise<string> {
  if (lines <= 0) return '';
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    // One extra newline: the file usually ends with one, which does not start a new line.
    while (position > 0 && newlines <= lines) {
      const length = Math.min(chunkSize, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, position);
      chunks.unshift(buffer);
      for (const byte of buffer) if (byte === 0x0a) newlines++;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return all.slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}

/** The last ERROR/FATAL line of a log text, to put the likely cause into a one-line message. */
export function lastErrorLine(text: string): string | null {
  const lines = text.split('\n').filter((line) => /\b(ERROR|FATAL)\b|Exception|Error:/.test(line));
  return lines.at(-1)?.trim() ?? null;
}
