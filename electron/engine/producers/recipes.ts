import type { ProducerInput, Recipe } from '../../../shared/producers.js';

export interface RecipePlan {
  topics: { name: string; partitions: number }[];
  producer: Omit<ProducerInput, 'connectionId'>;
}

/** The original stacks (README, "What is in it") as one-click setups: their topics (with partition counts) and producer. */
export function recipePlan(recipe: Recipe): RecipePlan {
  switch (recipe) {
    case 'sensors':
      // S3: 10 sensors, one reading every 2 s, 100 by default; input_topic with 3 partitions.
      return {
        topics: [{ name: 'input_topic', partitions: 3 }],
        producer: {
          name: 'Sensor simulator',
          topic: 'input_topic',
          source: { kind: 'sensors' },
          schedule: { trigger: { kind: 'interval', everyMs: 2000 }, maxMessages: 100 },
          key: { kind: 'field', path: 'sensor_id' },
          serializer: 'json',
        },
      };
    case 'iss':
      // S1: Open Notify every 5 s (offline SGP4 fallback) into project_topic.
      return {
        topics: [{ name: 'project_topic', partitions: 1 }],
        producer: {
          name: 'ISS tracker',
          topic: 'project_topic',
          source: { kind: 'iss', mode: 'auto' },
          schedule: { trigger: { kind: 'interval', everyMs: 5000 } },
          serializer: 'json',
        },
      };
    case 'randomUsers':
      // S2: the Airflow DAG's "every 25 s, 10 requests per run", with the original's producer settings.
      return {
        topics: [{ name: 'random-user', partitions: 3 }],
        producer: {
          name: 'Random users',
          topic: 'random-user',
          source: { kind: 'randomUsers', mode: 'auto' },
          schedule: { trigger: { kind: 'interval', everyMs: 25_000 }, perRun: 10 },
          key: { kind: 'field', path: 'results[0].login.uuid' },
          serializer: 'json',
          config: {
            clientId: 'random-user-producer',
            acks: 'all',
            retries: 3,
            lingerMs: 5,
            batchSize: 16_384,
            compression: 'gzip',
            maxInFlight: 1,
            requestTimeoutMs: 20_000,
            bufferMemory: 33_554_432,
            maxBlockMs: 60_000,
          },
        },
      };
  }
}
