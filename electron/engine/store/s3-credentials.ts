import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { s3CredentialInputSchema, type S3CredentialInput, type S3CredentialSummary, type S3Target } from '../../../shared/exports.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db } from './db.js';

interface Row {
  id: string;
  name: string;
  key_hint: string;
  has_token: number;
  secret: Buffer;
  created_at: number;
  updated_at: number;
}

const sealedSchema = z.object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string().optional() });

/** "AKIA…WXYZ": enough to recognise a key, not enough to be one. Short ids show only their end. */
export function keyHint(accessKeyId: string): string {
  return accessKeyId.length >= 12 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : `…${accessKeyId.slice(-2)}`;
}

/**
 * Saved S3 credentials (migration s3-credentials). The access key id, secret and session token are
 * sealed together by the SecretBox (safeStorage in Electron, the key file in serve mode); only a
 * name and a masked hint are in clear, so neither the database nor the UI ever holds a key.
 */
export class S3Credentials {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  list(): S3CredentialSummary[] {
    return this.db.prepare<[], Row>('SELECT * FROM s3_credentials ORDER BY name COLLATE NOCASE').all().map(toSummary);
  }

  save(input: S3CredentialInput): S3CredentialSummary {
    const parsed = s3CredentialInputSchema.parse(input);
    const sealed = this.secrets.encrypt(
      JSON.stringify({
        accessKeyId: parsed.accessKeyId,
        secretAccessKey: parsed.secretAccessKey,
        ...(parsed.sessionToken ? { sessionToken: parsed.sessionToken } : {}),
      }),
    );
    const now = Date.now();
    const id = parsed.id ?? randomUUID();
    if (parsed.id !== undefined) this.row(parsed.id); // NOT_FOUND rather than a silent insert
    this.db
      .prepare(
        `INSERT INTO s3_credentials (id, name, key_hint, has_token, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, key_hint = excluded.key_hint, has_token = excluded.has_token, secret = excluded.secret, updated_at = excluded.updated_at`,
      )
      .run(id, parsed.name, keyHint(parsed.accessKeyId), parsed.sessionToken ? 1 : 0, sealed, now, now);
    return toSummary(this.row(id));
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM s3_credentials WHERE id = ?').run(id).changes > 0;
  }

  /** The name of saved credentials; NOT_FOUND with an actionable message when they are gone. */
  name(id: string): string {
    return this.row(id).name;
  }

  /** The target with saved credentials replaced by the keys themselves, for the S3 client only. */
  resolve(target: S3Target): S3Target {
    if (target.credentials.mode !== 'saved') return target;
    const row = this.row(target.credentials.id);
    const keys = sealedSchema.parse(JSON.parse(this.secrets.decrypt(row.secret)));
    return { ...target, credentials: { mode: 'keys', ...keys } };
  }

  private row(id: string): Row {
    const row = this.db.prepare<[string], Row>('SELECT * FROM s3_credentials WHERE id = ?').get(id);
    if (!row) throw new WorkbenchError('NOT_FOUND', 'These saved S3 credentials no longer exist; choose others or save them again');
    return row;
  }
}

function toSummary(row: Row): S3CredentialSummary {
  return { id: row.id, name: row.name, accessKeyHint: row.key_hint, hasSessionToken: row.has_token === 1, updatedAt: row.updated_at };
}
