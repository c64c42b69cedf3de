import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureJava, javaCandidates, locateJava, parseJavaMajor, parseRegistryHomes } from './java.js';

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
    expect((error as Error).message).toMatch(/^Java 17 or newer is needed .*download a Java runtime .*JAVA_HOME/);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('finding Java the way each OS expects', () => {
  const none = { run: () => null, listDir: () => [] };

  it('asks /usr/libexec/java_home and looks in the JDK and Homebrew folders on macOS', () => {
    const listed: Record<string, string[]> = {
      '/Library/Java/JavaVirtualMachines': ['temurin-21.jdk'],
      '/opt/homebrew/opt': ['openjdk@17', 'openssl@3'],
    };
    const candidates = javaCandidates(
      { PATH: '/usr/bin' },
      {
        platform: 'darwin',
        run: (command, args) =>
          command === '/usr/libexec/java_home' && args.join(' ') === '-v 17+'
            ? '/Library/Java/JavaVirtualMachines/zulu-17.jdk/Contents/Home\n'
            : null,
        listDir: (dir) => listed[dir] ?? [],
      },
    );
    expect(candidates).toEqual([
      '/usr/bin/java',
      '/Library/Java/JavaVirtualMachines/zulu-17.jdk/Contents/Home/bin/java',
      '/Library/Java/JavaVirtualMachines/temurin-21.jdk/Contents/Home/bin/java',
      '/opt/homebrew/opt/openjdk@17/bin/java',
    ]);
  });

  it('reads the registry and Program Files on Windows', () => {
    const reg = [
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\JavaSoft\\JDK\\17.0.2',
      '    JavaHome    REG_SZ    C:\\Program Files\\Java\\jdk-17.0.2',
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Eclipse Adoptium\\JDK\\21.0.8.9\\hotspot\\MSI',
      '    Path    REG_SZ    C:\\Program Files\\Eclipse Adoptium\\jdk-21.0.8.9-hotspot\\',
    ].join('\r\n');
    expect(parseRegistryHomes(reg)).toEqual([
      'C:\\Program Files\\Java\\jdk-17.0.2',
      'C:\\Program Files\\Eclipse Adoptium\\jdk-21.0.8.9-hotspot\\',
    ]);
    const candidates = javaCandidates(
      { Path: 'C:\\Windows\\system32', ProgramFiles: 'C:\\Program Files', JAVA_HOME: 'D:\\jdk' },
      {
        platform: 'win32',
        run: (command, args) => (command === 'reg' && args[1] === 'HKLM\\SOFTWARE\\JavaSoft' ? reg : null),
        listDir: (dir) => (dir === 'C:\\Program Files\\Microsoft' ? ['jdk-17.0.12.7-hotspot'] : []),
      },
    );
    expect(candidates).toEqual([
      'D:\\jdk\\bin\\java.exe',
      'C:\\Windows\\system32\\java.exe',
      'C:\\Program Files\\Java\\jdk-17.0.2\\bin\\java.exe',
      'C:\\Program Files\\Eclipse Adoptium\\jdk-21.0.8.9-hotspot\\bin\\java.exe',
      'C:\\Program Files\\Microsoft\\jdk-17.0.12.7-hotspot\\bin\\java.exe',
    ]);
  });

  it('looks only at JAVA_HOME and PATH on Linux, then at a runtime the app downloaded', () => {
    expect(javaCandidates({ PATH: '/usr/bin:/bin' }, { platform: 'linux', ...none })).toEqual(['/usr/bin/java', '/bin/java']);
  });

  it('skips a java that cannot run (macOS /usr/bin/java without a JDK) and takes the next one', async () => {
    const stub = mkdtempSync(join(tmpdir(), 'kwb-stub-'));
    writeFileSync(join(stub, 'java'), '#!/bin/sh\necho "Unable to locate a Java Runtime." >&2\nexit 1\n');
    chmodSync(join(stub, 'java'), 0o755);
    const home = fakeJdk('openjdk version "21.0.8" 2025-07-15');
    await expect(ensureJava({ PATH: `${stub}:${join(home, 'bin')}` }, { platform: 'linux', ...none })).resolves.toMatchObject({
      path: join(home, 'bin', 'java'),
      major: 21,
    });
  });
});
