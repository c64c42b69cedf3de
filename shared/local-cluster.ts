import { z } from 'zod';

export const localClusterOptionsSchema = z.object({
  brokers: z.union([z.literal(1), z.literal(3)]).default(1),
  /** Client port of the first broker; broker n listens on port + 2·(n−1), its controller on the next port. */
  port: z.number().int().min(1024).max(65_000).default(9092),
});
export type LocalClusterOptions = z.infer<typeof localClusterOptionsSchema>;

/**
 * The options the local cluster had, from its saved connection: one bootstrap address per broker,
 * the first broker's port first (broker n listens on port + 2·(n−1), as above).
 */
export function localOptionsOf(bootstrapServers: readonly string[]): LocalClusterOptions {
  const port = Number(/:(\d+)$/.exec(bootstrapServers[0] ?? '')?.[1]);
  return localClusterOptionsSchema.parse({ brokers: bootstrapServers.length === 3 ? 3 : 1, port: Number.isInteger(port) ? port : 9092 });
}

export const localNodeSchema = z.object({
  nodeId: z.number().int(),
  port: z.number().int(),
  controllerPort: z.number().int(),
  pid: z.number().int().nullable(),
  alive: z.boolean(),
});

export const localClusterStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'stopping', 'error']),
  kafkaVersion: z.string(),
  bootstrapServers: z.array(z.string()),
  nodes: z.array(localNodeSchema),
  logFile: z.string().nullable(),
  error: z.string().optional(),
  /** While the broker jars (first start) or the Java runtime (on request) download: how far it got. */
  download: z
    .object({
      what: z.enum(['kafka-jars', 'java-runtime']),
      filesDone: z.number().int(),
      filesTotal: z.number().int(),
      bytesDone: z.number(),
      bytesTotal: z.number(),
    })
    .optional(),
});
export type LocalClusterStatus = z.infer<typeof localClusterStatusSchema>;

export const logTailSchema = z.object({ file: z.string().nullable(), text: z.string() });

/** Settings of the managed local cluster (Settings → Local cluster). */
export const localClusterSettingsSchema = z.object({
  /** Leave the brokers running when the app quits (they are stopped by default: up to three 512 MB JVMs). */
  keepRunning: z.boolean().default(false),
  /** Maven repository to fetch the broker jars from instead of Maven Central (a Nexus or Artifactory mirror). */
  mavenMirrorUrl: z
    .string()
    .trim()
    .max(2000)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .nullable()
    .default(null),
});
export type LocalClusterSettings = z.infer<typeof localClusterSettingsSchema>;

export const javaInfoSchema = z.object({ path: z.string(), major: z.number().int(), versionLine: z.string() });
