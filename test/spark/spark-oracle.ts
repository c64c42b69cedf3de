// Real PySpark as the oracle of the pipeline tests: the pinned Spark release and its Kafka source jars.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureKafkaJars } from '../../electron/engine/cluster/kafka-jars.js';
import { resolveCacheDir } from '../../electron/engine/paths.js';

/**
 * The PyPI pyspark release .ci/run installs and the spark-sql-kafka-0-10 release test/spark/pom.xml
 * resolves: they must be the same. 3.5.7 is the newest 3.5 patch whose Kafka source is on the Maven
 * Central this suite reaches (3.5.8 and 3.5.9 are on PyPI, their spark-sql-kafka jars are not).
 */
export const SPARK_VERSION = '3.5.7';

const SPARK_POM = fileURLToPath(new URL('./pom.xml', import.meta.url));

/**
 * Resolves spark-sql-kafka-0-10 and the runtime jars it adds to pyspark's own (kafka-clients,
 * commons-pool2, spark-token-provider-kafka) with mvn into `<cache>/spark-kafka-<version>/libs`, once,
 * with the local cluster's atomic download; returns the jar paths for spark.jars (Ivy's
 * spark.jars.packages cannot resolve here).
 */
export async function ensureSparkKafkaJars(cacheDir = resolveCacheDir()): Promise<string[]> {
  let libs: string;
  try {
    libs = await ensureKafkaJars(cacheDir, {
      pomFile: SPARK_POM,
      cacheName: `spark-kafka-${SPARK_VERSION}`,
      expectJar: `spark-sql-kafka-0-10_2.12-${SPARK_VERSION}.jar`,
      version: SPARK_VERSION,
    });
  } catch (error) {
    throw new Error(`Could not resolve Spark ${SPARK_VERSION}'s Kafka source jars with mvn (test/spark/pom.xml): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return readdirSync(libs)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => join(libs, name));
}
