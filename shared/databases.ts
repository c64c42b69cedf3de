import { z } from 'zod';
import { method, none } from './define.js';

/** Databases a pipeline can write to, beside the app's SQLite tables, Kafka topics and files. */
export const databaseEngineSchema = z.enum(['postgres', 'cassandra']);
export type DatabaseEngine = z.infer<typeof databaseEngineSchema>;

/** The usual port of each engine, for the connection form. */
export const DEFAULT_DATABASE_PORT: Record<DatabaseEngine, number> = { postgres: 5432, cassandra: 9042 };

/**
 * A saved database connection (like a Kafka connection: an allowlist of fields, the password sealed
 * by the SecretBox and never sent back). `database` is the PostgreSQL database or the Cassandra keyspace.
 */
export const databaseConnectionFieldsSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  engine: databaseEngineSchema,
  host: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(255)
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+)$/, 'a host name or IP address'),
  port: z.number().int().min(1).max(65_535),
  database: z.string().trim().min(1, 'must not be empty').max(63),
  user: z.string().trim().min(1, 'must not be empty').max(200),
  tls: z
    .object({
      enabled: z.boolean(),
      rejectUnauthorized: z.boolean().default(true),
      /** PEM text of an extra CA, optional. */
      ca: z.string().max(100_000).optional(),
    })
    .default({ enabled: false, rejectUnauthorized: true }),
  /** Cassandra: the data center the driver treats as local (e.g. `datacenter1`). */
  localDataCenter: z.string().trim().min(1).max(100).optional(),
});
export type DatabaseConnectionFields = z.output<typeof databaseConnectionFieldsSchema>;

/** Input of `databases:save`. `password` undefined keeps the stored one; null or '' clears it. */
export const databaseConnectionInputSchema = databaseConnectionFieldsSchema.extend({
  id: z.string().min(1).max(64).optional(),
  password: z.string().max(10_000).nullable().optional(),
});
export type DatabaseConnectionInput = z.input<typeof databaseConnectionInputSchema>;

/** A saved database connection as the UI sees it: never the password, only whether one is stored. */
export const databaseConnectionSchema = databaseConnectionFieldsSchema.extend({
  id: z.string(),
  hasPassword: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type DatabaseConnection = z.infer<typeof databaseConnectionSchema>;

export const databaseTestResultSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  /** The server's version string when it answered. */
  serverVersion: z.string().optional(),
  /** In plain words: unreachable, wrong password, missing database, permission denied… */
  error: z.string().optional(),
});
export type DatabaseTestResult = z.infer<typeof databaseTestResultSchema>;

const idRef = z.object({ id: z.string().min(1).max(64) });

export const databaseMethods = {
  'databases:list': method(none, z.array(databaseConnectionSchema), 'Saved database connections (PostgreSQL, Cassandra), without secrets'),
  'databases:save': method(databaseConnectionInputSchema, databaseConnectionSchema, 'Add (no id) or edit (id) a database connection'),
  'databases:remove': method(idRef, z.object({ removed: z.boolean() }), 'Remove a database connection'),
  'databases:test': method(
    z.union([idRef, z.object({ connection: databaseConnectionInputSchema })]),
    databaseTestResultSchema,
    'Connect to a saved or unsaved database connection and say what went wrong, in words',
  ),
} as const;
