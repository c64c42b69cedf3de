import { Kafka, logLevel } from 'kafkajs';

/**
 * Number of brokers the cluster's metadata lists, asked through any of the bootstrap servers. A
 * KRaft broker appears there only once it registered with the controller quorum and was unfenced,
 * which is what "ready" means for a client. Throws while no broker answers.
 */
export async function registeredBrokerCount(bootstrap: string[]): Promise<number> {
  const kafka = new Kafka({
    clientId: 'kafka-workbench-local-probe',
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.length;
  } finally {
    await admin.disconnect();
  }
}
