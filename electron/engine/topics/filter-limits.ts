import { compilePattern } from './filter-budget.js';

/**
 * Compile-time limits of a filter expression: bracket nesting (the parser recurses), loop nesting,
 * and `matches()` patterns that are literal RE2 patterns. What an evaluation may cost at run time is
 * metered by filter-budget.ts.
 */

/** Open brackets deeper than this are refused before the parser sees them (it recurses). */
export const FILTER_MAX_NESTING = 32;
/** `a.all(x, b.exists(y, …))` is 2; a third level is refused (cost grows as size^levels). */
export const FILTER_MAX_COMPREHENSION_NESTING = 2;
/** Keys and values larger than this are not handed to the expression (it sees `null`). */
export const FILTER_MAX_INPUT_BYTES = 1024 * 1024;
/** Values whose lists and objects nest deeper than this are not handed to the expression either. */
export const FILTER_MAX_DEPTH = 64;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap']);

export interface FilterShape {
  nodes: number;
  comprehensionDepth: number;
  /** `matches()` calls (each with a literal pattern RE2 compiles). */
  regexes: number;
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

/** Walks the parsed AST (cel-js nodes are `{op, args}`), checks it and sums up its shape. */
export function analyse(ast: unknown): FilterShape {
  const shape: FilterShape = { nodes: 0, comprehensionDepth: 0, regexes: 0 };
  const visit = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth);
      return;
    }
    if (!isNode(value)) return;
    shape.nodes++;
    const { op, args } = value;
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
        compilePattern(pattern.args);
        shape.regexes++;
      }
      if (COMPREHENSIONS.has(name) && op === 'rcall') {
        const inner = depth + 1;
        if (inner > FILTER_MAX_COMPREHENSION_NESTING) {
          throw new Error(
            `${name}(): at most ${FILTER_MAX_COMPREHENSION_NESTING} nested all/exists/map/filter (the cost multiplies with each level)`,
          );
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
