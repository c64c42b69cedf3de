import { withWireHeader } from '../../shared/topic-browser/avro-wire.js';

/**
 * The malformed registry values the Protobuf / JSON Schema tests show as hex with a reason, made
 * from one good Protobuf value and the schema id of a JSON Schema (both written by Confluent's
 * Python serializer): an id the registry does not have, a message index the schema lacks, a
 * truncated message, and JSON that breaks its schema (`temperature` is not a number).
 */
export function malformedRegistryValues(goodProtobuf: Uint8Array, jsonSchemaId: number) {
  const protoId = new DataView(goodProtobuf.buffer, goodProtobuf.byteOffset).getUint32(1);
  return {
    unknownId: Buffer.from(withWireHeader(999_999_999, new Uint8Array([0, 0x0a, 0x01, 0x61]))),
    // Message index [7]: the count 1, then 7, both zig-zag, in place of the good value's index [0].
    wrongIndex: Buffer.from(withWireHeader(protoId, new Uint8Array([2, 14, ...goodProtobuf.subarray(6)]))),
    truncated: Buffer.from(goodProtobuf.subarray(0, 20)),
    invalidJson: Buffer.from(
      withWireHeader(jsonSchemaId, new TextEncoder().encode('{"sensor":"s","temperature":"hot","where":{"city":"Oslo","lat":1,"lon":2}}')),
    ),
  };
}
