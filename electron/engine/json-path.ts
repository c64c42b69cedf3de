import { WorkbenchError } from '../../shared/errors.js';

/**
 * A key step reads an object's own property; on an array a key that is a whole number reads that
 * element (the dotted `results.0.email` form). An index step (`[0]`) reads arrays only.
 */
export type JsonPathStep = { kind: 'key'; name: string } | { kind: 'index'; index: number } | { kind: 'all' };

/** A path parsed once, read many times (the pipelines' hot path reads every record through one). */
export interface CompiledJsonPath {
  readonly source: string;
  readonly steps: readonly JsonPathStep[];
  /** The first value the path selects, or undefined. */
  readonly read: (value: unknown) => unknown;
}

const JSONPATH_STEP = /\.([A-Za-z_$][\w$-]*|\d+)|\[(\d+)\]|\[\*\]|\.\*|\['([^']*)'\]|\["([^"]*)"\]/y;
const BRACKETS = /\[(\d+|\*)\]/g;
const INDEX = /^(0|[1-9]\d*)$/;

/**
 * The one JSON path reader of the engine (pipelines' projection, producers' record keys and HTTP
 * sources, the map's coordinates). Deliberately small: nothing a user types is evaluated
 * (docs/GUARANTEES.md; jsonpath libraries with script filters have had code-execution CVEs).
 * - `$` alone is the whole value;
 * - `$`-rooted: `$.a.b`, `$.list[0]`, `$.list[*]`, `$.*`, `$['odd key']`, `$.list.0`;
 * - otherwise a dotted field: `results.0.name.first`, `@timestamp`, `results[0].email`, where a
 *   segment is any text between dots (so keys like `@timestamp` or `page-no` need no quoting),
 *   optionally followed by `[n]` / `[*]`.
 */
export function parseJsonPath(path: string): JsonPathStep[] {
  if (path === '$') return [];
  if (path.trim().startsWith('$')) return parseRooted(path);
  return parseDotted(path);
}

function parseRooted(path: string): JsonPathStep[] {
  const text = path.trim();
  const steps: JsonPathStep[] = [];
  let at = 1;
  while (at < text.length) {
    JSONPATH_STEP.lastIndex = at;
    const match = JSONPATH_STEP.exec(text);
    if (!match)
      throw new WorkbenchError(
        'VALIDATION',
        `JSON path "${path}" is not understood at "${text.slice(at)}"; use $.a.b, $.list[0] or $.list[*]`,
      );
    if (match[1] !== undefined) steps.push({ kind: 'key', name: match[1] });
    else if (match[2] !== undefined) steps.push({ kind: 'index', index: Number(match[2]) });
    else if (match[3] !== undefined) steps.push({ kind: 'key', name: match[3] });
    else if (match[4] !== undefined) steps.push({ kind: 'key', name: match[4] });
    else steps.push({ kind: 'all' });
    at = JSONPATH_STEP.lastIndex;
  }
  return steps;
}

function parseDotted(path: string): JsonPathStep[] {
  const steps: JsonPathStep[] = [];
  for (const segment of path.split('.')) {
    // `name[0][*]`: the key, then its bracket suffixes (only when the brackets end the segment).
    const suffix = /(\[(\d+|\*)\])+$/.exec(segment);
    const name = suffix ? segment.slice(0, suffix.index) : segment;
    if (name !== '' || !suffix) steps.push({ kind: 'key', name });
    for (const [, inner] of suffix ? suffix[0].matchAll(BRACKETS) : []) {
      steps.push(inner === '*' ? { kind: 'all' } : { kind: 'index', index: Number(inner) });
    }
  }
  return steps;
}

function readKey(item: unknown, name: string, index: number | null): unknown {
  if (item === null || typeof item !== 'object') return undefined;
  if (Array.isArray(item)) return index !== null && index < item.length ? (item as unknown[])[index] : undefined;
  return Object.hasOwn(item, name) ? (item as Record<string, unknown>)[name] : undefined;
}

function stepReader(step: Exclude<JsonPathStep, { kind: 'all' }>): (item: unknown) => unknown {
  if (step.kind === 'index') {
    const { index } = step;
    return (item) => (Array.isArray(item) && index < item.length ? (item as unknown[])[index] : undefined);
  }
  const { name } = step;
  const index = INDEX.test(name) ? Number(name) : null;
  return (item) => readKey(item, name, index);
}

