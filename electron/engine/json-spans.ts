import { isUtf8 } from 'node:buffer';
import { parseJsonPath, type JsonPathStep } from './json-path.js';

/**
 * What a path found in a JSON text, by kind: its bytes are `[start, end)` of the text (a string's
 * without its quotes; a literal's, number's, object's or array's as written).
 */
export const SPAN = {
  missing: 0,
  /** A string with no escape: its bytes are its UTF-8 text. */
  string: 1,
  /** A string with at least one backslash escape. */
  escaped: 2,
  number: 3,
  true: 4,
  false: 5,
  null: 6,
  object: 7,
  array: 8,
} as const;

/** One step of the paths read together: the paths that end here, and where their steps go next. */
interface SpanNode {
  ends: number[];
  /** Every path that ends at or below this node (cleared when a repeated key is met again). */
  below: number[];
  /** Object keys (UTF-8) → the node of a key step. */
  keys: { name: Uint8Array; node: SpanNode }[];
  /** Array elements → the node of an index step, or of a key step whose name is an index. */
  elements: Map<number, SpanNode>;
}

const INDEX = /^(0|[1-9]\d*)$/;
/** Nesting deeper than this is left to `JSON.parse` (the reader recurses). */
const MAX_DEPTH = 256;

/**
 * Several JSON paths read from a JSON text's bytes in one pass, without building its values: for
 * each path, the kind and byte range of the value it selects — what `compileJsonPath(path).read`
 * would return from `JSON.parse` of the text (own keys, the last of a repeated key, an index key on
 * an array). It is a reader for the hot path of a pipeline whose values leave as bytes (the
 * PostgreSQL COPY text, sinks/postgres/json-copy.ts): `JSON.parse` of a ~1 KB record and its
 * garbage were the largest cost of that path (docs/ARCHITECTURE.md, Path 2), and no maintained
 * library reads selected fields faster in Node.
 *
 * It only ever answers for texts `JSON.parse` accepts (RFC 8259's grammar, with valid UTF-8, as the
 * pipeline's decoder requires); `read` returns false for anything else — and for what it leaves to
 * `JSON.parse` (a byte-order mark, an escaped key, deep nesting) — and the caller then takes the
 * general path, which gives the error or the value.
 */
export class JsonSpanReader {
  /** Per path: kind, start, end. */
  readonly spans: Int32Array;
  private readonly root: SpanNode;
  private readonly count: number;
  /** The open objects and arrays: each one's node (null: not read), kind, first byte and element index. */
  private readonly nodes: (SpanNode | null)[] = new Array<SpanNode | null>(MAX_DEPTH).fill(null);
  private readonly arrays = new Uint8Array(MAX_DEPTH);
  private readonly starts = new Int32Array(MAX_DEPTH);
  private readonly indexes = new Int32Array(MAX_DEPTH);

  /** Null when a path cannot be read this way (`[*]` selects many values). */
  static compile(paths: readonly string[]): JsonSpanReader | null {
    const root = node();
    for (let id = 0; id < paths.length; id++) {
      const steps = parseJsonPath(paths[id] ?? '');
      if (steps.some((s) => s.kind === 'all')) return null;
      let at = root;
      at.below.push(id);
      for (const step of steps as Exclude<JsonPathStep, { kind: 'all' }>[]) {
        const next = child(at, step);
        if (!next) return null;
        at = next;
        at.below.push(id);
      }
      at.ends.push(id);
    }
    return new JsonSpanReader(root, paths.length);
  }

  private constructor(root: SpanNode, count: number) {
    this.root = root;
    this.count = count;
    this.spans = new Int32Array(count * 3);
  }

