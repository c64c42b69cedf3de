import { z } from 'zod';

/** host:port, host may be a name, IPv4 or [IPv6]. */
const hostPort = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):\d{1,5}$/, 'expected host:port');

export const saslMechanismSchema = z.enum(['plain', 'scram-sha-256', 'scram-sha-512']);

/** TLS of a connection (Kafka's `ssl`, a database's `tls`): on or off, certificate check, an extra CA. */
export const tlsOptionsSchema = z
  .object({
    enabled: z.boolean(),
    rejectUnauthorized: z.boolean().default(true),
    /** PEM text of an extra CA, optional. */
    ca: z.string().max(100_000).optional(),
  })
  .default({ enabled: false, rejectUnauthorized: true });

/**
 * What a user may set on a connection. This is an allowlist on purpose: no free-form client
 * properties, so nothing like `sasl.jaas.config` (CVE-2023-25194) can be smuggled in.
 */
export const connectionFieldsSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  bootstrapServers: z.array(hostPort).min(1, 'at least one broker is needed').max(50),
  clientId: z.string().trim().min(1).max(200).default('kafka-workbench'),
  ssl: tlsOptionsSchema,
  sasl: z
    .object({
      mechanism: saslMechanismSchema,
      username: z.string().min(1).max(500),
    })
    .optional(),
  schemaRegistryUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Basic auth for the registry (its password is stored like the SASL one: encrypted, never sent back). */
  schemaRegistryUsername: z.string().trim().min(1).max(500).optional(),
});

/** Input of `connections:save`. `password` undefined keeps the stored one; null clears it. */
export const connectionInputSchema = connectionFieldsSchema.extend({
  id: z.string().min(1).max(64).optional(),
  password: z.string().max(10_000).nullable().optional(),
  /** Same rule as `password`, for the schema registry's basic auth. */
  schemaRegistryPassword: z.string().max(10_000).nullable().optional(),
});
export type ConnectionInput = z.input<typeof connectionInputSchema>;

/** A saved connection as the UI sees it: never the password, only whether one is stored. */
export const connectionSchema = connectionFieldsSchema.extend({
  id: z.string(),
  hasPassword: z.boolean(),
  hasSchemaRegistryPassword: z.boolean().optional(),
  /** True for the connection the app made for its managed local cluster. */
  local: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const connectionStateSchema = z.object({
  connectionId: z.string(),
  state: z.enum(['unknown', 'connecting', 'connected', 'unreachable']),
  error: z.string().optional(),
  checkedAt: z.number(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  clusterId: z.string().optional(),
  brokerCount: z.number().optional(),
  error: z.string().optional(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;
