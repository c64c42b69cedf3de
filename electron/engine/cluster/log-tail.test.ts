import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastErrorLine, tailFile } from './log-tail.js';

const dir = mkdtempSync(join(tmpdir(), 'kwb-tail-'));

describe('tailFile', () => {
  it('returns the last lines across chunk boundaries', async () => {
    const file = join(dir, 'big.log');
    writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    expect(await tailFile(file, 3, 7)).toBe('line 998\nline 999\nline 1000');
    expect(await tailFile(file, 3)).toBe('line 998\nline 999\nline 1000');
  });

  it('handles a file without a final newline and fewer lines than asked', async () => {
    const file = join(dir, 'short.log');
    writeFileSync(file, 'a\nb');
    expect(await tailFile(file, 10, 1)).toBe('a\nb');
    expect(await tailFile(file, 1, 1)).toBe('b');
  });

  it('reads a missing file as empty', async () => {
    expect(await tailFile(join(dir, 'missing.log'), 5)).toBe('');
  });

  it('keeps multi-byte characters that straddle a chunk boundary intact', async () => {
    const file = join(dir, 'utf8.log');
    writeFileSync(file, 'zoë ünïcode\nlast ✓\n');
    expect(await tailFile(file, 2, 3)).toBe('zoë ünïcode\nlast ✓');
  });
});

describe('lastErrorLine', () => {
  it('picks the last ERROR line, or null when there is none', () => {
    const log = '[x] INFO ok\n[x] ERROR first\n[x] INFO fine\n[x] ERROR Port in use\n[x] INFO after';
    expect(lastErrorLine(log)).toBe('[x] ERROR Port in use');
    expect(lastErrorLine('[x] INFO ok')).toBeNull();
  });
});