  /**
   * Reads `b[start, end)`; false when the text is not one `JSON.parse` takes here (see the class).
   * One loop over the bytes with its own stack of open objects and arrays (a call per value cost
   * more than the scanning).
   */
  read(b: Buffer, start: number, end: number): boolean {
    if (!isUtf8(b.subarray(start, end))) return false;
    // A byte-order mark: the UTF-8 decoder drops it; left to the general path.
    if (end - start >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) return false;
    const { spans, nodes, arrays, starts, indexes } = this;
    spans.fill(SPAN.missing, 0, this.count * 3);
    let p = start;
    let depth = 0;
    // The node of the value about to be read (null: only checked), and whether a key comes first.
    let target: SpanNode | null = this.root;
    let key = false;
    for (;;) {
      while (p < end && isSpace(b[p])) p++;
      if (key) {
        // A key: an escaped one would have to be decoded to be compared, so it is left to JSON.parse.
        if (b[p] !== QUOTE) return false;
        const first = ++p;
        while (p < end && b[p] !== QUOTE && b[p] !== BACKSLASH && b[p] >= 0x20) p++;
        if (p >= end || b[p] !== QUOTE) return false;
        const parent = nodes[depth - 1] ?? null;
        target = parent !== null && parent.keys.length > 0 ? matchKey(parent.keys, b, first, p) : null;
        // A repeated key: the last one wins, so what an earlier one found under it is forgotten.
        if (target !== null) for (const id of target.below) spans[id * 3] = SPAN.missing;
        p++;
        while (p < end && isSpace(b[p])) p++;
        if (b[p] !== COLON) return false;
        p++;
        while (p < end && isSpace(b[p])) p++;
        key = false;
      }
      if (p >= end) return false;
      const c = b[p];
      const at = p;
      let kind: number;
      if (c === QUOTE) {
        kind = SPAN.string;
        p++;
        for (;;) {
          if (p >= end) return false;
          const k = b[p];
          if (k === QUOTE) break;
          if (k === BACKSLASH) {
            kind = SPAN.escaped;
            const length = escapeLength(b, p, end);
            if (length === 0) return false;
            p += length;
            continue;
          }
          if (k < 0x20) return false;
          p++;
        }
        p++;
        if (target !== null) mark(spans, target, kind, at + 1, p - 1);
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === MAX_DEPTH) return false;
        const array = c === OPEN_ARRAY;
        nodes[depth] = target;
        arrays[depth] = array ? 1 : 0;
        starts[depth] = at;
        indexes[depth] = 0;
        depth++;
        p++;
        while (p < end && isSpace(b[p])) p++;
        if (b[p] !== (array ? CLOSE_ARRAY : CLOSE_OBJECT)) {
          if (array) target = target !== null && target.elements.size > 0 ? (target.elements.get(0) ?? null) : null;
          else key = true;
          continue;
        }
        // Empty: closed below like any other.
        p = at + 1;
      } else {
        p =
          c === 0x74
            ? literal(b, p, end, TRUE)
            : c === 0x66
              ? literal(b, p, end, FALSE)
              : c === 0x6e
                ? literal(b, p, end, NULL)
                : number(b, p, end);
        if (p < 0) return false;
        if (target !== null)
          mark(spans, target, c === 0x74 ? SPAN.true : c === 0x66 ? SPAN.false : c === 0x6e ? SPAN.null : SPAN.number, at, p);
      }
      // After a value: the next member or element, or the end of its object or array (and so on up).
      for (;;) {
        while (p < end && isSpace(b[p])) p++;
        if (depth === 0) return p === end;
        const d = depth - 1;
        const array = arrays[d] === 1;
        const next = b[p];
        p++;
        if (next === COMMA) {
          if (array) {
            const parent = nodes[d] ?? null;
            const index = ++indexes[d];
            target = parent !== null && parent.elements.size > 0 ? (parent.elements.get(index) ?? null) : null;
          } else key = true;
          break;
        }
        if (next !== (array ? CLOSE_ARRAY : CLOSE_OBJECT)) return false;
        depth--;
        const closed = nodes[d] ?? null;
        if (closed !== null) mark(spans, closed, array ? SPAN.array : SPAN.object, starts[d] ?? 0, p);
      }
    }
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function mark(spans: Int32Array, node: SpanNode, kind: number, start: number, end: number): void {
  for (const id of node.ends) {
    spans[id * 3] = kind;
    spans[id * 3 + 1] = start;
    spans[id * 3 + 2] = end;
  }
}

/** The length of the escape at `p` (`\n`, `\u00e9`…), 0 when it is not one JSON allows. */
function escapeLength(b: Buffer, p: number, end: number): number {
  const e = b[p + 1];
  if (e === 0x75) {
    if (p + 6 > end) return 0;
    for (let i = p + 2; i < p + 6; i++) if (!isHex(b[i])) return 0;
    return 6;
  }
  return e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74 ? 2 : 0;
}

/** Where `word` ends when it is at `p`, else -1. */
function literal(b: Buffer, p: number, end: number, word: Uint8Array): number {
  if (p + word.length > end) return -1;
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word[i]) return -1;
  return p + word.length;
}

/** Where RFC 8259's number at `p` ends (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`), else -1. */
function number(b: Buffer, start: number, end: number): number {
  let p = start;
  if (b[p] === 0x2d) p++;
  if (p >= end) return -1;
  if (b[p] === 0x30) p++;
  else {
    if (!isDigit(b[p])) return -1;
    while (p < end && isDigit(b[p])) p++;
  }
  if (p < end && b[p] === 0x2e) {
    p++;
    if (!isDigit(b[p])) return -1;
    while (p < end && isDigit(b[p])) p++;
  }
  if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
    p++;
    if (b[p] === 0x2b || b[p] === 0x2d) p++;
    if (!isDigit(b[p])) return -1;
    while (p < end && isDigit(b[p])) p++;
  }
  return p;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function node(): SpanNode {
  return { ends: [], below: [], keys: [], elements: new Map() };
}

/**
 * The node of `step` under `at`, made when new. A key step whose name is an index also reads that
 * element of an array (json-path.ts); when an index step reads the same element, the two would need
 * one value read twice — null, and the paths are not read this way.
 */
function child(at: SpanNode, step: Exclude<JsonPathStep, { kind: 'all' }>): SpanNode | null {
  if (step.kind === 'index') {
    const found = at.elements.get(step.index);
    if (found) return at.keys.some((k) => k.node === found) ? null : found;
    const made = node();
    at.elements.set(step.index, made);
    return made;
  }
  const name = Buffer.from(step.name);
  const found = at.keys.find((k) => Buffer.compare(k.name, name) === 0);
  if (found) return found.node;
  const made = node();
  at.keys.push({ name, node: made });
  if (INDEX.test(step.name)) {
    const index = Number(step.name);
    if (at.elements.has(index)) return null;
    at.elements.set(index, made);
  }
  return made;
}

function matchKey(keys: SpanNode['keys'], b: Uint8Array, start: number, end: number): SpanNode | null {
  const length = end - start;
  for (const { name, node: found } of keys) {
    if (name.length !== length) continue;
    let i = 0;
    while (i < length && name[i] === b[start + i]) i++;
    if (i === length) return found;
  }
  return null;
}
