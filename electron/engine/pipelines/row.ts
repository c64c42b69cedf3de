/** A projected row: column → typed value. Timestamps are epoch milliseconds. */
export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;
