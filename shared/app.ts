import { z } from 'zod';

export const secretStorageSchema = z.object({
  /**
   * safeStorage: OS keychain through Electron. basic_text: Electron on Linux without a keyring,
   * which is a fixed key, i.e. no protection. key-file: `serve` mode, a key file in the data folder.
   */
  backend: z.enum(['safeStorage', 'basic_text', 'key-file']),
  secure: z.boolean(),
  description: z.string(),
});
export type SecretStorageInfo = z.infer<typeof secretStorageSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  transport: z.enum(['ipc', 'serve']),
  dataDir: z.string(),
  activeConnectionId: z.string().nullable(),
  secretStorage: secretStorageSchema,
  javaAvailable: z.boolean(),
  /** The engine's process (the CLI names it when it controls a running app). */
  pid: z.number().int(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;
