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

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

/**
 * The body as text, or null when it is larger than `maxBytes`. Read chunk by chunk and cancelled
 * at the limit: `response.text()` would first hold a runaway body (50 MB, or endless) in memory.
 */
async function readCapped(response: Response, maxBytes: number | undefined): Promise<string | null> {
  if (maxBytes === undefined) return response.text();
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.body) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

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
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, error: `${options.url} did not answer within ${options.timeoutMs} ms`, retriable: true };
    const cause = (error as { cause?: unknown }).cause;
    return { ok: false, error: `${options.url}: ${cause ? errorText(cause) : errorText(error)}`, retriable: true };
  }
  // An error page is only quoted, so a little of it is enough.
  const limit = response.ok ? options.maxBytes : 4096;
  let text: string;
  try {
    const body = await readCapped(response, limit);
    if (body === null && !response.ok) text = '';
    else if (body === null) {
      return {
        ok: false,
        error: `${options.url}: response larger than ${formatLimit(limit ?? 0)}; the rest was not read`,
        retriable: false,
      };
    } else text = body;
  } catch (error) {
    return { ok: false, error: `${options.url}: reading the body failed: ${errorText(error)}`, retriable: true };
  }
  if (!response.ok) {
    return {
      ok: false,
      error: `${options.url} answered HTTP ${response.status}${text ? `: ${text.slice(0, 120)}` : ''}`,
      retriable: response.status >= 500 || response.status === 429,
    };
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown, retriable: false };
  } catch {
    return { ok: false, error: `${options.url} answered a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`, retriable: false };
  }
}

/** Retries transport errors, timeouts and 5xx with exponential back-off; an invalid body is not retried. */
export async function fetchJson(
  options: FetchJsonOptions,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<FetchJsonResult> {
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
