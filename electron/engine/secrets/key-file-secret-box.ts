import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretStorageInfo } from '../../../shared/app.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { SecretBox } from './secret-box.js';

const VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random key kept in a file readable only by the user (mode 0600). Used in
 * `serve` mode where there is no OS keychain. Whoever can read the key file can read the secrets;
 * the UI says so.
 */
export class KeyFileSecretBox implements SecretBox {
  readonly info: SecretStorageInfo;
  private readonly key: Buffer;

  constructor(keyFile: string) {
    this.key = loadOrCreateKey(keyFile);
    this.info = {
      backend: 'key-file',
      secure: true,
      description: `Passwords are encrypted with AES-256-GCM; the key is in ${keyFile} (readable only by you).`,
    };
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(blob: Buffer): string {
    if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== VERSION) {
      throw new WorkbenchError('SECRET_STORAGE', 'A stored password has an unknown format; enter it again');
    }
    const iv = blob.subarray(1, 1 + IV_BYTES);
    const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new WorkbenchError(
        'SECRET_STORAGE',
        'A stored password cannot be decrypted with this key file (was the key file replaced?); enter it again',
      );
    }
  }
}

function loadOrCreateKey(keyFile: string): Buffer {
  if (existsSync(keyFile)) {
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (key.length !== KEY_BYTES) {
      throw new WorkbenchError('SECRET_STORAGE', `The key file ${keyFile} is not a valid ${KEY_BYTES}-byte key`);
    }
    return key;
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // 'wx': never overwrite a key another process just wrote.
  writeFileSync(keyFile, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  return key;
}
