import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/errors.js';
import { FilterTooCostly } from './filter-budget.js';
import { compileFilter, type Predicate, type RawRecord } from './filter.js';

/*
 * Hostile-input property tests for the filter gate: whatever the
 * expression and whatever the record, compiling is refused with a clear VALIDATION error or the
 * evaluation is harmless (a boolean or an Error), the host is never reached (canary, prototypes,
 * process.exit), and every compile/evaluation finishes within a bound.
 */

// Generous: two cores shared by several test runs. Unloaded figures are printed at the end.
const BOUND_MS = 2_500;
const bytes = (text: string) => new TextEncoder().encode(text);
const record = (value: Uint8Array | null, key: Uint8Array | null = bytes('sensor_3')): RawRecord => ({
  partition: 0,
  offset: 7,
  timestamp: 1_700_000_000_000,
  key,
  value,
  headers: [
    { key: 'source', value: bytes('iss') },
    { key: '__proto__', value: bytes('{"polluted":true}') },
  ],
});

const bigArray = `[${Array.from({ length: 200_000 }, (_, i) => i % 10).join(',')}]`;
const deepJson = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const records: RawRecord[] = [
  record(bytes('{"temperature": 31.5, "tags": ["a", "b"], "__proto__": {"polluted": true}, "constructor": {"prototype": 1}}')),
  record(bytes('a'.repeat(40) + '!')),
  record(bytes(bigArray)), // ~400 KB JSON list of 200,000 numbers
  record(bytes('x'.repeat(1_100_000))), // over the 1 MiB input cap
  record(bytes(deepJson)), // 10,000-deep nested lists
  record(new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), // binary, invalid UTF-8
  record(null, null),
];

const hostile = [
  '__proto__',
  'value.__proto__',
  'value.__proto__.polluted == true',
  'value["__proto__"]["polluted"] == true',
  'headers["__proto__"] == "x"',
  'value.constructor',
  'value.constructor.constructor("return process")()',
  'constructor.constructor("return process")()',
  '"".constructor.constructor("return process")().exit()',
  'process.exit()',
  'process.exit(1) || true',
  'globalThis.__kwbCanary = 1',
  'this',
  'this.constructor',
  'require("child_process").execSync("touch /tmp/pwned")',
  'eval("1")',
  'Function("return 1")()',
  'value.toString()',
  'key.valueOf() == "x"',
  'value.map(x, x).size() > 0',
  'value.all(x, value.all(y, x == y))',
  'value.all(x, value.all(y, value.all(z, x == y && y == z)))',
  'value.exists(x, value.exists(y, y == -1))',
  'value.matches("^(a+)+$")',
  'value.matches("(a|a)*$")',
  'value.matches("(x+x+)+y")',
  'value.matches("^(a|aa)+$")',
  'value.matches("(.*)\\\\1")',
  'value.matches(key)',
  'value.matches(".*.*.*.*.*x")',
  'value.matches("^a*a*a*$")',
  'string(value) + string(value) + string(value) + string(value) == ""',
  `[${Array.from({ length: 999 }, () => '1').join(',')}].all(x, x == 1)`,
  `${'('.repeat(10_000)}1${')'.repeat(10_000)}`,
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  `${'{'.repeat(10_000)}${'}'.repeat(10_000)}`,
  `${'!'.repeat(10_000)}true`,
  `${'-'.repeat(10_000)}1 > 0`,
  `key == "${'x'.repeat(1_000_000)}"`,
  'x'.repeat(1_000_000),
  Array.from({ length: 500 }, () => 'value.a').join(' || '),
  `size(value) > 0 ${'&& size(value) > 0 '.repeat(150)}`,
];

