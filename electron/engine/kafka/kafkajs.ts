// kafkajs is CommonJS and Node's ESM loader cannot see its named exports; import it once here.
import kafkajs from 'kafkajs';

export const { Kafka, logLevel, ConfigResourceTypes, CompressionTypes, CompressionCodecs, AssignerProtocol } = kafkajs;
export type { Admin, KafkaConfig, LogEntry, Producer, ProducerConfig, Message, IHeaders } from 'kafkajs';
export type { Consumer, EachBatchPayload, KafkaMessage as KafkaJsMessage } from 'kafkajs';
export type Kafka = InstanceType<typeof kafkajs.Kafka>;
