import { kGetApi, kGetBootstrapConnection, kPerformWithRetry, type Admin, type Callback, type metadataV12 } from '@platformatic/kafka';

export type MetadataResponse = metadataV12.MetadataResponse;

/** Partition-level answers that still describe the partition: no leader right now, a replica offline. */
const TOLERATED = new Set(['LEADER_NOT_AVAILABLE', 'REPLICA_NOT_AVAILABLE', 'LISTENER_NOT_FOUND']);

interface ResponseErrorLike {
  code?: unknown;
  response?: unknown;
  errors?: Array<{ apiId?: unknown; path?: unknown }>;
}

/** A Metadata answer whose only errors are partitions without a leader or with a replica offline. */
function partialAnswer(error: unknown): MetadataResponse | null {
  const e = error as ResponseErrorLike | null;
  if (!e || e.code !== 'PLT_KFK_RESPONSE' || !Array.isArray(e.errors) || e.response === undefined) return null;
  const tolerable = e.errors.every(
    (inner) => typeof inner.path === 'string' && /^\/topics\/\d+\/partitions\/\d+$/.test(inner.path) && TOLERATED.has(String(inner.apiId)),
  );
  return tolerable ? (e.response as MetadataResponse) : null;
}

/**
 * A Metadata request as sent, through the admin's own connection and retries: `null` asks for every
 * topic. The client's `metadata()` cannot serve the topic views: it drops internal topics
 * (__consumer_offsets) from its answer, fails the whole answer when one partition has no leader or
 * a replica is offline (exactly when a health view matters), and cannot ask for "all topics" in one
 * request (listing then describing races with topics deleted in between).
 */
export function rawMetadata(admin: Admin, topics: string[] | null): Promise<MetadataResponse> {
  return new Promise((resolve, reject) => {
    const done: Callback<MetadataResponse> = (error, response) =>
      error || !response ? reject(error ?? new Error('Empty Metadata answer')) : resolve(response);
    void admin[kPerformWithRetry]<MetadataResponse>(
      'metadata',
      (retryCallback) => {
        admin[kGetBootstrapConnection]((error, connection) => {
          if (error || !connection) return retryCallback(error ?? new Error('No bootstrap connection'), undefined);
          admin[kGetApi]<[string[] | null, boolean, boolean], MetadataResponse>('Metadata', (apiError, api) => {
            if (apiError || !api) return retryCallback(apiError ?? new Error('No Metadata API'), undefined);
            api(connection, topics, false, false, (requestError, response) => {
              const partial = requestError ? partialAnswer(requestError) : null;
              if (partial) retryCallback(null, partial);
              else retryCallback(requestError, response);
            });
          });
        });
      },
      done,
      0,
      [],
      // An unknown topic will not appear by asking again at once; callers that wait for one poll themselves.
      (error) => /UNKNOWN_TOPIC_OR_PARTITION/.test(JSON.stringify((error as ResponseErrorLike).errors?.map((x) => x.apiId) ?? [])),
    );
  });
}
