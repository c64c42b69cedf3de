import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeClusterState } from './cluster-state.js';
import { LocalCluster } from './local-cluster.js';
import { commandLine, isOurProcess, isPidAlive } from './processes.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** An unrelated long-running process, as a reused pid would be after a reboot. */
function unrelated(args: string[] = ['-e', 'setTimeout(() => {}, 60_000)']): number {
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  children.push(child);
  if (child.pid === undefined) throw new Error('could not spawn');
  return child.pid;
}

describe('recognising a broker before it is signalled', () => {
  // macOS reads the command line with ps; procps ps here takes the same flags, so that path runs too.
  for (const platform of ['linux', 'darwin'] as const) {
    it(`reads a process's command line (${platform} way)`, () => {
      const pid = unrelated(['-e', 'setTimeout(() => {}, 60_000)', '/tmp/kwb/node-1/server.properties']);
      expect(commandLine(pid, platform)).toContain('/tmp/kwb/node-1/server.properties');
    });

    it(`does not take an unrelated live process for the node's JVM (${platform} way)`, () => {
      const pid = unrelated();
      expect(isPidAlive(pid)).toBe(true);
      expect(isOurProcess(pid, '/tmp/kwb/node-1/server.properties', platform)).toBe(false);
    });

    it(`recognises a process whose last argument is the node's server.properties (${platform} way)`, () => {
      const pid = unrelated(['-e', 'setTimeout(() => {}, 60_000)', `/tmp/kwb-${platform}/node-1/server.properties`]);
      expect(isOurProcess(pid, `/tmp/kwb-${platform}/node-1/server.properties`, platform)).toBe(true);
    });
  }

  it('does not signal the pid of an unrelated process named in cluster.json', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kwb-stale-pid-'));
    const pid = unrelated();
    const stateFile = join(dataDir, 'local-kafka', 'cluster.json');
    await writeClusterState(stateFile, {
      version: 1,
      clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
      kafkaVersion: '4.4.0',
      brokers: 1,
      port: 19_992,
      nodes: [{ nodeId: 1, port: 19_992, controllerPort: 19_993, pid, startedAt: Date.now() - 86_400_000 }],
    });
    writeFileSync(join(dataDir, 'marker'), '');
    const cluster = new LocalCluster({ dataDir, cacheDir: join(dataDir, 'cache'), stopGraceMs: 500 });
    expect((await cluster.status()).nodes[0]?.pid).toBeNull();
    await cluster.stop();
    await cluster.dispose();
    expect(isPidAlive(pid)).toBe(true);
  });
});

describe('no console windows on Windows', () => {
  it('every child process the app starts sets windowsHide', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const sources = (readdirSync('electron', { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => join('electron', file));
    const calls: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\b(spawn|execFile|execFileSync|fork)\(/g)) {
        // The call's arguments up to its closing line: enough to see its options object.
        const call = text.slice(match.index, text.indexOf(');', match.index) + 2);
        if (!call.includes('windowsHide: true')) calls.push(`${file}: ${call.split('\n')[0] ?? ''}`);
      }
    }
    expect(calls).toEqual([]);
  });
});
