import protobuf from 'protobufjs';
import type { SchemaBundle } from './schema-bundle.js';
import { parseJson } from '../../../shared/topic-browser/encoders.js';

/**
 * Confluent's Protobuf wire body (after magic byte + schema id): the message-index array — which
 * message of the .proto file, as indexes into the file's top-level messages and then into nested
 * ones — as zig-zag varints (a count, then the indexes; the single byte 0 means [0]), then the
 * Protobuf message. See Confluent's "Wire format" documentation (Schema Registry, serdes).
 */

/** A compiled schema: every message of the main file, in file order, and their nested messages. */
export interface ProtobufSchema {
  /** The main file's top-level messages, in declaration order (index 0 first). */
  messages: protobuf.Type[];
}

const compiled = new WeakMap<SchemaBundle, ProtobufSchema>();

function messagesOf(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return namespace.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
}

/** Parses the .proto text and its references (imports by name) into one root; cached per bundle. */
export function protobufSchema(bundle: SchemaBundle): ProtobufSchema {
  const cached = compiled.get(bundle);
  if (cached) return cached;
  const root = new protobuf.Root();
  const parse = (name: string, text: string) => {
    try {
      return protobuf.parse(text, root, { keepCase: true });
    } catch (error) {
      throw new Error(`${name} does not parse as .proto: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  for (const [name, text] of bundle.files) parse(`import "${name}"`, text);
  // The main file alone, for its message order (the shared root mixes packages of every file).
  const own = protobuf.parse(bundle.schema, new protobuf.Root(), { keepCase: true });
  parse('the schema', bundle.schema);
  try {
    root.resolveAll();
  } catch (error) {
    throw new Error(`the .proto does not resolve: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const ownNamespace = own.package === undefined ? own.root : own.root.lookup(own.package);
  const names = ownNamespace instanceof protobuf.Namespace || ownNamespace instanceof protobuf.Root ? messagesOf(ownNamespace) : [];
  const messages = names.map((type) => root.lookupType(type.fullName));
  if (messages.length === 0) throw new Error('the .proto declares no message');
  const schema = { messages };
  compiled.set(bundle, schema);
  return schema;
}

/** Zig-zag varint at `offset` (Confluent writes the indexes signed), with the offset after it. */
function readVarint(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let result = 0;
  let shift = 0;
  for (let i = offset; i < bytes.length && shift < 35; i++) {
    const byte = bytes[i] ?? 0;
    result |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value: (result >>> 1) ^ -(result & 1), next: i + 1 };
  }
  throw new Error('truncated: the message-index array ends inside a varint');
}

function writeVarint(out: number[], n: number): void {
  let zz = ((n << 1) ^ (n >> 31)) >>> 0;
  while (zz >= 0x80) {
    out.push((zz & 0x7f) | 0x80);
    zz >>>= 7;
  }
  out.push(zz);
}

/** The message a message-index array names; the error says which index does not exist. */
function messageAt(schema: ProtobufSchema, indexes: number[]): protobuf.Type {
  let candidates = schema.messages;
  let type: protobuf.Type | undefined;
  for (const [depth, index] of indexes.entries()) {
    type = candidates[index];
    if (type === undefined) {
      const where = depth === 0 ? 'the schema has' : `${indexes.slice(0, depth).join('.')} has`;
      throw new Error(`wrong message index [${indexes.join(', ')}]: ${where} ${candidates.length} message(s), no index ${index}`);
    }
    candidates = messagesOf(type);
  }
  if (type === undefined) throw new Error('wrong message index: empty array');
  return type;
}

/** The message-index array of a message type of the schema (by its name, short or fully qualified). */
export function messageIndexes(schema: ProtobufSchema, messageName: string): { type: protobuf.Type; indexes: number[] } {
  const wanted = messageName.replace(/^\./, '');
  const search = (types: protobuf.Type[], path: number[]): { type: protobuf.Type; indexes: number[] } | null => {
    for (const [i, type] of types.entries()) {
      const full = type.fullName.replace(/^\./, '');
      if (full === wanted || type.name === wanted) return { type, indexes: [...path, i] };
      const nested = search(messagesOf(type), [...path, i]);
      if (nested) return nested;
    }
    return null;
  };
  const found = search(schema.messages, []);
  if (!found) throw new Error(`no message "${messageName}" in the schema (it has ${schema.messages.map((t) => t.name).join(', ')})`);
  return found;
}

/** The proto3 JSON mapping (int64 as strings, enums by name, bytes as base64), fields as declared, defaults included. */
const JSON_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  arrays: true,
  objects: true,
  json: true,
};

/** The object's keys in the message's declaration order (protobufjs puts repeated fields first), nested messages too. */
function inFieldOrder(type: protobuf.Type, object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!(field.name in object)) continue;
    const value = object[field.name];
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    const order = (v: unknown) =>
      nested !== null && v !== null && typeof v === 'object' ? inFieldOrder(nested, v as Record<string, unknown>) : v;
    out[field.name] = field.repeated && Array.isArray(value) ? value.map(order) : field.map ? value : order(value);
  }
  return out;
}

