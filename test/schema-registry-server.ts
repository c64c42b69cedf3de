import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runMaven } from '../scripts/maven-jars.js';
import { findFreePortBlock } from '../electron/engine/cluster/ports.js';
import { resolveCacheDir } from '../electron/engine/paths.js';

/** Pinned in resources/schema-registry/pom.xml too (why this release: see the comment there). */
export const APICURIO_VERSION = '2.1.5.Final';
const RUNNER = 'local-schema-registry-1-runner.jar';
const MARKER = '.complete';

/**
 * Apicurio Registry (io.apicurio:apicurio-registry-app from Maven Central, Apache-2.0) packaged as a
 * runnable Quarkus app by resources/schema-registry/pom.xml, once, into the cache. Maven builds in a
 * temp folder that is renamed only when complete, so a killed run leaves no half app behind.
 */
export async function ensureSchemaRegistryApp(cacheDir = resolveCacheDir()): Promise<string> {
  const parent = join(cacheDir, `apicurio-${APICURIO_VERSION}`);
  const app = join(parent, 'app');
  if (existsSync(join(app, MARKER)) && existsSync(join(app, RUNNER))) return app;
  await mkdir(parent, { recursive: true });
  const build = join(parent, `build.tmp-${process.pid}-${Date.now()}`);
  const pom = resolve('resources/schema-registry/pom.xml');
  const settings = resolve('resources/schema-registry/settings.xml');
  const result = await runMaven('mvn', ['-q', '-B', '-Dstyle.color=never', '-s', settings, '-f', pom, 'package', `-Dbuild.dir=${build}`]);
  // The runner jar finds its jars in lib/ beside it, so the whole build folder is the app.
  if (result.code !== 0 || !existsSync(join(build, RUNNER))) {
    await rm(build, { recursive: true, force: true });
    const errors = result.output
      .split('\n')
      .filter((line) => line.includes('[ERROR]'))
      .slice(0, 3)
      .join('\n');
    throw new Error(`Maven could not build Apicurio Registry ${APICURIO_VERSION}:\n${errors || result.output.slice(-2000)}`);
  }
  await writeFile(join(build, MARKER), `${new Date().toISOString()}\n`);
  if (existsSync(join(app, MARKER))) {
    // A parallel run finished first; keep its folder (a JVM may already be using it).
    await rm(build, { recursive: true, force: true });
    return app;
  }
  await rm(app, { recursive: true, force: true });
  try {
    await rename(build, app);
  } catch (error) {
    await rm(build, { recursive: true, force: true });
    if (!existsSync(join(app, MARKER))) throw error;
  }
  return app;
}

export interface SchemaRegistryServer {
  /** The Confluent-compatible API, e.g. http://127.0.0.1:23456/apis/ccompat/v6 (the URL a connection stores). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts Apicurio Registry (in-memory storage) on a free loopback port; resolves when its ccompat API answers. */
export async function startSchemaRegistry(): Promise<SchemaRegistryServer> {
  const app = await ensureSchemaRegistryApp();
  const port = await findFreePortBlock(1, 23_000, 24_000);
  const workDir = mkdtempSync(join(tmpdir(), 'kwb-registry-'));
  const url = `http://127.0.0.1:${port}/apis/ccompat/v6`;
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xmx256m',
      `-Dquarkus.http.port=${port}`,
      '-Dquarkus.http.host=127.0.0.1',
      '-Dquarkus.log.level=WARN',
      `-Djava.io.tmpdir=${workDir}`,
      '-jar',
      join(app, RUNNER),
    ],
    { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  // Quarkus starts in a few seconds on an idle machine; the shared 2-core box can take much longer.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Apicurio Registry exited with ${child.exitCode}: ${output}`);
    }
    const status = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Apicurio Registry did not answer ${url}/subjects within 120 s (last HTTP ${status}): ${output}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, port, stop };
}
