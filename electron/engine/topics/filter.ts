import { Environment } from '@marcbachmann/cel-js';
import { WorkbenchError } from '../../../shared/errors.js';
import { FILTER_MAX_LENGTH, type KafkaMessage } from '../../../shared/topic-browser.js';
import { decodeBytes, decodeValue } from '../../../shared/topic-browser/decoders.js';
import { fromBase64 } from '../../../shared/topic-browser/bytes.js';
import { FilterTooCostly, meter } from './filter-budget.js';
import { analyse, checkNesting, FILTER_MAX_DEPTH, FILTER_MAX_INPUT_BYTES } from './filter-limits.js';

/**
 * The one gate every filter expression goes through (preview check, scan). CEL
 * (@marcbachmann/cel-js) is a non-Turing-complete language with no access to the host: only the
 * declared variables exist, no functions are registered, and the data handed in is plain (strings,
 * numbers, arrays, plain objects) — never eval/Function (docs/GUARANTEES.md and SECURITY.md; kafka-ui CVE-2023-52251).
 * Time and memory are bounded too: nesting, loop depth and `matches()` patterns are checked at
 * compile time (filter-limits.ts), and every evaluation runs metered (filter-budget.ts: a step and
 * size budget and a deadline, regexes on linear-time RE2) — so a hostile filter costs a "too
 * costly" record, never a freeze or an out-of-memory crash.
 */
const environment = new Environment({
  unlistedVariablesAreDyn: false,
  limits: { maxAstNodes: 2_000, maxDepth: 50, maxListElements: 1_000, maxMapEntries: 1_000, maxCallArguments: 8 },
})
  .registerVariable('key', 'dyn')
  .registerVariable('value', 'dyn')
  .registerVariable('headers', 'map')
  .registerVariable('partition', 'int')
  .registerVariable('offset', 'int')
  .registerVariable('timestamp', 'int');

/** A record as read from Kafka, before it is turned into the wire form (only matches are). */
export interface RawRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: { key: string; value: Uint8Array | null }[];
}

export type Predicate = (record: RawRecord) => boolean;

export function rawFromMessage(message: KafkaMessage): RawRecord {
  return {
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key === null ? null : fromBase64(message.key.base64),
    value: message.value === null ? null : fromBase64(message.value.base64),
    headers: message.headers.map((h) => ({ key: h.key, value: h.value === null ? null : fromBase64(h.value.base64) })),
  };
}

/** Whether lists and objects nest deeper than `limit`; iterative, so any depth is safe to ask about. */
function nestsDeeperThan(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limit) return true;
    for (const item of Array.isArray(value) ? (value as unknown[]) : Object.values(value)) stack.push([item, depth + 1]);
  }
  return false;
}

/** Plain data a filter sees; `value` (and `key`) are parsed JSON when they are JSON, else strings. */
export function filterContext(message: RawRecord): Record<string, unknown> {
  const field = (bytes: Uint8Array | null): unknown => {
    // Oversized payloads are not parsed for filters (bounded time and memory); text search still sees them.
    if (bytes === null || bytes.length > FILTER_MAX_INPUT_BYTES) return null;
    const value = decodeValue(bytes);
    // Nor is data nested deeper than the limit: cel-js recurses through it (type names in its
    // errors grow with the square of the depth: 3,000 levels took 0.8 s).
    return nestsDeeperThan(value, FILTER_MAX_DEPTH) ? null : value;
  };
  // A Map, not an object: header names are data (`__proto__`, `constructor`); the last of a repeated name wins.
  const headers = new Map<string, string>();
  for (const header of message.headers) {
    headers.set(
      header.key,
      header.value === null || header.value.length > FILTER_MAX_INPUT_BYTES ? '' : decodeBytes(header.value, 'string').text,
    );
  }
  return {
    key: field(message.key),
    value: field(message.value),
    headers,
    partition: BigInt(message.partition),
    offset: BigInt(message.offset),
    timestamp: BigInt(Math.trunc(message.timestamp)),
  };
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'invalid expression';
}

/** Characters of the expression shown on each side of an error's position. */
const AROUND = 24;

/**
 * Where a parse or type error is: cel-js puts the offending node (with its `pos`, a character offset)
 * on its errors and draws a caret under a multi-line copy of the source; we say line and column and
 * mark the spot with ‸ in a one-line fragment, so the message reads in a single line of the UI.
 */
function located(error: unknown, expression: string): string {
  const text = reason(error);
  const pos = (error as { node?: { pos?: unknown } } | null)?.node?.pos;
  if (typeof pos !== 'number' || pos < 0 || pos > expression.length) return text;
  const before = expression.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - (before.lastIndexOf('\n') + 1) + 1;
  const start = Math.max(0, pos - AROUND);
  const end = Math.min(expression.length, pos + AROUND);
  const fragment =
    `${start > 0 ? '…' : ''}${expression.slice(start, pos)}‸${expression.slice(pos, end)}${end < expression.length ? '…' : ''}`.replace(
      /\s+/g,
      ' ',
    );
  return `${text} at ${line > 1 ? `line ${line}, ` : ''}column ${column}: ${fragment}`;
}

/** Parses and type-checks; throws a VALIDATION WorkbenchError with the parser's words. */
export function compileFilter(expression: string): Predicate {
  if (expression.length > FILTER_MAX_LENGTH) {
    throw new WorkbenchError('VALIDATION', `A filter has at most ${FILTER_MAX_LENGTH} characters (this one has ${expression.length})`);
  }
  let metered: (context: Record<string, unknown>) => unknown;
  try {
    checkNesting(expression);
    const parsed = environment.parse(expression);
    analyse(parsed.ast);
    const checked = parsed.check();
    if (!checked.valid) throw checked.error ?? new Error('type check failed');
    if (checked.type !== 'bool' && checked.type !== 'dyn')
      throw new Error(`a filter must be true or false, this one is ${checked.type ?? 'unknown'}`);
    metered = meter(parsed.ast, (context: Record<string, unknown>) => parsed(context) as unknown);
  } catch (error) {
    throw new WorkbenchError('VALIDATION', `Filter expression: ${located(error, expression)}`);
  }
  return (message) => metered(filterContext(message)) === true;
}

/** True when an evaluation was stopped by its budget (counted apart from records the filter cannot read). */
export function isTooCostly(error: unknown): boolean {
  return error instanceof FilterTooCostly;
}

/** For the form: null when the expression is usable, else why not. */
export function checkFilter(expression: string): string | null {
  try {
    compileFilter(expression);
    return null;
  } catch (error) {
    return reason(error);
  }
}
