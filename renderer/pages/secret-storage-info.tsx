import type { SecretStorageInfo as StorageInfo } from '../../shared/app.js';

const backendNames: Record<StorageInfo['backend'], string> = {
  safeStorage: 'OS keychain (Electron safeStorage)',
  basic_text: 'Electron without a keyring',
  'key-file': 'Key file in the data folder',
};

export function SecretStorageInfo({ storage }: { storage: StorageInfo }) {
  return (
    <div data-testid="secret-storage" data-secure={storage.secure}>
      <p>
        Passwords are stored with: <strong>{backendNames[storage.backend]}</strong>. {storage.description}
      </p>
      {!storage.secure && (
        <p className="note warning" role="alert">
          Warning: saved passwords are not protected by an OS keychain. Anyone who can read the data folder can recover them.
        </p>
      )}
    </div>
  );
}
