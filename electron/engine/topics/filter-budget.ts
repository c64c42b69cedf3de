import { RE2JS } from 're2js';

/**
 * A run-time budget for one filter evaluation. cel-js has no cost limit of its own (only parse-time
 * structural limits), and no estimate made before evaluating can see what an expression builds
 * while it runs: `value.split("")`, `join`, `cel.bind` doubling a string, loops over map keys. So
 * the parsed expression is metered while it runs (as cel-go's `CostLimit` does at run time,
 * interpreter/runtimecost.go): every AST node evaluated costs a step, every string, list or map it
 * produces costs its size, and the evaluation stops with `FilterTooCostly` once the budget or the
 * deadline is spent. `matches()` runs on RE2JS (linear time, RE2 syntax as the CEL spec says), never
 * on the backtracking JS engine.
 */

/** Steps (and size units) one evaluation may spend: ~a few tens of ms of cel-js, measured. */
export const FILTER_MAX_STEPS = 1_000_000;
/** Wall-clock limit of one evaluation, whatever the steps: the engine must keep answering. */
export const FILTER_MAX_MS = 50;
/** Characters per unit: a native string operation costs far less per character than a step. */
const CHARS_PER_UNIT = 16;
/** Characters per unit for RE2JS: linear, but interpreted JavaScript. */
const REGEX_CHARS_PER_UNIT = 2;
/** An error raised inside the expression (cel-js builds one with a stack per failing element). */
const UNITS_PER_ERROR = 50;
/** Check the clock every this many charges (performance.now() is not free). */
const CLOCK_EVERY = 128;

export class FilterTooCostly extends Error {
  constructor(why: string) {
    super(`Filter too costly for this record (${why}): simplify it or use text search`);
    this.name = 'FilterTooCostly';
  }
}

/**
 * One evaluation's budget. Once spent it stays spent: cel-js catches errors inside `exists`/`all`
 * and `||`/`&&` (CEL's error semantics) and goes on with the next element, so every later step
 * throws the same error again, at once, before running anything.
 */
class Meter {
  private remaining = 0;
  private deadline = 0;
  private countdown = 0;
  private spent: FilterTooCostly | null = null;

  start(): void {
    this.remaining = FILTER_MAX_STEPS;
    this.deadline = performance.now() + FILTER_MAX_MS;
    this.countdown = CLOCK_EVERY;
    this.spent = null;
  }

  /** Throws when spent (a loop's condition asks before each element, outside cel-js's catch). */
  check(): void {
    if (this.spent) throw this.spent;
  }

  charge(units: number): void {
    if (this.spent) throw this.spent;
    this.remaining -= units;
    if (this.remaining < 0) throw (this.spent = new FilterTooCostly(`over ${FILTER_MAX_STEPS.toLocaleString('en-US')} steps`));
    // A large charge (a string or list just built) looks at the clock at once.
    if (--this.countdown <= 0 || units > CLOCK_EVERY) {
      this.countdown = CLOCK_EVERY;
      if (performance.now() > this.deadline) throw (this.spent = new FilterTooCostly(`over ${FILTER_MAX_MS} ms`));
    }
  }
}

/** Units per list element or map entry built (allocation, then the loops that walk it). */
const UNITS_PER_ELEMENT = 4;
/** Nodes that hand on a value that already exists (a variable, a field, an element, a branch): nothing is built. */
const PASS_THROUGH = new Set(['id', 'value', '.', '.?', '[]', '[?]', '?:', '&&', '||', '!_', '==', '!=', '<', '<=', '>', '>=', 'in']);

/** What a node's result costs to have built: its size. */
function sizeUnits(value: unknown): number {
  if (typeof value === 'string') return value.length / CHARS_PER_UNIT;
  if (Array.isArray(value)) return value.length * UNITS_PER_ELEMENT;
  if (value instanceof Map || value instanceof Set) return value.size * UNITS_PER_ELEMENT;
  if (value instanceof Uint8Array) return value.length / CHARS_PER_UNIT;
  return 0;
}