const tokens = [
  'value',
  'key',
  'headers',
  'partition',
  'offset',
  'timestamp',
  '__proto__',
  'constructor',
  'prototype',
  'this',
  'process',
  'globalThis',
  'exit',
  'require',
  'eval',
  'Function',
  '.',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '"x"',
  '"return process"',
  '1',
  '1.5',
  '-1',
  '+',
  '*',
  '/',
  '%',
  '==',
  '!=',
  '<',
  '>',
  '&&',
  '||',
  '!',
  '?',
  'in',
  'size',
  'matches',
  'all',
  'exists',
  'map',
  'filter',
  'x',
  'has',
  'dyn',
  'string',
  'int',
  'b"\\x00"',
  'null',
  'true',
  '"(a+)+$"',
  '"\\u0000"',
];
const grammarish = fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 40 }).map((parts) => parts.join(' '));

let slowestCompile = 0;
let slowestEvaluation = 0;
let compiled = 0;
let refused = 0;
let evaluations = 0;

function timed<T>(run: () => T): { result?: T; error?: unknown; ms: number } {
  const started = performance.now();
  try {
    const result = run();
    return { result, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** The property: a clear refusal, or harmless bounded evaluations on every record. */
function exercise(expression: string, on: RawRecord[]): void {
  const compile = timed(() => compileFilter(expression));
  slowestCompile = Math.max(slowestCompile, compile.ms);
  expect(compile.ms, `compiling ${expression.slice(0, 80)}`).toBeLessThan(BOUND_MS);
  if (compile.error !== undefined) {
    refused++;
    expect(compile.error).toBeInstanceOf(WorkbenchError);
    const error = compile.error as WorkbenchError;
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/^(Filter expression: .+|A filter has at most \d+ characters)/);
    return;
  }
  compiled++;
  const predicate = compile.result as Predicate;
  for (const one of on) {
    const run = timed(() => predicate(one));
    evaluations++;
    slowestEvaluation = Math.max(slowestEvaluation, run.ms);
    expect(run.ms, `evaluating ${expression.slice(0, 80)} on a ${String(one.value?.length)}-byte value`).toBeLessThan(BOUND_MS);
    if (run.error === undefined) expect(typeof run.result).toBe('boolean');
    else expect(run.error).toBeInstanceOf(Error);
  }
}

const realExit = process.exit.bind(process);
let exitCalls = 0;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

describe('filter gate under hostile input', () => {
  beforeAll(() => {
    Object.assign(globalThis, { __kwbCanary: 0 });
    // Not a stand-in for a library: it records whether anything reached the host's process.exit.
    process.exit = (code?: number) => {
      exitCalls++;
      throw new Error(`process.exit(${String(code)}) was reached`);
    };
  });

  afterAll(() => {
    process.exit = realExit;
    console.log(
      `filter fuzz: ${compiled} compiled, ${refused} refused, ${evaluations} evaluations; slowest compile ${slowestCompile.toFixed(1)} ms, slowest evaluation ${slowestEvaluation.toFixed(1)} ms (bound ${BOUND_MS} ms)`,
    );
  });

  it('refuses or harmlessly evaluates every hand-written hostile expression, within the bound', () => {
    for (const expression of hostile) exercise(expression, records);
  });

  it('refuses or harmlessly evaluates token soup built from host names and operators', () => {
    fc.assert(
      fc.property(grammarish, (expression) => exercise(expression, records)),
      { numRuns: 150 },
    );
  });

  it('refuses or harmlessly evaluates random strings of any characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (expression) => exercise(expression, records.slice(0, 2))),
      { numRuns: 300 },
    );
  });

  it('bounds evaluations of well-formed expressions over random JSON values', () => {
    const expressions = [
      'value.exists(x, x == 1)',
      'value.all(x, value.exists(y, y == x))',
      'string(value).matches("^[a-z]+[0-9]*$")',
      'size(value) > 3',
      'value.a.b == 1',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...expressions), fc.json({ maxDepth: 6 }), (expression, json) =>
        exercise(expression, [record(bytes(json))]),
      ),
      { numRuns: 200 },
    );
  });

  it('never touched the host: canary, prototypes and process are as they were', () => {
    expect((globalThis as Record<string, unknown>).__kwbCanary).toBe(0);
    expect(exitCalls).toBe(0);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(compiled).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('filter cost limits', () => {
  it('runs matches() on RE2: backtracking shapes are linear, backreferences and lookaround are refused', () => {
    for (const pattern of ['(.*)\\\\1', '(?=a)a']) {
      expect(() => compileFilter(`value.matches("${pattern}")`)).toThrow(/Filter expression: matches\(\): invalid pattern/);
    }
    expect(() => compileFilter('value.matches(key)')).toThrow(/literal pattern/);
    for (const pattern of ['^(a+)+$', '^(a|a)*$', '(x+x+)+y', '^a*a*a*a*a*c']) {
      const started = performance.now();
      expect(compileFilter(`value.matches("${pattern}")`)(record(bytes('a'.repeat(100_000) + '!')))).toBe(false);
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
    }
    expect(compileFilter('value.matches("^a+b$")')(record(bytes('aaab')))).toBe(true);
  });

  it('refuses a third nested loop and too deep brackets at compile time', () => {
    expect(() => compileFilter('value.all(x, value.all(y, value.all(z, x == y)))')).toThrow(/at most 2 nested/);
    expect(() => compileFilter(`${'('.repeat(40)}true${')'.repeat(40)}`)).toThrow(/nest deeper than 32/);
  });

  it('stops an evaluation over its budget as too costly, and runs the same filter on a small record', () => {
    const pairs = compileFilter('value.all(x, value.exists(y, y == x + 1.0))');
    expect(() => pairs(record(bytes(bigArray)))).toThrow(FilterTooCostly);
    expect(pairs(record(bytes('[1, 2, 3]')))).toBe(false);
    expect(compileFilter('value.exists(x, x == 9)')(record(bytes(bigArray)))).toBe(true);
  });

  it('does not hand oversized values to the expression', () => {
    expect(compileFilter('value == null')(record(bytes('y'.repeat(1_100_000))))).toBe(true);
    expect(compileFilter('value == "yy"')(record(bytes('yy')))).toBe(true);
  });
});

describe('filters that build their own data at run time', () => {
  const within = (run: () => unknown): { ms: number; outcome: unknown } => {
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = run();
    } catch (error) {
      outcome = error;
    }
    return { ms: performance.now() - started, outcome };
  };

  it('a backtracking pattern over object keys answers at once (it froze the engine for 90 s)', () => {
    const keyed = record(bytes(JSON.stringify({ ['a'.repeat(400)]: 1 })));
    const { ms, outcome } = within(() => compileFilter('value.exists(k, k.matches("^a*a*a*a*a*c"))')(keyed));
    expect(outcome).toBe(false);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('a backtracking pattern over header names answers at once (22 s before)', () => {
    const headed: RawRecord = { ...record(bytes('1')), headers: [{ key: 'a'.repeat(400), value: null }] };
    const { ms, outcome } = within(() => compileFilter('headers.exists(k, k.matches("^a*a*a*a*a*c"))')(headed));
    expect(outcome).toBe(false);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('lists built by split() inside a loop are stopped by the budget, not by running out of memory', () => {
    const { ms, outcome } = within(() =>
      compileFilter('value.split("").map(x, value.split("")).size() > 0')(record(bytes('ab'.repeat(15_000)))),
    );
    expect(outcome).toBeInstanceOf(FilterTooCostly);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('strings doubled by cel.bind are stopped by the budget', () => {
    const doubling =
      'cel.bind(a, value + value, cel.bind(b, a + a, cel.bind(c, b + b, cel.bind(d, c + c, cel.bind(e, d + d, cel.bind(f, e + e, f + f)))))).size() > 0';
    const { ms, outcome } = within(() => compileFilter(doubling)(record(bytes('"' + 'x'.repeat(500_000) + '"'))));
    expect(outcome).toBeInstanceOf(FilterTooCostly);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(compileFilter(doubling)(record(bytes('"x"')))).toBe(true);
  });
});
