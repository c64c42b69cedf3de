// kafkajs is CommonJS and Node's ESM loader cannot see its named exports; import it once here.
import kafkajs from 'kafkajs';

export const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
export type { Admin, KafkaConfig, LogEntry } from 'kafkajs';
export type Kafka = InstanceType<typeof kafkajs.Kafka>;