/** cel-js's AST node (parser.js ASTNode): `evaluate(ev, ast, ctx)`, `op`, `args`, `meta`. */
interface CelNode {
  op: string;
  args: unknown;
  meta?: { alternate?: unknown; macro?: unknown };
  evaluate: Evaluate;
}
type Evaluate = (this: CelNode, ev: unknown, ast: CelNode, ctx: unknown) => unknown;

const isNode = (value: unknown): value is CelNode =>
  typeof value === 'object' &&
  value !== null &&
  'op' in value &&
  'args' in value &&
  typeof (value as { evaluate?: unknown }).evaluate === 'function';

/** `x.matches("p")` (rcall) or `matches(x, "p")` (call) with a literal pattern: [subject node, pattern]. */
function matchesCall(node: CelNode): [CelNode, string] | null {
  if ((node.op !== 'rcall' && node.op !== 'call') || !Array.isArray(node.args) || node.args[0] !== 'matches') return null;
  const list: unknown = node.op === 'rcall' ? node.args[2] : node.args[1];
  const items = Array.isArray(list) ? (list as unknown[]) : [];
  const subject: unknown = node.op === 'rcall' ? node.args[1] : items[0];
  const pattern: unknown = node.op === 'rcall' ? items[0] : items[1];
  if (!isNode(subject) || !isNode(pattern) || pattern.op !== 'value' || typeof pattern.args !== 'string') return null;
  return [subject, pattern.args];
}

/** Compiles a `matches()` pattern with RE2 (linear time); throws with RE2's reason when it is not RE2 syntax. */
export function compilePattern(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    throw new Error(`matches(): invalid pattern: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Meters every node of a parsed (and type-checked) cel-js expression. cel-js replaces a node's
 * `evaluate` with its operator's function on first use (and macros with their expansion in
 * `meta`), so each node's `evaluate` becomes an accessor: reads return the metered wrapper, writes
 * swap the function inside it. Returns `evaluate` with a fresh budget for each call.
 */
export function meter<C, T>(ast: unknown, evaluate: (context: C) => T): (context: C) => T {
  const budget = new Meter();
  // One error for every non-string subject: a loop may meet thousands of them.
  const notString = new Error('matches(): needs a string');
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) visit(item);
      return;
    }
    if (!isNode(value)) {
      for (const item of Object.values(value)) visit(item);
      return;
    }
    const node = value;
    let inner: Evaluate = node.evaluate;
    const builds = !PASS_THROUGH.has(node.op);
    const regex = matchesCall(node);
    const compiled = regex === null ? null : compilePattern(regex[1]);
    const metered: Evaluate = function (ev, ast, ctx) {
      budget.charge(1);
      let result: unknown;
      try {
        if (regex !== null && compiled !== null) {
          const subject = regex[0].evaluate(ev, regex[0], ctx);
          if (typeof subject !== 'string') throw notString;
          budget.charge(subject.length / REGEX_CHARS_PER_UNIT);
          return compiled.test(subject);
        }
        result = inner.call(this, ev, ast, ctx);
      } catch (error) {
        // Errors cost too: a loop over a large list may raise one per element.
        if (!(error instanceof FilterTooCostly)) budget.charge(UNITS_PER_ERROR);
        throw error;
      }
      if (builds) budget.charge(sizeUnits(result));
      return result;
    };
    Object.defineProperty(node, 'evaluate', {
      configurable: true,
      get: () => metered,
      set: (next: Evaluate) => {
        inner = next;
      },
    });
    // A loop goes on after an element's error (cel-js `iterateQuantifier`), but asks its
    // `condition` before each element outside the catch: a spent budget ends the loop there.
    if (node.op === 'comprehension' && typeof node.args === 'object' && node.args !== null) {
      const loop = node.args as { condition?: unknown };
      const condition = loop.condition;
      if (typeof condition === 'function') {
        loop.condition = (accu: unknown): unknown => {
          budget.check();
          return (condition as (accu: unknown) => unknown)(accu);
        };
      }
    }
    visit(node.args);
    visit(node.meta?.alternate);
    visit(node.meta?.macro);
  };
  visit(ast);
  return (context) => {
    budget.start();
    return evaluate(context);
  };
}
