import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * cluster.json: what survives between processes (the app, `npm run kafka`, tests) — the cluster id
 * the storage was formatted with, the layout it was formatted for, and the pid of each JVM.
 */
const nodeStateSchema = z.object({
  nodeId: z.number().int(),
  port: z.number().int(),
  controllerPort: z.number().int(),
  pid: z.number().int().nullable(),
  startedAt: z.number().nullable(),
});

const clusterStateSchema = z.object({
  version: z.literal(1),
  clusterId: z.string().min(1),
  kafkaVersion: z.string(),
  brokers: z.union([z.literal(1), z.literal(3)]),
  port: z.number().int(),
  nodes: z.array(nodeStateSchema),
});

export type NodeState = z.infer<typeof nodeStateSchema>;
export type ClusterState = z.infer<typeof clusterStateSchema>;

/** The saved state, or null when there is none or it is unreadable (then the storage is formatted again). */
export function readClusterState(file: string): ClusterState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = clusterStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Temp file + rename: a crash mid-write must not lose the pids of running JVMs. */
export async function writeClusterState(file: string, state: ClusterState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, file);
}
