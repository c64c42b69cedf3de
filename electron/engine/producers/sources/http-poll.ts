import type { z } from 'zod';
import type { httpSourceSchema } from '../../../../shared/producers.js';
import { selectJsonPath } from '../../json-path.js';
import { fetchJson } from './fetch-json.js';
import { errorText, type Source, type SourceBatch } from './source.js';

export type HttpSettings = z.output<typeof httpSourceSchema>;

/** Polls a URL; the JSON path picks the records. HTTP errors and non-JSON bodies are errors, never data. */
export class HttpPollSource implements Source {
  readonly selfPaced = false;
  private readonly settings: HttpSettings;

  constructor(settings: HttpSettings) {
    this.settings = settings;
  }

  async next(): Promise<SourceBatch> {
    const s = this.settings;
    const result = await fetchJson({
      url: s.url,
      method: s.method,
      headers: Object.fromEntries(s.headers.map((h) => [h.name, h.value])),
      body: s.body,
      timeoutMs: s.timeoutMs,
      retries: s.retries,
      backoffMs: s.backoffMs,
      maxBytes: 16 * 1024 * 1024,
    });
    if (!result.ok) return { records: [], errors: [result.error] };
    try {
      const records = selectJsonPath(result.json, s.recordsPath);
      if (records.length === 0) return { records: [], errors: [`${s.url}: the path ${s.recordsPath} selected nothing in the response`] };
      return { records, errors: [] };
    } catch (error) {
      return { records: [], errors: [errorText(error)] };
    }
  }
}
