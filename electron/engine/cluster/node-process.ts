import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/errors.js';
import type { NodeLayout } from './cluster-config.js';

export interface JvmContext {
  java: string;
  libsDir: string;
  log4jConfig: string;
}

/** Flags shared by the broker and the storage tool; the log file is per node. */
function jvmArgs(context: JvmContext, node: NodeLayout, heap: string[]): string[] {
  return [
    ...heap,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${context.log4jConfig}`,
    `-Dkwb.logFile=${node.logFile}`,
    '-cp',
    join(context.libsDir, '*'),
  ];
}

/** KRaft storage has a meta.properties once formatted. */
export function isFormatted(node: NodeLayout): boolean {
  return existsSync(join(node.dataDir, 'meta.properties'));
}

/** `kafka-storage format`: writes meta.properties and the bootstrap metadata for this node. */
export function formatStorage(context: JvmContext, node: NodeLayout, clusterId: string): Promise<void> {
  const args = [
    ...jvmArgs(context, node, ['-Xmx256m']),
    'kafka.tools.StorageTool',
    'format',
    '--ignore-formatted',
    '-t',
    clusterId,
    '-c',
    node.propertiesFile,
  ];
  return new Promise((resolvePromise, reject) => {
    execFile(context.java, args, { timeout: 120_000, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) {
        resolvePromise();
        return;
      }
      const last = `${stderr}\n${stdout}`.trim().split('\n').at(-1) ?? error.message;
      reject(
        new WorkbenchError('LOCAL_CLUSTER', `Formatting the storage of Kafka node ${node.nodeId} failed: ${last}`, `${stdout}\n${stderr}`),
      );
    });
  });
}

/**
 * Starts the node's JVM detached in its own process group with stdio in a file, so it outlives the
 * process that started it (the CLI exits right after `start`). On Windows a detached child gets a
 * console window of its own unless windowsHide is set.
 */
export function spawnNode(context: JvmContext, node: NodeLayout): number {
  mkdirSync(join(node.dir, 'logs'), { recursive: true });
  const fd = openSync(node.stdoutFile, 'w');
  try {
    const child = spawn(context.java, [...jvmArgs(context, node, ['-Xms128m', '-Xmx512m']), 'kafka.Kafka', node.propertiesFile], {
      cwd: node.dir,
      detached: true,
      windowsHide: true,
      stdio: ['ignore', fd, fd],
    });
    // An exec failure is reported by the readiness wait (the pid is gone); do not crash on 'error'.
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) {
      throw new WorkbenchError('LOCAL_CLUSTER', `Could not start the JVM of Kafka node ${node.nodeId} (${context.java})`);
    }
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
