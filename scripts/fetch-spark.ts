/** CI step: installs the pinned pyspark (pip) and resolves Spark's Kafka source jars (mvn) into the cache: the Spark oracle of the tests and the Spark peer of `npm run bench`. */
import { ensurePySpark, ensureSparkKafkaJars } from '../test/spark/spark-oracle.js';

ensurePySpark((line) => process.stdout.write(`[spark] ${line}\n`));
const jars = await ensureSparkKafkaJars();
process.stdout.write(`[spark] ${jars.length} jars: ${jars.join(', ')}\n`);
