import { KafkaAdmin } from '../kafka/admin.js';

/**
 * Number of brokers the cluster's metadata lists, asked through any of the bootstrap servers. A
 * KRaft broker appears there only once it registered with the controller quorum and was unfenced,
 * which is what "ready" means for a client. Throws while no broker answers.
 */
export async function registeredBrokerCount(bootstrap: string[]): Promise<number> {
  const admin = new KafkaAdmin({
    clientId: 'kafka-workbench-local-probe',
    bootstrapBrokers: bootstrap,
    connectTimeout: 2000,
    timeout: 5000,
    requestTimeout: 5000,
    retries: 0,
  });
  try {
    const { brokers } = await admin.describeCluster();
    return brokers.length;
  } finally {
    await admin.close();
  }
}
