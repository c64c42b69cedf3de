import { describe, expect, it } from 'vitest';
import { formatBytes } from './format.js';

describe('formatBytes', () => {
  it('writes bytes in binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(4096)).toBe('4.0 KiB');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3 GiB');
  });
});
