import type { SecretStorageInfo } from '../../../shared/app.js';

/**
 * Encrypts secrets (connection passwords) before they reach SQLite. Electron passes one backed by
 * `safeStorage`; `serve` and tests use the key-file box.
 */
export interface SecretBox {
  readonly info: SecretStorageInfo;
  encrypt(plain: string): Buffer;
  decrypt(blob: Buffer): string;
}
