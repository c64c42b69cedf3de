import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Envelope } from '../../shared/contract.js';
import type { Connection } from '../../shared/connection.js';
import type { ExportProgress } from '../../shared/exports.js';
import type { Engine } from '../../electron/engine/engine.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic } from '../kafka.js';
import { produceInput } from './pipelines-helpers.js';

// docs/GUARANTEES.md: a disk full during an export or a store write gives a clear error, leaves no
// corrupt file and the store still opens. The full disk is a real tmpfs of 1 MiB.
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('disk-full');
const mountPoint = join(dir.path, 'tiny');

function mountTiny(sizeKiB: number): void {
  mkdirSync(mountPoint, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', mountPoint]);
}
function unmountTiny(): void {
  execFileSync('umount', [mountPoint]);
}

// 1 MiB: a new store's migrations need more than 512 KiB at their peak (their WAL is folded back after, db.ts).
beforeAll(() => mountTiny(1024));
afterAll(() => {
  try {
    unmountTiny();
  } finally {
    dir.remove();
  }
});

describe('a full disk', () => {
  it('fails a local export with a clear error and leaves no file, temporary or final, behind', async () => {
    const topic = uniqueName('full-export');
    await createTopic(bootstrap, topic, 1);
    const value = 'x'.repeat(1000);
    const records = Array.from({ length: 4 }, (_, batch) =>
      Array.from({ length: 500 }, (_, i) => ({ topic, key: `k${batch}-${i}`, value })),
    ).flat();
    await produceInput(bootstrap, records, 500);

    const engine: Engine = testEngine(join(dir.path, 'engine'));
    try {
      const connection = data<Connection>(
        await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
      );
      const folder = join(mountPoint, 'exports');
      mkdirSync(folder);
      const done = new Promise<ExportProgress>((resolve) => {
        engine.events.on('exports:progress', (p) => {
          if (p.status !== 'running') resolve(p);
        });
      });
      data(
        await engine.dispatch('exports:start', {
          source: { kind: 'topic', connectionId: connection.id, topic },
          format: { kind: 'jsonl' },
          target: { kind: 'local', folder },
          name: 'too-big',
        }),
      );
      const final = await done;
      expect(final.status).toBe('failed');
      expect(final.error).toMatch(/^The disk is full: free some space and try again/);
      expect(final.error).toMatch(/ENOSPC/);
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      await engine.dispose();
    }
  });

  it('refuses a store write with DISK_FULL, keeps what was saved, and the store opens intact afterwards', async () => {
    const dataDir = join(mountPoint, 'store');
    let engine: Engine = testEngine(dataDir);
    const saved: string[] = [];
    let refusal: Envelope<unknown> | undefined;
    try {
      // Leave only a little room (whatever the schema's size), then save connections until the store cannot grow.
      await engine.dispatch('connections:list', undefined);
      const free = statfsSync(mountPoint);
      writeFileSync(join(mountPoint, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 64 * 1024)));
      for (let i = 0; i < 5_000 && !refusal; i++) {
        const reply = await engine.dispatch('connections:save', {
          name: `c${i} ${'n'.repeat(90)}`,
          bootstrapServers: ['127.0.0.1:9092'],
          clientId: 'x'.repeat(190),
        });
        if (reply.ok) saved.push((reply.data as Connection).id);
        else refusal = reply;
      }
      expect(refusal).toMatchObject({
        ok: false,
        error: { code: 'DISK_FULL', message: 'The disk is full: free some space and try again (nothing saved before was lost)' },
      });
      expect(saved.length).toBeGreaterThan(0);
      // The engine keeps serving reads while the disk is full.
      expect(data<Connection[]>(await engine.dispatch('connections:list', undefined))).toHaveLength(saved.length);
    } finally {
      await engine.dispose();
    }

    rmSync(join(mountPoint, 'filler'));
    const check = new Database(join(dataDir, 'workbench.sqlite'));
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    engine = testEngine(dataDir);
    try {
      expect(
        data<Connection[]>(await engine.dispatch('connections:list', undefined))
          .map((c) => c.id)
          .sort(),
      ).toEqual([...saved].sort());
      expect((await engine.dispatch('connections:save', { name: 'after', bootstrapServers: ['127.0.0.1:9092'] })).ok).toBe(true);
    } finally {
      await engine.dispose();
    }
    expect(existsSync(join(dataDir, 'workbench.sqlite'))).toBe(true);
  });
});
