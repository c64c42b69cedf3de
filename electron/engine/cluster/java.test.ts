import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureJava, locateJava, parseJavaMajor } from './java.js';

function fakeJdk(versionOutput: string): string {
  const home = mkdtempSync(join(tmpdir(), 'kwb-jdk-'));
  mkdirSync(join(home, 'bin'));
  const java = join(home, 'bin', 'java');
  writeFileSync(java, `#!/bin/sh\necho '${versionOutput}' >&2\n`);
  chmodSync(java, 0o755);
  return home;
}

describe('parseJavaMajor', () => {
  it('reads modern, legacy 1.x and early-access version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_361"')).toBe(8);
    expect(parseJavaMajor('openjdk version "22-ea" 2024-03-19')).toBe(22);
    expect(parseJavaMajor('java version "11.0.2" 2019-01-15 LTS')).toBe(11);
    expect(parseJavaMajor('command not found')).toBeNull();
  });
});

describe('locateJava', () => {
  it('prefers JAVA_HOME over PATH and returns null when neither has java', () => {
    const home = fakeJdk('openjdk version "21"');
    expect(locateJava({ JAVA_HOME: home, PATH: '/usr/bin' })).toBe(join(home, 'bin', 'java'));
    const empty = mkdtempSync(join(tmpdir(), 'kwb-empty-'));
    expect(locateJava({ PATH: empty })).toBeNull();
    expect(locateJava({ PATH: join(home, 'bin') })).toBe(join(home, 'bin', 'java'));
  });
});

describe('ensureJava', () => {
  it('accepts Java 17 and newer', async () => {
    const home = fakeJdk('openjdk version "17.0.2" 2022-01-18');
    await expect(ensureJava({ JAVA_HOME: home, PATH: '' })).resolves.toMatchObject({ major: 17 });
  });

  it('rejects an old Java with its version in one line', async () => {
    const home = fakeJdk('java version "1.8.0_361"');
    await expect(ensureJava({ JAVA_HOME: home, PATH: '' })).rejects.toThrow(/Java 17 or newer .* is Java 8/);
  });

  it('says how to fix a missing Java', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kwb-empty-'));
    const error = await ensureJava({ PATH: empty }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LOCAL_CLUSTER' });
    expect((error as Error).message).toMatch(/^Java 17 or newer is needed .*JAVA_HOME/);
    expect((error as Error).message).not.toContain('\n');
  });
});