/** Wire body → the message as JSON text, with the message's full name. */
export function decodeProtobufBody(bundle: SchemaBundle, body: Uint8Array): { json: string; message: string } {
  const schema = protobufSchema(bundle);
  const count = readVarint(body, 0);
  let offset = count.next;
  const indexes: number[] = [];
  if (count.value === 0) indexes.push(0);
  else {
    if (count.value < 0 || count.value > 100) throw new Error(`wrong message index: an array of ${count.value} indexes`);
    for (let i = 0; i < count.value; i++) {
      const index = readVarint(body, offset);
      indexes.push(index.value);
      offset = index.next;
    }
  }
  const type = messageAt(schema, indexes);
  let message: protobuf.Message;
  try {
    message = type.decode(body.subarray(offset));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/index out of range/.test(reason))
      throw new Error(`truncated: the ${body.length - offset} message bytes end inside a field of ${type.name} (${reason})`, {
        cause: error,
      });
    throw new Error(`not a ${type.name} message: ${reason}`, { cause: error });
  }
  return { json: JSON.stringify(inFieldOrder(type, type.toObject(message, JSON_OPTIONS))), message: type.fullName.replace(/^\./, '') };
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

/** Checks a JSON value against a field's scalar/enum/message type, adding what does not fit to `problems`. */
function scalarProblem(field: protobuf.Field, value: unknown, path: string, problems: string[]): void {
  const type = field.type;
  const bad = (expected: string): void => void problems.push(`${path}: ${JSON.stringify(value) ?? 'undefined'} is not ${expected}`);
  if (field.resolvedType instanceof protobuf.Type) {
    if (value === null) return;
    if (typeof value !== 'object' || Array.isArray(value)) return bad(`a ${field.resolvedType.name} object`);
    return objectProblems(field.resolvedType, value as Record<string, unknown>, path, problems);
  }
  if (field.resolvedType instanceof protobuf.Enum) {
    const values = field.resolvedType.values;
    if (typeof value === 'string' ? !(value in values) : !Object.values(values).includes(value as number))
      bad(`one of ${Object.keys(values).join(', ')}`);
    return;
  }
  if (type === 'string') {
    if (typeof value !== 'string') bad('a string');
  } else if (type === 'bool') {
    if (typeof value !== 'boolean') bad('true or false');
  } else if (type === 'double' || type === 'float') {
    if (typeof value !== 'number' && !['NaN', 'Infinity', '-Infinity'].includes(value as string)) bad(`a number (${type})`);
  } else if (type === 'bytes') {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) bad('base64 bytes');
  } else if (INT32.has(type) || UINT32.has(type) || INT64.has(type)) {
    const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : '') : typeof value === 'string' ? value : '';
    if (!/^-?\d+$/.test(text)) return bad(`an integer (${type})`);
    const n = BigInt(text);
    const [min, max] = INT32.has(type)
      ? [-(2n ** 31n), 2n ** 31n - 1n]
      : UINT32.has(type)
        ? [0n, 2n ** 32n - 1n]
        : type.startsWith('u') || type === 'fixed64'
          ? [0n, 2n ** 64n - 1n]
          : [-(2n ** 63n), 2n ** 63n - 1n];
    if (n < min || n > max) bad(`within ${type}`);
  }
}

function objectProblems(type: protobuf.Type, value: Record<string, unknown>, path: string, problems: string[]): void {
  for (const [key, item] of Object.entries(value)) {
    const field = type.fields[key];
    const at = path === '' ? key : `${path}.${key}`;
    if (field === undefined) {
      problems.push(`${at}: ${type.name} has no field "${key}" (it has ${Object.keys(type.fields).join(', ')})`);
      continue;
    }
    if (item === null) continue;
    if (field.repeated) {
      if (!Array.isArray(item)) problems.push(`${at}: ${JSON.stringify(item)} is not a list`);
      else item.forEach((element, i) => scalarProblem(field, element, `${at}[${i}]`, problems));
    } else if (field instanceof protobuf.MapField) {
      if (typeof item !== 'object' || Array.isArray(item)) problems.push(`${at}: ${JSON.stringify(item)} is not a map object`);
      else for (const [k, v] of Object.entries(item as Record<string, unknown>)) scalarProblem(field, v, `${at}.${k}`, problems);
    } else scalarProblem(field, item, at, problems);
  }
}

/** JSON text → wire body (message indexes + message) of `messageName`; the error names every field that does not fit. */
export function encodeProtobufBody(bundle: SchemaBundle, messageName: string | undefined, jsonText: string): Uint8Array {
  const schema = protobufSchema(bundle);
  const first = schema.messages[0];
  const { type, indexes } = messageIndexes(schema, messageName ?? first?.fullName ?? '');
  const value = parseJson(jsonText);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${type.name} needs a JSON object`);
  const problems: string[] = [];
  objectProblems(type, value as Record<string, unknown>, '', problems);
  if (problems.length > 0) throw new Error(`does not fit ${type.name} — ${problems.slice(0, 5).join('; ')}`);
  const header: number[] = [];
  if (indexes.length === 1 && indexes[0] === 0) header.push(0);
  else {
    writeVarint(header, indexes.length);
    for (const index of indexes) writeVarint(header, index);
  }
  const message = type.encode(type.fromObject(value)).finish();
  const out = new Uint8Array(header.length + message.length);
  out.set(header, 0);
  out.set(message, header.length);
  return out;
}
