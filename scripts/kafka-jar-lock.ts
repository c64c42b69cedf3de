// Developer tool: regenerates resources/kafka/jars.lock.json, the pinned list of jars the app
// fetches for its local Kafka cluster (Maven Central path, size and SHA-256 of each), by resolving
// resources/kafka/pom.xml with Maven once per pinned release. Nobody needs mvn at run time.
//   npx tsx scripts/kafka-jar-lock.ts
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { COMPAT_KAFKA_VERSIONS, JAR_LOCK_FILE, KAFKA_VERSION, MAVEN_CENTRAL, type JarLock } from '../electron/engine/cluster/kafka-jars.js';
import { runMaven } from './maven-jars.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

async function lockVersion(version: string): Promise<JarLock['versions'][string]> {
  const out = mkdtempSync(join(tmpdir(), `kwb-lock-${version}-`));
  try {
    // useRepositoryLayout: each jar lands at its repository path, which is its Maven Central path.
    const args = [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      resolve('resources/kafka/pom.xml'),
      `-Dkafka.version=${version}`,
      'dependency:copy-dependencies',
      '-Dmdep.useRepositoryLayout=true',
      `-DoutputDirectory=${out}`,
    ];
    const result = await runMaven('mvn', args);
    if (result.code !== 0) throw new Error(`mvn failed for Kafka ${version}:\n${result.output.slice(-2000)}`);
    const jars = files(out)
      .filter((file) => file.endsWith('.jar'))
      .map((file) => ({
        path: relative(out, file).split(sep).join('/'),
        size: statSync(file).size,
        sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      }))
      .sort((a, b) => a.path.localeCompare(b.path));
    const names = jars.map((jar) => jar.path.split('/').at(-1));
    if (new Set(names).size !== names.length) throw new Error(`Kafka ${version}: two jars share a file name; the libs folder is flat`);
    return { jars };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const lock: JarLock = { repository: MAVEN_CENTRAL, versions: {} };
for (const version of [KAFKA_VERSION, ...COMPAT_KAFKA_VERSIONS]) {
  lock.versions[version] = await lockVersion(version);
  const { jars } = lock.versions[version];
  process.stdout.write(`Kafka ${version}: ${jars.length} jars, ${(jars.reduce((sum, jar) => sum + jar.size, 0) / 1e6).toFixed(1)} MB\n`);
}
writeFileSync(JAR_LOCK_FILE, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`wrote ${JAR_LOCK_FILE}\n`);
