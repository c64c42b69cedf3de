import safeRegex from 'safe-regex2';

/**
 * Bounds on what one filter evaluation may cost. CEL (cel-js) has no run-time cost limit, only
 * parse-time structural ones, and it is not free: comprehensions (`all`, `exists`, `map`, …) loop
 * over the record's data, nested ones multiply, and `matches()` hands a pattern to the backtracking
 * JS regex engine (`value.matches("^(a+)+$")` on 28 characters took 7.6 s in a measurement). So,
 * like cel-go's cost estimator (checker/cost.go) does with size hints, we estimate a worst-case
 * cost from the expression's shape and the actual record's size before evaluating, and refuse the
 * evaluation (an error for that record, never a freeze) when it is over budget.
 */

/** Open brackets deeper than this are refused before the parser sees them (it recurses). */
export const FILTER_MAX_NESTING = 32;
/** `a.all(x, b.exists(y, …))` is 2; a third level is refused (cost grows as size^levels). */
export const FILTER_MAX_COMPREHENSION_NESTING = 2;
/** Keys and values larger than this are not handed to the expression (it sees `null`). */
export const FILTER_MAX_INPUT_BYTES = 1024 * 1024;
/** Estimated steps one evaluation may take (~a few hundred ms of cel-js at worst, measured). */
export const FILTER_MAX_COST = 20_000_000;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap']);
/** Native regex steps are much cheaper than interpreted CEL steps. */
const REGEX_STEP_WEIGHT = 0.1;

export interface FilterShape {
  nodes: number;
  comprehensionDepth: number;
  /** `+` nodes: each may copy a string or list of the record's size. */
  concatenations: number;
  /** Quantifier count of each `matches()` pattern. */
  regexQuantifiers: number[];
  /** Longest string literal: a regex may run over it as well as over the record. */
  longestLiteral: number;
}

export interface InputSize {
  /** List elements and map entries, all levels. */
  elements: number;
  longestString: number;
  stringBytes: number;
}

interface AstNode {
  op: string;
  args: unknown;
}

const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && 'op' in value && 'args' in value;

/** Refuses bracket nesting deeper than the limit, skipping string literals. Throws with the reason. */
export function checkNesting(expression: string): void {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (depth > FILTER_MAX_NESTING) throw new Error(`brackets nest deeper than ${FILTER_MAX_NESTING} levels`);
    } else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
}

/**
 * Patterns `matches()` accepts: a literal, valid, without backreferences or lookaround, without a
 * repeated group that itself repeats or alternates (the shapes that backtrack exponentially, e.g.
 * `(a+)+`, `(a|a)*`), and passing safe-regex2's star-height check. Returns the quantifier count.
 */
