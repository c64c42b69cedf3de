import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Pipeline, PipelineInput } from '../../shared/pipelines.js';
import { pipelineSchema } from '../../shared/pipelines.js';
import type { Engine } from '../../electron/engine/engine.js';
import { formToInput, type PipelineForm } from '../../renderer/pages/pipelines/pipeline-form-model.js';
import { data, uniqueName } from '../helpers.js';
import { KafkaProducer } from '../../electron/engine/kafka/producer.js';
import { RandomUserGenerator } from '../../electron/engine/producers/sources/random-users.js';
import { createTopic as createTopicWith, readAll, type OutgoingRecord } from '../kafka.js';

/** Client options for engine modules a test builds directly (PipelineRunner, runBatch). */
export function clientOptions(bootstrap: string) {
  return { clientId: 'pipelines-test', bootstrapBrokers: bootstrap.split(','), retries: 5, retryDelay: 200 };
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  await createTopicWith(bootstrap, topic, partitions, { replicationFactor: 1 });
}

export function pipelineOf(input: PipelineInput & { id: string }): Pipeline {
  return pipelineSchema.parse({ ...input, createdAt: 0, updatedAt: 0 });
}

export async function waitFor(check: () => boolean, timeoutMs = 60_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads a whole topic (read_committed) once it holds `expected` records with a key and a value. */
export async function readTopic(bootstrap: string, topic: string, expected: number): Promise<{ key: Buffer; value: Buffer }[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const seen = (await readAll(bootstrap, topic, 'read_committed')).flatMap((r) =>
      r.key && r.value ? [{ key: r.key, value: r.value }] : [],
    );
    if (seen.length >= expected) return seen;
    if (Date.now() > until) throw new Error(`timed out waiting for ${expected} records on ${topic} (${seen.length} so far)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A producer for test input: idempotent (a retried send to a just-created topic must not write the
 * records twice), acks=all; one `send` is one request, so each partition's records of it form one
 * record batch.
 */
export function inputProducer(bootstrap: string): KafkaProducer {
  return new KafkaProducer({ ...clientOptions(bootstrap), idempotent: true, maxInflights: 1 });
}

/** Produces the records with an idempotent producer in sends of `chunk`, then closes it. */
export async function produceInput(bootstrap: string, records: readonly OutgoingRecord[], chunk = 5_000): Promise<void> {
  const producer = inputProducer(bootstrap);
  try {
    for (let i = 0; i < records.length; i += chunk) await producer.send(records.slice(i, i + chunk));
  } finally {
    await producer.close();
  }
}

// `node --import tsx`, one process: the tsx CLI would run the worker as a child, and a SIGKILL of
// the wrapper would leave the real worker running.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `npm run cli -- pipeline run <name>` as a child process, with its output collected. */
export function pipelineWorker(
  dataDir: string,
  name: string,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, resolve('electron/cli/cli.ts'), 'pipeline', 'run', name, '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Random users as the Random users producer sends them (randomuser.me's shape), one record each, keyed by uuid; their uuids. */
export async function produceRandomUsers(bootstrap: string, topic: string, n: number, seed: number): Promise<string[]> {
  const generator = new RandomUserGenerator(seed);
  const producer = inputProducer(bootstrap);
  const uuids: string[] = [];
  try {
    const records = Array.from({ length: n }, () => {
      const response = generator.response();
      const uuid = response.results[0]?.login.uuid ?? '';
      uuids.push(uuid);
      return { topic, key: uuid, value: JSON.stringify(response) };
    });
    for (let i = 0; i < records.length; i += 1000) await producer.send(records.slice(i, i + 1000));
  } finally {
    await producer.close();
  }
  return uuids;
}

/** Polls `read` until `done` holds (60 s at most); the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A Random users → database preset saved as the pipeline form saves it, on a test's own topic, group and table. */
export async function saveDatabasePreset(
  engine: Engine,
  kafkaId: string,
  preset: PipelineForm,
  names: { pipeline: string; group: string },
  target: { topic: string; table: string; maxRecordsPerBatch: number; triggerInterval?: string | undefined },
): Promise<Pipeline> {
  const form = {
    ...preset,
    name: uniqueName(names.pipeline),
    topics: target.topic,
    groupId: uniqueName(names.group),
    maxRecordsPerBatch: String(target.maxRecordsPerBatch),
    ...(target.triggerInterval === undefined ? {} : { triggerInterval: target.triggerInterval }),
    database: { ...preset.database, table: target.table },
  };
  const result = formToInput(form, kafkaId);
  if (!('input' in result)) throw new Error(JSON.stringify(result.errors));
  return data<Pipeline>(await engine.dispatch('pipelines:save', result.input));
}
