import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureMavenJars, type EnsureMavenJarsOptions } from './maven-jars.js';

const root = mkdtempSync(join(tmpdir(), 'kwb-mvn-jars-'));
const VERSION = '2.6.0';

/** A stand-in for mvn: copies nothing, just creates the expected jar (or fails) and counts its calls. */
function fakeMaven(behaviour: 'ok' | 'fail'): { command: string; calls: string } {
  const dir = mkdtempSync(join(root, 'mvn-'));
  const command = join(dir, 'mvn');
  const calls = join(dir, 'calls');
  const body =
    behaviour === 'ok'
      ? `for a in "$@"; do case "$a" in -DoutputDirectory=*) out="\${a#-DoutputDirectory=}";; esac; done
mkdir -p "$out" && touch "$out/s3proxy-${VERSION}.jar" "$out/jetty-${VERSION}.jar"`
      : // Colour codes and trailing boilerplate, as a real Maven failure prints them.
        `printf '\\033[0m[ERROR] Failed to execute goal on project s3proxy-deps: Could not resolve dependencies\\n[ERROR] \\n[ERROR] Re-run Maven using the -X switch\\n'; exit 1`;
  writeFileSync(command, `#!/bin/sh\necho "$@" >> "${calls}"\n${body}\n`);
  chmodSync(command, 0o755);
  return { command, calls };
}

function callCount(calls: string): number {
  return existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').length : 0;
}

const options = (mvnCommand: string): EnsureMavenJarsOptions => ({
  mvnCommand,
  version: VERSION,
  pomFile: resolve('test/s3proxy/pom.xml'),
  expectJar: `s3proxy-${VERSION}.jar`,
  cacheName: `s3proxy-${VERSION}`,
});

describe('ensureMavenJars (developer tool)', () => {
  it('downloads once, marks the folder complete and skips Maven the second time', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const mvn = fakeMaven('ok');
    const libs = await ensureMavenJars(cache, options(mvn.command));
    expect(libs).toBe(join(cache, `s3proxy-${VERSION}`, 'libs'));
    expect(readdirSync(libs).sort()).toEqual(['.complete', `jetty-${VERSION}.jar`, `s3proxy-${VERSION}.jar`]);
    // No temp folders left beside libs.
    expect(readdirSync(join(cache, `s3proxy-${VERSION}`))).toEqual(['libs']);
    await ensureMavenJars(cache, options(mvn.command));
    expect(callCount(mvn.calls)).toBe(1);
    expect(readFileSync(mvn.calls, 'utf8')).toContain(`-Dkafka.version=${VERSION}`);
  });

  it('downloads again when a previous run left a folder without the marker', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const libs = join(cache, `s3proxy-${VERSION}`, 'libs');
    mkdirSync(libs, { recursive: true });
    writeFileSync(join(libs, `s3proxy-${VERSION}.jar`), '');
    const mvn = fakeMaven('ok');
    await ensureMavenJars(cache, options(mvn.command));
    expect(callCount(mvn.calls)).toBe(1);
    expect(existsSync(join(libs, '.complete'))).toBe(true);
  });

  it("reports Maven's error line when resolution fails and leaves no cache", async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    const mvn = fakeMaven('fail');
    await expect(ensureMavenJars(cache, options(mvn.command))).rejects.toThrow(
      /^Maven could not resolve s3proxy-2\.6\.0: Failed to execute goal on project s3proxy-deps: Could not resolve dependencies$/,
    );
    expect(readdirSync(join(cache, `s3proxy-${VERSION}`))).toEqual([]);
  });

  it('says Maven is needed when mvn is not installed', async () => {
    const cache = mkdtempSync(join(root, 'cache-'));
    await expect(ensureMavenJars(cache, options(join(root, 'no-such-mvn')))).rejects.toThrow(
      /^Maven \(mvn\) is needed to resolve s3proxy-2\.6\.0/,
    );
  });
});
