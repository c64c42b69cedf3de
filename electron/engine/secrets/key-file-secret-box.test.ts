import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.js';
import { KeyFileSecretBox } from './key-file-secret-box.js';

const dirs: { remove(): void }[] = [];
function dir(): string {
  const d = tempDir('secrets');
  dirs.push(d);
  return d.path;
}
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('KeyFileSecretBox', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const box = new KeyFileSecretBox(join(dir(), 'secret.key'));
    const blob = box.encrypt('hunter2-ü');
    expect(blob.includes(Buffer.from('hunter2'))).toBe(false);
    expect(box.decrypt(blob)).toBe('hunter2-ü');
  });

  it('creates the key file readable only by its owner and reuses it', () => {
    const file = join(dir(), 'secret.key');
    const blob = new KeyFileSecretBox(file).encrypt('s3cret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new KeyFileSecretBox(file).decrypt(blob)).toBe('s3cret');
  });

  it('uses a fresh nonce for each encryption', () => {
    const box = new KeyFileSecretBox(join(dir(), 'secret.key'));
    expect(box.encrypt('same').equals(box.encrypt('same'))).toBe(false);
  });

  it('says clearly when a blob was encrypted with another key', () => {
    const blob = new KeyFileSecretBox(join(dir(), 'a.key')).encrypt('x');
    expect(() => new KeyFileSecretBox(join(dir(), 'b.key')).decrypt(blob)).toThrow(/cannot be decrypted with this key file/);
  });

  it('rejects a key file that is not a 32-byte key', () => {
    const file = join(dir(), 'secret.key');
    writeFileSync(file, 'short');
    expect(() => new KeyFileSecretBox(file)).toThrow(/not a valid 32-byte key/);
    expect(readFileSync(file, 'utf8')).toBe('short');
  });
});
