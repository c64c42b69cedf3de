/** One record as the engine sees it, whichever path read it (browse, tail, pipeline). */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Milliseconds since the epoch: CreateTime, or LogAppendTime when the topic says so. */
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  /** In wire order; a key may repeat. */
  headers: Array<{ key: string; value: Buffer | null }>;
}

/** Headers as name/value pairs: names are data (`__proto__` is a name like any other), repeats kept. */
export type HeaderPairs = ReadonlyArray<readonly [string, Buffer | string]>;

/** A record to produce; `partition` unset lets the partitioner choose (murmur2 of the key, as the Java client). */
export interface OutgoingRecord {
  topic: string;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  /** Name/value pairs in wire order (a name may repeat), or an object of own keys. */
  headers?: HeaderPairs | Readonly<Record<string, Buffer | string>>;
  /** Milliseconds since the epoch; default now. */
  timestamp?: number;
}
