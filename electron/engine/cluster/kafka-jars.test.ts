import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPAT_KAFKA_VERSIONS, DEFAULT_POM, ensureKafkaJars, KAFKA_VERSION, kafkaLibsDir, selectKafkaVersion } from './kafka-jars.js';

const root = mkdtempSync(join(tmpdir(), 'kwb-jars-'));

/** A stand-in for mvn: copies nothing, just creates the broker jar (or fails) and counts its calls. */
function fakeMaven(behaviour: 'ok' | 'fail'): { command: string; calls: string } {
  const dir = mkdtempSync(join(root, 'mvn-'));
  const command = join(dir, 'mvn');
  const calls = join(dir, 'calls');
  const body =
    behaviour === 'ok'
      ? `for a in "$@"; do case "$a" in -DoutputDirectory=*) out="\${a#-DoutputDirectory=}";; esac; done
mkdir -p "$out" && touch "$out/kafka_2.13-${KAFKA_VERSION}.jar" "$out/kafka-clients-${KAFKA_VERSION}.jar"`
      : // Colour codes and trailing boilerplate, as a real Maven failure prints them.
        `printf '\\033[0m[ERROR] Failed to execute goal on project local-kafka: Could not resolve dependencies\\n[ERROR] \\n[ERROR] Re-run Maven using the -X switch\\n'; exit 1`;
  writeFileSync(command, `#!/bin/sh\necho "$@" >> "${calls}"\n${body}\n`);
  chmodSync(command, 0o755);
  return { command, calls };
}

function callCount(calls: string): number {
  return existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').length : 0;
}

describe('ensureKafkaJars', () => {
  it('points the pom option at the repository pom', () => {
    expect(existsSync(DEFAULT_POM)).toBe(true);
  });

  it('downloads once, marks the folder complete and skips Maven the second time', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const mvn = fakeMaven('ok');
    const libs = await ensureKafkaJars(cache, { mvnCommand: mvn.command });
    expect(libs).toBe(kafkaLibsDir(cache));
    expect(readdirSync(libs).sort()).toEqual(['.complete', `kafka-clients-${KAFKA_VERSION}.jar`, `kafka_2.13-${KAFKA_VERSION}.jar`]);
    // No temp folders left beside libs.
    expect(readdirSync(join(cache, `kafka-${KAFKA_VERSION}`))).toEqual(['libs']);
    await ensureKafkaJars(cache, { mvnCommand: mvn.command });
    expect(callCount(mvn.calls)).toBe(1);
  });

  it('passes the pinned version to Maven', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const mvn = fakeMaven('ok');
    await ensureKafkaJars(cache, { mvnCommand: mvn.command });
    expect(readFileSync(mvn.calls, 'utf8')).toContain(`-Dkafka.version=${KAFKA_VERSION}`);
  });

  it('downloads again when a previous run left a folder without the marker', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const libs = kafkaLibsDir(cache);
    mkdirSync(libs, { recursive: true });
    writeFileSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`), '');
    const mvn = fakeMaven('ok');
    await ensureKafkaJars(cache, { mvnCommand: mvn.command });
    expect(callCount(mvn.calls)).toBe(1);
    expect(existsSync(join(libs, '.complete'))).toBe(true);
  });

  it("reports Maven's error line when resolution fails and leaves no cache", async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const mvn = fakeMaven('fail');
    await expect(ensureKafkaJars(cache, { mvnCommand: mvn.command })).rejects.toThrow(
      /^Maven could not resolve Apache Kafka .*: Failed to execute goal on project local-kafka: Could not resolve dependencies$/,
    );
    expect(readdirSync(join(cache, `kafka-${KAFKA_VERSION}`))).toEqual([]);
  });

  it('says Maven is needed when mvn is not installed', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    await expect(ensureKafkaJars(cache, { mvnCommand: join(root, 'no-such-mvn') })).rejects.toThrow(/^Maven \(mvn\) is needed/);
  });
});

describe('selectKafkaVersion', () => {
  it('runs the pinned release unless KWB_KAFKA_VERSION names another pinned one', () => {
    expect(selectKafkaVersion({})).toBe(KAFKA_VERSION);
    expect(selectKafkaVersion({ KWB_KAFKA_VERSION: '' })).toBe(KAFKA_VERSION);
    expect(COMPAT_KAFKA_VERSIONS).toContain('3.9.2');
    expect(selectKafkaVersion({ KWB_KAFKA_VERSION: '3.9.2' })).toBe('3.9.2');
    expect(selectKafkaVersion({ KWB_KAFKA_VERSION: KAFKA_VERSION })).toBe(KAFKA_VERSION);
  });

  it('refuses a release that is not pinned, naming the ones that are', () => {
    expect(() => selectKafkaVersion({ KWB_KAFKA_VERSION: '3.9.x' })).toThrow(`KWB_KAFKA_VERSION=3.9.x is not a pinned Kafka release; use one of ${KAFKA_VERSION}, 3.9.2`);
  });

  it('passes the chosen release to Maven and caches it in its own folder', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const dir = mkdtempSync(join(root, 'mvn-'));
    const command = join(dir, 'mvn');
    writeFileSync(command, `#!/bin/sh\necho "$@" >> "${dir}/calls"\nfor a in "$@"; do case "$a" in -DoutputDirectory=*) out="\${a#-DoutputDirectory=}";; esac; done\nmkdir -p "$out" && touch "$out/kafka_2.13-3.9.2.jar"\n`);
    chmodSync(command, 0o755);
    const libs = await ensureKafkaJars(cache, { mvnCommand: command, version: '3.9.2' });
    expect(libs).toBe(kafkaLibsDir(cache, '3.9.2'));
    expect(readFileSync(join(dir, 'calls'), 'utf8')).toContain('-Dkafka.version=3.9.2');
  });
});
