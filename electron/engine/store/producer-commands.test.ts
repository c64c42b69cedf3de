import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProducerStatus } from '../../../shared/producers.js';
import { openDatabase, type Db } from './db.js';
import { COMMAND_TTL_MS, HEARTBEAT_STALE_MS, ProducerCommandQueue } from './producer-commands.js';

const status = (state: ProducerStatus['state'], sent: number): ProducerStatus => ({
  id: 'p1',
  state,
  sent,
  bytes: sent * 10,
  rate: 0,
  errors: 0,
  lastError: null,
  lastRecord: null,
  deliveryErrors: [],
  updatedAt: 1,
});

describe('ProducerCommandQueue', () => {
  let dir: string;
  // Two connections on one file, as the CLI and the app have.
  let cliDb: Db;
  let appDb: Db;
  let cli: ProducerCommandQueue;
  let app: ProducerCommandQueue;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kwb-commands-'));
    cliDb = openDatabase(join(dir, 'workbench.sqlite'));
    appDb = openDatabase(join(dir, 'workbench.sqlite'));
    cli = new ProducerCommandQueue(cliDb);
    app = new ProducerCommandQueue(appDb);
  });

  afterEach(() => {
    cliDb.close();
    appDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands commands over in order, once, and carries the outcome back', () => {
    const now = 1_000_000;
    const a = cli.enqueue('p1', 'start', now);
    const b = cli.enqueue('p2', 'pause', now + 1);
    const claimed = app.claim('engine-1', now + 10);
    expect(claimed.map((c) => [c.id, c.producerId, c.verb, c.outcome, c.instanceId])).toEqual([
      [a, 'p1', 'start', 'applying', 'engine-1'],
      [b, 'p2', 'pause', 'applying', 'engine-1'],
    ]);
    // A second engine (or the next poll) gets nothing: a command is applied once.
    expect(app.claim('engine-2', now + 11)).toEqual([]);
    app.finish(a, 'done', null, status('running', 3), now + 20);
    app.finish(b, 'failed', 'Producer "p2" is stopped; only a running producer can be paused', null, now + 21);
    expect(cli.get(a)).toMatchObject({ outcome: 'done', message: null, status: { state: 'running', sent: 3 }, finishedAt: now + 20 });
    expect(cli.get(b)).toMatchObject({
      outcome: 'failed',
      message: 'Producer "p2" is stopped; only a running producer can be paused',
      status: null,
    });
  });

  it('expires commands nobody picked up within the TTL instead of applying them late', () => {
    const now = 2_000_000;
    const old = cli.enqueue('p1', 'start', now - COMMAND_TTL_MS - 1);
    const fresh = cli.enqueue('p1', 'stop', now - COMMAND_TTL_MS + 1000);
    expect(app.claim('engine-1', now).map((c) => c.id)).toEqual([fresh]);
    expect(cli.get(old)).toMatchObject({ outcome: 'expired', message: 'not picked up within 30 s', finishedAt: now });
  });

  it('lets the CLI withdraw a command only while it is still pending', () => {
    const pending = cli.enqueue('p1', 'pause');
    expect(cli.cancel(pending, 'the CLI gave up after 5 s')).toBe(true);
    expect(app.claim('engine-1')).toEqual([]);
    expect(cli.get(pending)).toMatchObject({ outcome: 'expired', message: 'the CLI gave up after 5 s' });

    const taken = cli.enqueue('p1', 'stop');
    expect(app.claim('engine-1').map((c) => c.id)).toEqual([taken]);
    expect(cli.cancel(taken, 'too late')).toBe(false);
    expect(cli.get(taken)?.outcome).toBe('applying');
  });

  it('reports the live instance by heartbeat and pid, and clears dead ones with their claimed commands', () => {
    const now = 3_000_000;
    expect(cli.liveInstance(now)).toBeNull();
    app.beat({ id: 'engine-1', pid: 111, startedAt: now - 5000, producers: { p1: status('running', 42) } }, now - 1000);
    const alive = (pid: number) => pid === 111;
    expect(cli.liveInstance(now, alive)).toEqual({
      id: 'engine-1',
      pid: 111,
      startedAt: now - 5000,
      heartbeatAt: now - 1000,
      producers: { p1: status('running', 42) },
    });

    // A stale heartbeat: the engine crashed while applying a command.
    const stuck = cli.enqueue('p1', 'stop', now);
    app.claim('engine-1', now);
    expect(cli.liveInstance(now + HEARTBEAT_STALE_MS, alive)).toBeNull();
    expect(cli.get(stuck)).toMatchObject({ outcome: 'failed', message: 'the app stopped before finishing the command' });

    // A fresh heartbeat of a process that no longer exists (pid reused or killed -9 just now).
    app.beat({ id: 'engine-2', pid: 222, startedAt: now, producers: {} }, now);
    expect(cli.liveInstance(now + 1, alive)).toBeNull();
    app.beat({ id: 'engine-3', pid: process.pid, startedAt: now, producers: {} }, now);
    expect(cli.liveInstance(now + 1)?.id).toBe('engine-3');
    app.removeInstance('engine-3');
    expect(cli.liveInstance(now + 1)).toBeNull();
  });

  it('prunes finished commands after a day but keeps pending and applying ones', () => {
    const day = 24 * 60 * 60 * 1000;
    const now = 10 * day;
    const done = cli.enqueue('p1', 'start', now - day - 1);
    const recent = cli.enqueue('p1', 'stop', now - 1000);
    app.claim('engine-1', now - day);
    app.finish(done, 'done', null, null, now - day);
    app.prune(now);
    expect(cli.get(done)).toBeNull();
    expect(cli.get(recent)?.outcome).toBe('applying');
  });
});
