import { describe, expect, it } from 'vitest';
import { producerInputSchema, upgradeSavedProducer } from './producers.js';

const saved = (config: Record<string, unknown>) => ({
  name: 'p',
  connectionId: 'c1',
  topic: 't',
  source: { kind: 'manual', value: '{}' },
  schedule: { trigger: { kind: 'continuous' } },
  config,
});

describe('producers saved before there was one Kafka client', () => {
  it('load with the old client choice dropped and every other setting kept', () => {
    for (const client of ['kafkajs', 'platformatic']) {
      const parsed = producerInputSchema.parse(upgradeSavedProducer(saved({ client, acks: '1', retries: 0, compression: 'lz4' })));
      expect(parsed.config).not.toHaveProperty('client');
      expect(parsed.config).toMatchObject({ acks: '1', retries: 0, compression: 'lz4' });
    }
  });

  it('raise an idempotent kafkajs producer with 1 retry to 2, since the client would retry it without limit', () => {
    const raw = saved({ client: 'kafkajs', acks: 'all', idempotent: true, retries: 1 });
    expect(() => producerInputSchema.parse(raw)).toThrow(/at least 2 retries/);
    expect(producerInputSchema.parse(upgradeSavedProducer(raw)).config).toMatchObject({ idempotent: true, retries: 2 });
  });

  it('leave a current spec as it is', () => {
    const raw = saved({ acks: 'all', idempotent: true, retries: 5 });
    expect(upgradeSavedProducer(raw)).toBe(raw);
  });
});
