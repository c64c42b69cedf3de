import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { planLayout } from './cluster/cluster-config.js';
import { readClusterState } from './cluster/cluster-state.js';
import { isOurProcess } from './cluster/processes.js';

// Up to 0.1.0 the desktop app kept Kafka's jars (`cache/`) and the local cluster (`local-kafka/`) in
// Electron's userData: backed up and roamed on Windows, and `cache` collides with Chromium's own
// `Cache` on case-insensitive file systems. They now live in the per-platform cache and data folders
// (paths.ts); an existing install is moved once, on the first start of a newer version.

/** rename, or copy + delete when the two folders are on different volumes. */
async function move(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true, errorOnExist: true, force: false });
    await rm(from, { recursive: true, force: true });
  }
}

/** True while a JVM of the cluster in `clusterDir` runs: its folders must not move under it. */
function clusterRunning(clusterDir: string): boolean {
  const state = readClusterState(join(clusterDir, 'cluster.json'));
  if (!state) return false;
  return planLayout(clusterDir, state).nodes.some((node) => {
    const pid = state.nodes.find((n) => n.nodeId === node.nodeId)?.pid;
    return pid != null && isOurProcess(pid, node.propertiesFile);
  });
}

export interface LegacyMoveTargets {
  cacheDir: string;
  /** The folder that holds `local-kafka/` from now on. */
  clusterDataDir: string;
}

/**
 * Moves `<userData>/cache/*` into the cache folder and `<userData>/local-kafka` into the data folder,
 * once; returns what it did, one line each. What already exists at the target wins (jars are
 * checked and refetched anyway); a local cluster still running from the old place is left until it
 * has stopped.
 */
export async function moveLegacyFolders(userData: string, targets: LegacyMoveTargets): Promise<string[]> {
  const done: string[] = [];
  const oldCache = join(userData, 'cache');
  if (existsSync(oldCache) && oldCache !== targets.cacheDir) {
    for (const name of await readdir(oldCache)) {
      const to = join(targets.cacheDir, name);
      if (existsSync(to)) continue;
      await move(join(oldCache, name), to);
      done.push(`moved ${join(oldCache, name)} to ${to}`);
    }
    await rm(oldCache, { recursive: true, force: true });
  }
  const oldCluster = join(userData, 'local-kafka');
  const newCluster = join(targets.clusterDataDir, 'local-kafka');
  if (existsSync(oldCluster) && oldCluster !== newCluster) {
    if (clusterRunning(oldCluster)) done.push(`left ${oldCluster} in place while its Kafka runs; it moves on a start after it stopped`);
    else if (existsSync(newCluster)) done.push(`kept ${newCluster}; ${oldCluster} is an older copy and stays where it is`);
    else {
      await move(oldCluster, newCluster);
      done.push(`moved ${oldCluster} to ${newCluster}`);
    }
  }
  return done;
}
