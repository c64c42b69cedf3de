import { Faker, base, en } from '@faker-js/faker';
import type { z } from 'zod';
import type { randomUsersSourceSchema } from '../../../../shared/producers.js';
import { fetchJson } from './fetch-json.js';
import type { Source, SourceBatch } from './source.js';

export type RandomUsersSettings = z.output<typeof randomUsersSourceSchema>;

/** One randomuser.me user; every field the S2 `users` table reads is here, plus a few the API also sends. */
export interface RandomUser {
  gender: 'male' | 'female';
  name: { title: string; first: string; last: string };
  location: {
    street: { number: number; name: string };
    city: string;
    state: string;
    country: string;
    postcode: string;
    coordinates: { latitude: string; longitude: string };
    timezone: { offset: string; description: string };
  };
  email: string;
  login: { uuid: string; username: string };
  dob: { date: string; age: number };
  registered: { date: string; age: number };
  phone: string;
  cell: string;
  id: { name: string; value: string | null };
  picture: { large: string; medium: string; thumbnail: string };
  nat: string;
}

export interface RandomUserResponse {
  results: RandomUser[];
  info: { seed: string; results: number; page: number; version: string };
}

/** Generates randomuser.me-shaped responses with faker; the same seed gives the same users. */
export class RandomUserGenerator {
  private readonly faker = new Faker({ locale: [en, base] });
  private readonly now: () => number;
  private page = 0;
  private readonly seed: number;

  constructor(seed: number | undefined, now: () => number = Date.now) {
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 31);
    this.faker.seed(this.seed);
    this.now = now;
  }

  user(): RandomUser {
    const f = this.faker;
    const sex = f.helpers.arrayElement(['male', 'female'] as const);
    const first = f.person.firstName(sex);
    const last = f.person.lastName();
    const dob = f.date.birthdate({ mode: 'age', min: 18, max: 80, refDate: this.now() });
    const registered = f.date.past({ years: 20, refDate: this.now() });
    const years = (from: Date) => Math.floor((this.now() - from.getTime()) / (365.25 * 86_400_000));
    const picture = `https://randomuser.me/api/portraits/${sex === 'male' ? 'men' : 'women'}/${f.number.int({ min: 0, max: 99 })}`;
    return {
      gender: sex,
      name: { title: sex === 'male' ? 'Mr' : f.helpers.arrayElement(['Ms', 'Mrs', 'Miss']), first, last },
      location: {
        street: { number: f.number.int({ min: 1, max: 9999 }), name: f.location.street() },
        city: f.location.city(),
        state: f.location.state(),
        country: f.location.country(),
        postcode: f.location.zipCode(),
        coordinates: { latitude: f.location.latitude().toFixed(4), longitude: f.location.longitude().toFixed(4) },
        timezone: { offset: f.helpers.arrayElement(['-5:00', '0:00', '+1:00', '+5:30', '+9:00']), description: f.location.timeZone() },
      },
      email: f.internet.email({ firstName: first, lastName: last }).toLowerCase(),
      login: { uuid: f.string.uuid(), username: f.internet.username({ firstName: first, lastName: last }).toLowerCase() },
      dob: { date: dob.toISOString(), age: years(dob) },
      registered: { date: registered.toISOString(), age: years(registered) },
      phone: f.phone.number(),
      cell: f.phone.number(),
      id: { name: 'SSN', value: f.string.numeric(9) },
      picture: {
        large: `${picture}.jpg`,
        medium: `${picture.replace('/portraits/', '/portraits/med/')}.jpg`,
        thumbnail: `${picture.replace('/portraits/', '/portraits/thumb/')}.jpg`,
      },
      nat: 'US',
    };
  }

  response(): RandomUserResponse {
    this.page++;
    return { results: [this.user()], info: { seed: this.seed.toString(16), results: 1, page: this.page, version: '1.4' } };
  }
}

function isUserResponse(value: unknown): value is RandomUserResponse {
  const results = (value as { results?: unknown } | null)?.results;
  return Array.isArray(results) && results.length > 0 && typeof (results[0] as { email?: unknown }).email === 'string';
}

/** Online calls randomuser.me; offline uses the generator; auto tries online and falls back per call. */
export class RandomUsersSource implements Source {
  readonly selfPaced = false;
  private readonly settings: RandomUsersSettings;
  private readonly generator: RandomUserGenerator;
  private offlineUntil = 0;

  constructor(settings: RandomUsersSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.generator = new RandomUserGenerator(settings.seed, now);
  }

  async next(): Promise<SourceBatch> {
    const { mode, url, timeoutMs } = this.settings;
    if (mode === 'online' || (mode === 'auto' && Date.now() >= this.offlineUntil)) {
      const result = await fetchJson({ url, timeoutMs, retries: 0, backoffMs: 0, maxBytes: 1024 * 1024 });
      if (result.ok && isUserResponse(result.json)) return { records: [result.json], errors: [] };
      const error = result.ok ? `${url} answered JSON that is not the randomuser.me shape` : result.error;
      if (mode === 'online') return { records: [], errors: [error] };
      // Auto: offline for a minute before the API is tried again ("10 requests per run" must not wait 10 timeouts).
      this.offlineUntil = Date.now() + 60_000;
    }
    return { records: [this.generator.response()], errors: [] };
  }
}
