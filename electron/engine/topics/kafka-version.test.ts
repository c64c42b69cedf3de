import { describe, expect, it } from 'vitest';
import { inferKafkaVersion, type ApiRange } from './kafka-version.js';

const keys = (...list: number[]): ApiRange[] => list.map((apiKey) => ({ apiKey, minVersion: 0, maxVersion: 1 }));

describe('Kafka version inferred from ApiVersions', () => {
  it('takes the newest API it can date as a lower bound and says it is an inference', () => {
    const inferred = inferKafkaVersion(keys(0, 1, 36, 42, 60, 65, 68));
    expect(inferred.version).toBe('3.7 or newer');
    expect(inferred.basis).toMatch(
      /^Inferred from ApiVersions: the broker offers ConsumerGroupHeartbeat .* added in Kafka 3\.7\..*does not report its exact version/,
    );
  });

  it('reads a protocol change (Fetch without old versions) as Kafka 4.0', () => {
    const apis = [{ apiKey: 1, minVersion: 4, maxVersion: 17 }, ...keys(0, 60, 68)];
    expect(inferKafkaVersion(apis).version).toBe('4.0 or newer');
  });

  it('says when the broker offers APIs newer than the table', () => {
    const inferred = inferKafkaVersion(keys(0, 1, 88, 93, 94));
    expect(inferred.version).toBe('4.1 or newer');
    expect(inferred.basis).toContain('API keys 93, 94, newer than this table knows');
  });

  it('gives no version for a broker older than every marker', () => {
    expect(inferKafkaVersion(keys(0, 1, 2, 3)).version).toBeNull();
  });
});