export function checkPattern(pattern: string): number {
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new Error(`matches(): invalid pattern: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (/\\[1-9]|\\k</.test(pattern)) throw new Error('matches(): backreferences are not allowed (they can take exponential time)');
  if (/\(\?<?[=!]/.test(pattern)) throw new Error('matches(): lookaround is not allowed (it can take exponential time)');
  const groups: { quantified: boolean; alternates: boolean }[] = [{ quantified: false, alternates: false }];
  let quantifiers = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const top = groups[groups.length - 1];
    if (c === '[') inClass = true;
    else if (c === '(') groups.push({ quantified: false, alternates: false });
    else if (c === '|' && top) top.alternates = true;
    else if (c === ')') {
      const closed = groups.length > 1 ? groups.pop() : undefined;
      const next = pattern[i + 1];
      if (closed && (next === '*' || next === '+' || next === '?' || next === '{') && (closed.quantified || closed.alternates)) {
        throw new Error('matches(): a repeated group may not contain repetition or alternation (e.g. (a+)+, (a|b)*): it can take exponential time');
      }
      if (closed?.quantified && top) top.quantified = true;
    } else if (c === '*' || c === '+' || c === '{' || (c === '?' && pattern[i - 1] !== '(')) {
      quantifiers++;
      for (const group of groups) group.quantified = true;
    }
  }
  if (!safeRegex(pattern)) throw new Error('matches(): this pattern can take exponential time (nested repetition)');
  return quantifiers;
}

/** Walks the parsed AST (cel-js nodes are `{op, args}`), checks it and sums up its shape. */
export function analyse(ast: unknown): FilterShape {
  const shape: FilterShape = { nodes: 0, comprehensionDepth: 0, concatenations: 0, regexQuantifiers: [], longestLiteral: 0 };
  const visit = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth);
      return;
    }
    if (!isNode(value)) return;
    shape.nodes++;
    const { op, args } = value;
    if (op === '+') shape.concatenations++;
    if (op === 'value' && typeof args === 'string') shape.longestLiteral = Math.max(shape.longestLiteral, args.length);
    if ((op === 'rcall' || op === 'call') && Array.isArray(args)) {
      const name = String(args[0]);
      const receiver: unknown = op === 'rcall' ? args[1] : undefined;
      const callArgs: unknown = op === 'rcall' ? args[2] : args[1];
      const list = Array.isArray(callArgs) ? (callArgs as unknown[]) : [];
      if (name === 'matches') {
        const pattern = op === 'rcall' ? list[0] : list[1];
        if (!isNode(pattern) || pattern.op !== 'value' || typeof pattern.args !== 'string') {
          throw new Error('matches() needs a literal pattern in quotes, e.g. key.matches("^sensor_[0-9]+$")');
        }
        shape.regexQuantifiers.push(checkPattern(pattern.args));
      }
      if (COMPREHENSIONS.has(name) && op === 'rcall') {
        const inner = depth + 1;
        if (inner > FILTER_MAX_COMPREHENSION_NESTING) {
          throw new Error(`${name}(): at most ${FILTER_MAX_COMPREHENSION_NESTING} nested all/exists/map/filter (the cost multiplies with each level)`);
        }
        shape.comprehensionDepth = Math.max(shape.comprehensionDepth, inner);
        visit(receiver, depth);
        visit(list, inner);
        return;
      }
      visit(receiver, depth);
      visit(list, depth);
      return;
    }
    visit(args, depth);
  };
  visit(ast, 0);
  return shape;
}

/** True when the cost does not depend on the record (no loops, regexes or concatenation). */
export function isFlat(shape: FilterShape): boolean {
  return shape.comprehensionDepth === 0 && shape.regexQuantifiers.length === 0 && shape.concatenations === 0;
}

/** Sizes of the data an expression sees; iterative, so deeply nested JSON cannot overflow the stack. */
export function measure(values: unknown[]): InputSize {
  const size: InputSize = { elements: 0, longestString: 0, stringBytes: 0 };
  const stack = [...values];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      size.stringBytes += value.length;
      if (value.length > size.longestString) size.longestString = value.length;
    } else if (Array.isArray(value)) {
      size.elements += value.length;
      for (const item of value as unknown[]) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of value instanceof Map ? (value.entries() as MapIterator<[string, unknown]>) : Object.entries(value)) {
        size.elements++;
        size.stringBytes += key.length;
        stack.push(item);
      }
    }
  }
  return size;
}

/**
 * Worst-case steps: loops over every element per level; chained concatenations each copying up to
 * everything built so far (hence squared); regex backtracking ~ length^(quantifiers+1), over the
 * longest string the expression can build.
 */
export function estimateCost(shape: FilterShape, size: InputSize): number {
  const loops = shape.nodes * Math.pow(1 + size.elements, shape.comprehensionDepth);
  const data = size.stringBytes + size.elements + shape.longestLiteral;
  const copies = shape.concatenations * shape.concatenations * data;
  const longest = Math.max(1, shape.concatenations > 0 ? data * (1 + shape.concatenations) : Math.max(size.longestString, shape.longestLiteral));
  const regex = shape.regexQuantifiers.reduce((sum, q) => sum + Math.pow(longest, q + 1) * REGEX_STEP_WEIGHT, 0);
  return loops + copies + regex;
}
