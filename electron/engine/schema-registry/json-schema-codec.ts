import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaBundle } from './schema-bundle.js';
import { parseJson } from '../../../shared/topic-browser/encoders.js';

/**
 * Confluent's JSON Schema wire body (after magic byte + schema id) is the record's JSON text. Values
 * are checked with Ajv against the registry's schema: draft-07 by default, 2020-12 when the schema's
 * `$schema` says so; a `$ref` to another subject resolves through the schema's references (each
 * registered with Ajv under its reference name).
 */

const compiled = new WeakMap<SchemaBundle, ValidateFunction>();

function parseSchema(name: string, text: string): Record<string, unknown> | boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof value !== 'boolean' && (value === null || typeof value !== 'object' || Array.isArray(value)))
    throw new Error(`${name} is not a JSON Schema (an object or a boolean)`);
  return value as Record<string, unknown> | boolean;
}

/** The compiled validator of a bundle (cached per bundle: registry schemas are immutable per id). */
export function jsonSchemaValidator(bundle: SchemaBundle): ValidateFunction {
  const cached = compiled.get(bundle);
  if (cached) return cached;
  const main = parseSchema('the schema', bundle.schema);
  const draft = typeof main === 'object' && typeof main.$schema === 'string' ? main.$schema : '';
  // strict: false — registry schemas carry annotations Ajv does not know (title, examples, x-…).
  const options = { strict: false, allErrors: true, validateFormats: false };
  const ajv = /2020-12|2019-09/.test(draft) ? new Ajv2020(options) : new Ajv(options);
  let validate: ValidateFunction;
  try {
    for (const [name, text] of bundle.files) ajv.addSchema(parseSchema(`reference "${name}"`, text), name);
    validate = ajv.compile(main);
  } catch (error) {
    throw new Error(`invalid JSON Schema: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  compiled.set(bundle, validate);
  return validate;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => {
      const where = e.instancePath === '' ? '(value)' : e.instancePath.slice(1).replaceAll('/', '.');
      const extra = e.keyword === 'additionalProperties' ? ` ("${String(e.params.additionalProperty)}")` : '';
      return `${where} ${e.message ?? e.keyword}${extra}`;
    })
    .join('; ');
}

/** Parses and validates a value; throws naming the fields that do not fit. */
function checked(bundle: SchemaBundle, text: string): unknown {
  const value = parseJson(text);
  const validate = jsonSchemaValidator(bundle);
  if (!validate(value)) throw new Error(`invalid for its JSON Schema: ${describe(validate.errors)}`);
  return value;
}

/** Wire body → JSON text, validated against the schema. */
export function decodeJsonSchemaBody(bundle: SchemaBundle, body: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (error) {
    throw new Error('not UTF-8 JSON', { cause: error });
  }
  return JSON.stringify(checked(bundle, text));
}

/** JSON text → wire body, validated before it is sent. */
export function encodeJsonSchemaBody(bundle: SchemaBundle, jsonText: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(checked(bundle, jsonText)));
}
