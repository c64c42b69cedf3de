import murmurhash from 'murmurhash';

/** Kafka's murmur2 seed (org.apache.kafka.common.utils.Utils#murmur2). */
const KAFKA_SEED = 0x9747b28c;

/**
 * The Java client's default partition of a keyed record: `toPositive(murmur2(key)) % partitions`
 * (Kafka's BuiltInPartitioner.partitionForKey). The hash is the murmurhash package's MurmurHash2,
 * which is Kafka's variant with Kafka's seed and runs in 32-bit integers. The client's own
 * `compatibilityPartitioner` gives the same numbers but multiplies BigInts that are never cut back
 * to 32 bits inside the loop, so its time grows with the square of the key's length (a 256 KB key
 * took 19 s, blocking the engine).
 */
export function keyPartition(key: Uint8Array, partitions: number): number {
  return (murmurhash.v2(key, KAFKA_SEED) & 0x7fffffff) % partitions;
}

/** The hash the client's `partitioner` option wants (the client takes it modulo the partition count). */
export function javaPartitioner(_message: unknown, key: Buffer | undefined): number {
  return key === undefined ? 0 : murmurhash.v2(key, KAFKA_SEED) & 0x7fffffff;
}
