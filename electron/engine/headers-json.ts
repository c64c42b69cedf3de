/**
 * Record headers as one JSON object for an export cell. Header names are data, so the object has no
 * prototype: `__proto__`, `constructor` or `toString` become own keys instead of reaching
 * Object.prototype (where `__proto__` would vanish and `constructor` would read as the Object
 * function). A repeated name keeps every value, in wire order, as an array.
 */
export function headersJson(headers: Iterable<{ key: string; value: string | null }>): string {
  const out = Object.create(null) as Record<string, string | null | Array<string | null>>;
  for (const { key, value } of headers) {
    if (!Object.hasOwn(out, key)) out[key] = value;
    else {
      const seen = out[key];
      out[key] = Array.isArray(seen) ? [...seen, value] : [seen ?? null, value];
    }
  }
  return JSON.stringify(out);
}
