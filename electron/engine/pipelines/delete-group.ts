import type { Kafka } from '../kafka/kafkajs.js';

/** Deletes a throw-away consumer group (a batch run's, a changelog restore's) after its consumer left. */
export async function deleteGroupQuietly(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Only tidiness: an empty group expires on the broker by itself.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
