import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.js';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, saveConnection, saveProducer, statusOf, topicCount } from './producers-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `npm run cli -- producer …` as its own process, through the same entry point. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, resolve('electron/cli/cli.ts'), 'producer', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Polls the topic until its record count is the same on two reads `quietMs` apart. */
async function settledCount(topic: string, quietMs: number): Promise<number> {
  let last = await topicCount(bootstrap, topic);
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await topicCount(bootstrap, topic);
    if (now === last) return now;
    last = now;
  }
}

describe('npm run cli -- producer start|stop|pause|resume against a running app', () => {
  it('controls the producer of a running engine on the same data folder; without one, stop says so', { timeout: 240_000 }, async () => {
    const dir = tempDir('producers-cli-control');
    let engine: Engine | null = null;
    try {
      const topic = uniqueName('prod-cli-ctl');
      await createTopic(bootstrap, topic, 3);
      const name = uniqueName('cli ctl sensors');
      const saver = testEngine(dir.path);
      const connectionId = await saveConnection(saver, bootstrap);
      const id = (
        await saveProducer(saver, {
          name,
          connectionId,
          topic,
          source: { kind: 'sensors' },
          schedule: { trigger: { kind: 'interval', everyMs: 50 } },
        })
      ).definition.id;
      await saver.dispose();
      const args = (verb: string) => [verb, name, '--data-dir', dir.path];

      // No app on the folder: stop/pause/resume refuse clearly; nothing is queued for a later app.
      const orphan = await cli(args('stop'));
      expect(orphan.code).toBe(1);
      expect(orphan.stderr).toContain(`no app is running on the data folder ${dir.path}, so there is nothing to stop`);
      const idle = await cli(['list', '--data-dir', dir.path]);
      expect(idle.stdout).toContain(`${name}\t${topic}\tsensors\tsent=0\tstopped`);
      expect(idle.stderr).toContain(`no app is running on ${dir.path}`);

      engine = testEngine(dir.path);
      const live = engine;

      const started = await cli(args('start'));
      expect(started.stderr).toBe('');
      expect(started.code).toBe(0);
      expect(started.stdout).toMatch(new RegExp(`start "${name}": done\\n\\S+ running sent=\\d+`));
      expect((await statusOf(live, id)).state).toBe('running');
      // It runs in the app (the CLI has exited): the topic keeps growing.
      const early = await topicCount(bootstrap, topic);
      await expect.poll(() => topicCount(bootstrap, topic), { timeout: 30_000, interval: 200 }).toBeGreaterThan(early + 20);

      const listed = await cli(['list', '--data-dir', dir.path]);
      expect(listed.stdout).toMatch(new RegExp(`${name}\\t${topic}\\tsensors\\tsent=[1-9]\\d*\\trunning rate=`));
      expect(listed.stderr).toContain(`live state from the app running on this data folder, pid ${process.pid}`);

      const paused = await cli(args('pause'));
      expect(paused.code).toBe(0);
      expect(paused.stdout).toMatch(new RegExp(`pause "${name}": done\\n\\S+ paused sent=`));
      expect((await statusOf(live, id)).state).toBe('paused');
      // The batch in flight at pause time may still land; after that the count must not move
      // (at one run per 50 ms a running producer would add dozens of records in 2 s).
      const atPause = await settledCount(topic, 500);
      await new Promise((r) => setTimeout(r, 2000));
      expect(await topicCount(bootstrap, topic)).toBe(atPause);

      // Pausing twice is harmless and says so.
      const again = await cli(args('pause'));
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`pause "${name}": done (already paused)`);

      const resumed = await cli(args('resume'));
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toMatch(new RegExp(`resume "${name}": done \\(resumed\\)\\n\\S+ running`));
      await expect.poll(() => topicCount(bootstrap, topic), { timeout: 30_000, interval: 200 }).toBeGreaterThan(atPause + 20);

      const stopped = await cli(args('stop'));
      expect(stopped.code).toBe(0);
      const finalLine = /stop ".*": done\n\S+ stopped sent=(\d+) /.exec(stopped.stdout);
      expect(finalLine, stopped.stdout).not.toBeNull();
      const sent = Number(finalLine?.[1]);
      // Every record the producer counted as acknowledged is in the topic, and nothing more.
      expect(await topicCount(bootstrap, topic)).toBe(sent);
      expect(await statusOf(live, id)).toMatchObject({ state: 'stopped', sent });
      expect(sent).toBeGreaterThan(atPause);

      // Verbs that make no sense in the current state fail with the reason.
      const notPaused = await cli(args('resume'));
      expect(notPaused.code).toBe(1);
      expect(notPaused.stderr).toContain(`resume "${name}" failed: Producer "${name}" is stopped, not paused; use \`producer start\``);

      await live.dispose();
      engine = null;
      // The app has gone: its heartbeat row went with it.
      const after = await cli(args('pause'));
      expect(after.code).toBe(1);
      expect(after.stderr).toContain('no app is running on the data folder');
    } finally {
      await engine?.dispose();
      dir.remove();
    }
  });
});
