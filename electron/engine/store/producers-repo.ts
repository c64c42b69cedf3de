import { randomUUID } from 'node:crypto';
import { producerInputSchema, upgradeSavedProducer, type ProducerDefinition } from '../../../shared/producers.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { Db } from './db.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { fillSecrets, hasSecrets, splitSecrets, type ProducerSecrets } from '../producers/producer-secrets.js';
import type { Counts } from '../producers/producer-runner.js';

export type DesiredState = 'running' | 'paused' | 'stopped';

interface Row {
  id: string;
  spec_json: string;
  desired_state: string;
  sent: number;
  bytes: number;
  errors: number;
  session_sent: number;
  secret: Buffer | null;
}

export interface StoredProducer {
  definition: ProducerDefinition;
  desired: DesiredState;
  counts: Counts;
  /** Records acknowledged since the user last started it (what its message limit counts). */
  sessionSent: number;
}

/**
 * The producers table: the definition as JSON (validated on read), the wanted state and the
 * counters. An HTTP producer's credentials are sealed apart (`secret`); without a SecretBox (the
 * map's predicted track, the CLI's listing) definitions keep their placeholders.
 */
export class ProducersRepo {
  private readonly db: Db;
  private readonly secrets: SecretBox | null;

  constructor(db: Db, secrets: SecretBox | null = null) {
    this.db = db;
    this.secrets = secrets;
  }

  list(): StoredProducer[] {
    return this.db
      .prepare<[], Row>('SELECT id, spec_json, desired_state, sent, bytes, errors, session_sent, secret FROM producers ORDER BY name')
      .all()
      .map((row) => this.fromRow(row));
  }

  find(id: string): StoredProducer | null {
    const row = this.db
      .prepare<[string], Row>('SELECT id, spec_json, desired_state, sent, bytes, errors, session_sent, secret FROM producers WHERE id = ?')
      .get(id);
    return row ? this.fromRow(row) : null;
  }

  get(id: string): StoredProducer {
    const found = this.find(id);
    if (!found) throw new WorkbenchError('NOT_FOUND', `No producer with id ${id}`);
    return found;
  }

  findByName(name: string): StoredProducer | null {
    const row = this.db
      .prepare<[string], Row>(
        'SELECT id, spec_json, desired_state, sent, bytes, errors, session_sent, secret FROM producers WHERE name = ?',
      )
      .get(name);
    return row ? this.fromRow(row) : null;
  }

  save(input: Omit<ProducerDefinition, 'id'> & { id?: string | undefined }): ProducerDefinition {
    const id = input.id ?? randomUUID();
    const definition: ProducerDefinition = { ...input, id };
    const other = this.findByName(definition.name);
    if (other && other.definition.id !== id) throw new WorkbenchError('CONFLICT', `A producer named "${definition.name}" already exists`);
    const now = Date.now();
    const { stored, secrets } = splitSecrets(definition, input.id === undefined ? null : this.storedSecrets(id));
    if (hasSecrets(secrets) && !this.secrets)
      throw new WorkbenchError('SECRET_STORAGE', 'No secret storage here to keep the credentials of an HTTP producer');
    const sealed = hasSecrets(secrets) && this.secrets ? this.secrets.encrypt(JSON.stringify(secrets)) : null;
    const spec = JSON.stringify(stored);
    if (input.id !== undefined) {
      const changed = this.db
        .prepare('UPDATE producers SET name = ?, spec_json = ?, secret = ?, updated_at = ? WHERE id = ?')
        .run(definition.name, spec, sealed, now, id);
      if (changed.changes === 0) throw new WorkbenchError('NOT_FOUND', `No producer with id ${id}`);
    } else {
      this.db
        .prepare('INSERT INTO producers (id, name, spec_json, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, definition.name, spec, sealed, now, now);
    }
    return definition;
  }

  private storedSecrets(id: string): ProducerSecrets | null {
    const row = this.db.prepare<[string], { secret: Buffer | null }>('SELECT secret FROM producers WHERE id = ?').get(id);
    if (!row?.secret || !this.secrets) return null;
    return JSON.parse(this.secrets.decrypt(row.secret)) as ProducerSecrets;
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM producers WHERE id = ?').run(id).changes > 0;
  }

  setDesired(id: string, desired: DesiredState): void {
    this.db.prepare('UPDATE producers SET desired_state = ? WHERE id = ?').run(desired, id);
  }

  /** The session's acknowledged records and the counters, in one statement (after every acknowledged batch). */
  setProgress(id: string, sessionSent: number, counts: Counts): void {
    this.db
      .prepare('UPDATE producers SET session_sent = ?, sent = ?, bytes = ?, errors = ? WHERE id = ?')
      .run(sessionSent, counts.sent, counts.bytes, counts.errors, id);
  }

  setCounts(id: string, counts: Counts): void {
    this.db.prepare('UPDATE producers SET sent = ?, bytes = ?, errors = ? WHERE id = ?').run(counts.sent, counts.bytes, counts.errors, id);
  }

  private fromRow(row: Row): StoredProducer {
    const plain = producerInputSchema.parse(upgradeSavedProducer(JSON.parse(row.spec_json)));
    const parsed =
      row.secret && this.secrets
        ? fillSecrets({ ...plain, id: row.id }, JSON.parse(this.secrets.decrypt(row.secret)) as ProducerSecrets)
        : plain;
    const desired: DesiredState = row.desired_state === 'running' || row.desired_state === 'paused' ? row.desired_state : 'stopped';
    return {
      definition: { ...parsed, id: row.id },
      desired,
      counts: { sent: row.sent, bytes: row.bytes, errors: row.errors },
      sessionSent: row.session_sent,
    };
  }
}
