import type { KafkaVersion } from '../../../shared/topic-browser/disk-usage.js';
import type { ApiRange } from '../kafka/admin.js';
import type { KafkaClients } from '../kafka/kafka-clients.js';

export type { ApiRange };

interface Marker {
  since: string;
  what: string;
  test: (apis: Map<number, ApiRange>) => boolean;
}

const offers = (key: number) => (apis: Map<number, ApiRange>) => apis.has(key);

/**
 * Kafka does not send its version over the protocol, so we infer a lower bound from ApiVersions:
 * the newest API (or protocol change) the broker offers whose release we know. Highest first.
 * Sources: the KIPs that added them (KIP-1071 streams groups, KIP-932 share groups, KIP-896 removal
 * of old protocol versions, KIP-853 KRaft voter changes, KIP-848 consumer groups, …).
 */
const MARKERS: Marker[] = [
  { since: '4.1', what: 'StreamsGroupHeartbeat (API key 88, KIP-1071)', test: offers(88) },
  { since: '4.0', what: 'Fetch without versions 0–3 (KIP-896)', test: (apis) => (apis.get(1)?.minVersion ?? 0) >= 4 },
  { since: '4.0', what: 'ShareGroupHeartbeat (API key 76, KIP-932)', test: offers(76) },
  { since: '3.9', what: 'AddRaftVoter (API key 80, KIP-853)', test: offers(80) },
  { since: '3.7', what: 'ConsumerGroupHeartbeat (API key 68, KIP-848)', test: offers(68) },
  { since: '3.0', what: 'DescribeTransactions (API key 65, KIP-664)', test: offers(65) },
  { since: '2.8', what: 'DescribeCluster (API key 60, KIP-700)', test: offers(60) },
  { since: '2.7', what: 'DescribeUserScramCredentials (API key 50, KIP-554)', test: offers(50) },
  { since: '2.6', what: 'DescribeClientQuotas (API key 48, KIP-546)', test: offers(48) },
  { since: '2.4', what: 'OffsetDelete (API key 47, KIP-496)', test: offers(47) },
  { since: '2.3', what: 'IncrementalAlterConfigs (API key 44, KIP-339)', test: offers(44) },
  { since: '2.2', what: 'ElectLeaders (API key 43, KIP-183)', test: offers(43) },
  { since: '1.1', what: 'DeleteGroups (API key 42, KIP-229)', test: offers(42) },
  { since: '1.0', what: 'SaslAuthenticate (API key 36, KIP-152)', test: offers(36) },
];
/** The highest API key the table above knows about; higher ones mean a newer broker than the table. */
const NEWEST_KNOWN_KEY = 92;

export function inferKafkaVersion(list: ApiRange[]): KafkaVersion {
  const apis = new Map(list.map((api) => [api.apiKey, api]));
  const marker = MARKERS.find((m) => m.test(apis));
  const unknown = list
    .map((a) => a.apiKey)
    .filter((key) => key > NEWEST_KNOWN_KEY)
    .sort((a, b) => a - b);
  const newer =
    unknown.length > 0
      ? `; it also offers API keys ${unknown.join(', ')}, newer than this table knows, so it is probably a later release`
      : '';
  const caveat = 'Kafka does not report its exact version over the protocol.';
  if (marker === undefined)
    return { version: null, basis: `Inferred from ApiVersions: no API this app can date was offered${newer}. ${caveat}` };
  return {
    version: `${marker.since} or newer`,
    basis: `Inferred from ApiVersions: the broker offers ${marker.what}, added in Kafka ${marker.since}${newer}. ${caveat}`,
  };
}

/** ApiVersions of a bootstrap broker. */
export async function kafkaVersion(clients: KafkaClients, connectionId: string): Promise<KafkaVersion> {
  return inferKafkaVersion(await clients.admin(connectionId, (admin) => admin.apiVersions()));
}
