import type { KafkaClients } from '../kafka/kafka-clients.js';
import type { PartitionReader } from '../kafka/partition-reader.js';

/**
 * One group-less reader per connection for message pages, kept open between pages: a page then
 * costs its ListOffsets and Fetch round trips, not a new connection and metadata each time. Pages are
 * short reads, so they share it; tails and scans hold fetches open and keep readers of their own.
 * A changed connection (other brokers, credentials) gets a new reader: the key is its client options.
 */
export class PageReaders {
  private readonly readers = new Map<string, { key: string; reader: PartitionReader }>();
  private readonly clients: KafkaClients;

  constructor(clients: KafkaClients) {
    this.clients = clients;
  }

  get(connectionId: string): PartitionReader {
    const key = JSON.stringify(this.clients.options(connectionId));
    const held = this.readers.get(connectionId);
    if (held?.key === key) return held.reader;
    if (held) void held.reader.close();
    const reader = this.clients.reader(connectionId);
    this.readers.set(connectionId, { key, reader });
    return reader;
  }

  async dispose(): Promise<void> {
    const readers = [...this.readers.values()];
    this.readers.clear();
    await Promise.all(readers.map(({ reader }) => reader.close()));
  }
}