/** Compiles a path once: the reader walks the steps with no per-read parsing or allocation. */
export function compileJsonPath(path: string): CompiledJsonPath {
  const steps = parseJsonPath(path);
  if (steps.length === 0) return { source: path, steps, read: (value) => value };
  if (steps.some((s) => s.kind === 'all')) return { source: path, steps, read: (value) => selectSteps(value, steps)[0] };
  const readers = steps.map((s) => stepReader(s as Exclude<JsonPathStep, { kind: 'all' }>));
  const [only] = readers;
  if (readers.length === 1 && only) return { source: path, steps, read: only };
  return {
    source: path,
    steps,
    read: (value) => {
      let current = value;
      for (let i = 0; i < readers.length && current !== undefined; i++) current = readers[i](current);
      return current;
    },
  };
}

/** A step of several paths read together: its reader, the paths that end here, the steps below. */
interface PathNode {
  read: (item: unknown) => unknown;
  ends: number[];
  children: PathNode[];
  /** The children by their step (`k<name>` / `i<index>`), while the tree is built. */
  byStep: Map<string, PathNode>;
}

/**
 * Several paths read at once: `read(value, out)` sets `out[i]` to what `compileJsonPath(paths[i]).read`
 * returns, reading each step the paths share once (a projection's `$.results[0].name.first`,
 * `$.results[0].name.last`… read `results`, `[0]` and `name` once per record: a property read by a
 * name held in a variable is a megamorphic lookup, the projection's main cost).
 */
export function compileJsonPaths(paths: readonly string[]): (value: unknown, out: unknown[]) => void {
  const root: PathNode = { read: (value) => value, ends: [], children: [], byStep: new Map() };
  const alone: { index: number; read: (value: unknown) => unknown }[] = [];
  paths.forEach((path, index) => {
    const compiled = compileJsonPath(path);
    if (compiled.steps.some((s) => s.kind === 'all')) {
      alone.push({ index, read: compiled.read });
      return;
    }
    let node = root;
    for (const step of compiled.steps as Exclude<JsonPathStep, { kind: 'all' }>[]) {
      const key = step.kind === 'key' ? `k${step.name}` : `i${step.index}`;
      let child = node.byStep.get(key);
      if (!child) {
        child = { read: stepReader(step), ends: [], children: [], byStep: new Map() };
        node.byStep.set(key, child);
        node.children.push(child);
      }
      node = child;
    }
    node.ends.push(index);
  });
  const visit = (node: PathNode, item: unknown, out: unknown[]): void => {
    for (const i of node.ends) out[i] = item;
    for (const child of node.children) {
      const value = item === undefined ? undefined : child.read(item);
      visit(child, value, out);
    }
  };
  return (value, out) => {
    visit(root, value, out);
    for (const { index, read } of alone) out[index] = read(value);
  };
}

function selectSteps(value: unknown, steps: readonly JsonPathStep[]): unknown[] {
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    const read = step.kind === 'all' ? null : stepReader(step);
    for (const item of current) {
      if (read) {
        const found = read(item);
        if (found !== undefined) next.push(found);
      } else if (Array.isArray(item)) for (const element of item as unknown[]) next.push(element);
      else if (item !== null && typeof item === 'object') next.push(...Object.values(item as Record<string, unknown>));
    }
    current = next;
  }
  return current;
}

/**
 * Every value a `$`-rooted path selects; a path without `[*]` selects at most one. Missing parts
 * select nothing. Rooted only: where users write a JSONPath (an HTTP source's records path) a bare
 * word is more likely a mistake than a field name.
 */
export function selectJsonPath(value: unknown, path: string): unknown[] {
  if (!path.trim().startsWith('$')) throw new WorkbenchError('VALIDATION', `JSON path "${path}" must start with $`);
  return selectSteps(value, parseJsonPath(path));
}

const compiled = new Map<string, CompiledJsonPath>();
const CACHED = 256;

/**
 * The first value a path selects (undefined when missing): `login.uuid`, `results[0].email`,
 * `$.info`. Callers that read one path per record (record keys, map points) hit a small cache of
 * compiled paths instead of parsing it every time.
 */
export function readJsonPath(value: unknown, path: string): unknown {
  let reader = compiled.get(path);
  if (!reader) {
    reader = compileJsonPath(path);
    if (compiled.size >= CACHED) compiled.clear();
    compiled.set(path, reader);
  }
  return reader.read(value);
}
