import { WorkbenchError } from '../../../shared/errors.js';

type Step = { kind: 'key'; name: string } | { kind: 'index'; index: number } | { kind: 'all' };

/**
 * A deliberately small JSON path: `$`, `.key`, `['key']`, `[n]` and `[*]`. No filters or script
 * expressions: paths come from users and nothing they type is evaluated (RELIABILITY.md; jsonpath
 * libraries with script filters have had code-execution CVEs).
 */
export function parseJsonPath(path: string): Step[] {
  const text = path.trim();
  if (!text.startsWith('$')) throw new WorkbenchError('VALIDATION', `JSON path "${path}" must start with $`);
  const steps: Step[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[\*\]|\.\*|\['([^']*)'\]|\["([^"]*)"\]/y;
  let at = 1;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) throw new WorkbenchError('VALIDATION', `JSON path "${path}" is not understood at "${text.slice(at)}"; use $.a.b, $.list[0] or $.list[*]`);
    if (match[1] !== undefined) steps.push({ kind: 'key', name: match[1] });
    else if (match[2] !== undefined) steps.push({ kind: 'index', index: Number(match[2]) });
    else if (match[3] !== undefined) steps.push({ kind: 'key', name: match[3] });
    else if (match[4] !== undefined) steps.push({ kind: 'key', name: match[4] });
    else steps.push({ kind: 'all' });
    at = pattern.lastIndex;
  }
  return steps;
}

/** Every value the path selects; a path without `[*]` selects at most one. Missing parts select nothing. */
export function selectJsonPath(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const step of parseJsonPath(path)) {
    const next: unknown[] = [];
    for (const item of current) {
      if (step.kind === 'all') {
        if (Array.isArray(item)) for (const element of item as unknown[]) next.push(element);
        else if (item !== null && typeof item === 'object') next.push(...Object.values(item as Record<string, unknown>));
      } else if (step.kind === 'index') {
        if (Array.isArray(item) && step.index < item.length) next.push(item[step.index]);
      } else if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.hasOwn(item, step.name)) {
        next.push((item as Record<string, unknown>)[step.name]);
      }
    }
    current = next;
  }
  return current;
}

/** A dotted field of a record for the key: `sensor_id`, `login.uuid`, `results[0].email` ($ optional). */
export function fieldOf(record: unknown, field: string): unknown {
  const path = field.startsWith('$') ? field : `$.${field}`;
  return selectJsonPath(record, path)[0];
}
