/**
 * Confluent's wire format for registry-backed records: magic byte 0, the schema id as a 4-byte
 * big-endian integer, then the Avro binary body. Pure helpers, shared by the engine and the page.
 */
export const WIRE_MAGIC = 0;
export const WIRE_HEADER_BYTES = 5;

/** The schema id when `bytes` start with the wire header (and have a body byte or more), else null. */
export function wireSchemaId(bytes: Uint8Array): number | null {
  if (bytes.length < WIRE_HEADER_BYTES || bytes[0] !== WIRE_MAGIC) return null;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false);
}

/** Header + body: the bytes a Confluent serializer would write. */
export function withWireHeader(schemaId: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff)
    throw new Error(`schema id ${schemaId} does not fit in 4 bytes`);
  const out = new Uint8Array(WIRE_HEADER_BYTES + body.length);
  new DataView(out.buffer).setUint32(1, schemaId, false);
  out[0] = WIRE_MAGIC;
  out.set(body, WIRE_HEADER_BYTES);
  return out;
}
