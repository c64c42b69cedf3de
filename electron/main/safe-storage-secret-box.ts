import type { SafeStorage } from 'electron';
import type { SecretStorageInfo } from '../../shared/app.js';
import { WorkbenchError } from '../../shared/errors.js';
import type { SecretBox } from '../engine/secrets/secret-box.js';

/**
 * Secrets through Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet). On Linux without a
 * keyring the backend is `basic_text`, a fixed key: we report that as not secure and the UI says so.
 */
export class SafeStorageSecretBox implements SecretBox {
  readonly info: SecretStorageInfo;
  private readonly safeStorage: SafeStorage;

  constructor(safeStorage: SafeStorage, platform: NodeJS.Platform) {
    this.safeStorage = safeStorage;
    const available = safeStorage.isEncryptionAvailable();
    const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
    const weak = !available || backend === 'basic_text' || backend === 'unknown';
    this.info = weak
      ? {
          backend: 'basic_text',
          secure: false,
          description:
            'No OS keychain is available: saved passwords are only obfuscated with a fixed key. Use a keyring (GNOME Keyring, KWallet) to protect them.',
        }
      : { backend: 'safeStorage', secure: true, description: `Passwords are encrypted by the OS keychain (${backend}).` };
  }

  encrypt(plain: string): Buffer {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new WorkbenchError('SECRET_STORAGE', 'The OS keychain is not available yet; try again after the app has started');
    }
    return this.safeStorage.encryptString(plain);
  }

  decrypt(blob: Buffer): string {
    try {
      return this.safeStorage.decryptString(blob);
    } catch {
      throw new WorkbenchError('SECRET_STORAGE', "A stored password cannot be decrypted by this OS account's keychain; enter it again");
    }
  }
}
