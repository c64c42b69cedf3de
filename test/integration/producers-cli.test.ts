import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { tempDir, testEngine, uniqueName } from '../helpers.js';
import { createTopic, saveConnection, saveProducer, topicCount } from './producers-helpers.js';

const bootstrap = inject('kafkaBootstrap');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [TSX, resolve('electron/engine/producers/cli.ts'), ...args], {
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

describe('npm run cli -- producer', () => {
  it('starts a saved producer headless by name and exits when it finishes', async () => {
    const dir = tempDir('producers-cli');
    try {
      const topic = uniqueName('prod-cli');
      await createTopic(bootstrap, topic);
      const engine = testEngine(dir.path);
      const connectionId = await saveConnection(engine, bootstrap);
      await saveProducer(engine, {
        name: 'cli sensors',
        connectionId,
        topic,
        source: { kind: 'sensors' },
        schedule: { trigger: { kind: 'interval', everyMs: 50 }, maxMessages: 7 },
      });
      await engine.dispose();

      const listed = await cli(['producer', 'list', '--data-dir', dir.path]);
      expect(listed.stdout).toContain(`cli sensors\t${topic}\tsensors\tsent=0`);
      const run = await cli(['producer', 'start', 'cli sensors', '--data-dir', dir.path]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/done: \S+ finished sent=7 bytes=\d+ rate=[\d.]+\/s errors=0/);
      expect(await topicCount(bootstrap, topic)).toBe(7);

      const missing = await cli(['producer', 'start', 'nope', '--data-dir', dir.path]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('producer: no producer named "nope"; saved: cli sensors\n');
    } finally {
      dir.remove();
    }
  });
});
