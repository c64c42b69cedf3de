import { WorkbenchError } from '../../../shared/errors.js';
import type { RegistryClient, RegistrySchema, SchemaType } from './registry-client.js';

/**
 * A registry schema with every schema it references, transitively: `files` maps the name the
 * schemas use (a Protobuf import path, a JSON Schema `$ref`) to that schema's text.
 */
export interface SchemaBundle {
  schemaType: SchemaType;
  schema: string;
  files: Map<string, string>;
}

/** Protobuf's well-known imports, which protobufjs carries itself (`protobuf.common`). */
const BUILT_IN = /^google\/protobuf\/[a-z_]+\.proto$/;

/** The names a schema text needs from elsewhere: Protobuf imports, JSON Schema `$ref`s to other documents. */
export function namesNeeded(schemaType: SchemaType, text: string): string[] {
  if (schemaType === 'PROTOBUF') {
    return [...text.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm)]
      .map((m) => m[1] ?? '')
      .filter((name) => name !== '' && !BUILT_IN.test(name));
  }
  if (schemaType === 'JSON') {
    const refs = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) refs.add(value.split('#')[0] ?? value);
          else walk(value);
        }
      }
    };
    try {
      walk(JSON.parse(text));
    } catch {
      // not JSON: the codec says so with its own message
    }
    return [...refs].filter((name) => name !== '');
  }
  return [];
}

/**
 * Loads a schema's references (each `{ name, subject, version }`), and theirs, into one bundle.
 * A name the schema needs that the registry listed no reference for is looked up as the subject of
 * that name, latest version: Confluent's default reference subject name strategy registers a
 * reference under its name, and some registries (Apicurio 2.1's ccompat API) accept references on
 * register but do not return them by id.
 */
export async function loadBundle(client: RegistryClient, root: RegistrySchema): Promise<SchemaBundle> {
  const files = new Map<string, string>();
  const visit = async (schema: RegistrySchema, depth: number): Promise<void> => {
    if (depth > 32) throw new WorkbenchError('VALIDATION', 'schema references nest deeper than 32 levels (a cycle?)');
    const listed = new Map(schema.references.map((r) => [r.name, r]));
    for (const name of namesNeeded(schema.schemaType, schema.schema))
      if (!listed.has(name)) listed.set(name, { name, subject: name, version: -1 });
    for (const reference of listed.values()) {
      if (files.has(reference.name)) continue;
      let referenced: RegistrySchema;
      try {
        referenced = await client.subjectVersion(reference.subject, reference.version === -1 ? 'latest' : reference.version);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new WorkbenchError(
          'VALIDATION',
          `reference "${reference.name}" (subject "${reference.subject}") is not in the registry: ${why}`,
        );
      }
      files.set(reference.name, referenced.schema);
      await visit(referenced, depth + 1);
    }
  };
  await visit(root, 0);
  return { schemaType: root.schemaType, schema: root.schema, files };
}
