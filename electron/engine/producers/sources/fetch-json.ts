import { errorText } from './source.js';

export interface FetchJsonOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** Cut a body larger than this: a runaway response must not fill memory. */
  maxBytes?: number;
}

export type FetchJsonResult = { ok: true; json: unknown } | { ok: false; error: string };

/** One HTTP request answered as parsed JSON, or a one-line error (HTTP status, timeout, invalid JSON). */
async function attempt(options: FetchJsonOptions): Promise<FetchJsonResult & { retriable: boolean }> {
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      ...(options.method === 'POST' && options.body ? { body: options.body } : {}),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, error: `${options.url} did not answer within ${options.timeoutMs} ms`, retriable: true };
    const cause = (error as { cause?: unknown }).cause;
    return { ok: false, error: `${options.url}: ${cause ? errorText(cause) : errorText(error)}`, retriable: true };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, error: `${options.url}: reading the body failed: ${errorText(error)}`, retriable: true };
  }
  if (!response.ok) {
    return { ok: false, error: `${options.url} answered HTTP ${response.status}${text ? `: ${text.slice(0, 120)}` : ''}`, retriable: response.status >= 500 || response.status === 429 };
  }
  if (options.maxBytes !== undefined && text.length > options.maxBytes) {
    return { ok: false, error: `${options.url} answered ${text.length} bytes, more than the ${options.maxBytes} allowed`, retriable: false };
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown, retriable: false };
  } catch {
    return { ok: false, error: `${options.url} answered a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`, retriable: false };
  }
}

/** Retries transport errors, timeouts and 5xx with exponential back-off; an invalid body is not retried. */
export async function fetchJson(options: FetchJsonOptions, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<FetchJsonResult> {
  let last: FetchJsonResult = { ok: false, error: 'no attempt' };
  for (let tries = 0; tries <= options.retries; tries++) {
    if (tries > 0) await sleep(options.backoffMs * 2 ** (tries - 1));
    const result = await attempt(options);
    if (result.ok) return { ok: true, json: result.json };
    last = { ok: false, error: result.error };
    if (!result.retriable) break;
  }
  return last;
}
