/** CI step: resolve Spark's Kafka source jars (the PySpark oracle's spark.jars) into the cache before the tests. */
import { ensureSparkKafkaJars } from '../test/spark/spark-oracle.js';

const jars = await ensureSparkKafkaJars();
process.stdout.write(`[spark] ${jars.length} jars: ${jars.join(', ')}\n`);
