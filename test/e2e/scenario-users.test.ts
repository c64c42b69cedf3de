import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { tempDir } from '../helpers.js';
import { duckdb } from '../integration/exports-readers.js';
import { readAll } from '../kafka.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

// docs/STACKS.md S2 as a new user runs it, in Chromium through serve from an empty data folder: the
// Random users recipe (topic random-user, 3 partitions, and its producer) pointed at a loopback
// stand-in of randomuser.me, the 'Random users → table' pipeline preset into the SQLite `users` table
// with `email_domain` derived from `email`, a restart of serve in the middle, the producer stopped
// from the page, then the users table exported from the Exports page and read with DuckDB.

/** The randomuser.me user fields of the 1.4 API (https://randomuser.me/documentation#results). */
interface ApiUser {
  gender: 'male' | 'female';
  name: { title: string; first: string; last: string };
  location: {
    street: { number: number; name: string };
    city: string;
    state: string;
    country: string;
    postcode: string | number;
    coordinates: { latitude: string; longitude: string };
    timezone: { offset: string; description: string };
  };
  email: string;
  login: { uuid: string; username: string; password: string; salt: string; md5: string; sha1: string; sha256: string };
  dob: { date: string; age: number };
  registered: { date: string; age: number };
  phone: string;
  cell: string;
  id: { name: string; value: string | null };
  picture: { large: string; medium: string; thumbnail: string };
  nat: string;
}

const FIRST = ['Jennie', 'Arthur', 'Leila', 'Mateo', 'Aiko', 'Oskar', 'Priya', 'Noah', 'Emma', 'Yusuf'];
const LAST = ['Nichols', 'Fraser', 'Haddad', 'Silva', 'Tanaka', 'Lund', 'Rao', 'Meyer', 'Dubois', 'Kaya'];
// randomuser.me sends example.com only; several domains make the derived column worth checking.
const DOMAINS = ['example.com', 'mail.example.org', 'post.example.net', 'example.co.uk'];
const PLACES = [
  { city: 'Billings', state: 'Michigan', country: 'United States', postcode: 63104 },
  { city: 'Tampere', state: 'Pirkanmaa', country: 'Finland', postcode: 43_290 },
  { city: 'Leeds', state: 'West Yorkshire', country: 'United Kingdom', postcode: 'LS1 4AP' },
  { city: 'Ribeirão Preto', state: 'Paraná', country: 'Brazil', postcode: 50_421 },
] as const;

/** User number `n`, every one different: a fresh login.uuid and a numbered email. */
function apiUser(n: number): ApiUser {
  const gender = n % 2 === 0 ? 'female' : 'male';
  const first = FIRST[n % FIRST.length] ?? 'Jennie';
  const last = LAST[(n * 7) % LAST.length] ?? 'Nichols';
  const place = PLACES[n % PLACES.length] ?? PLACES[0];
  const born = new Date(Date.UTC(1950 + (n % 50), n % 12, 1 + (n % 28), 15, 13, 16, 688));
  const portrait = `${gender === 'male' ? 'men' : 'women'}/${n % 100}.jpg`;
  return {
    gender,
    name: { title: gender === 'male' ? 'Mr' : 'Ms', first, last },
    location: {
      street: { number: 1 + ((n * 37) % 9999), name: `Valwood Pkwy ${n}` },
      ...place,
      coordinates: { latitude: '-69.8246', longitude: '134.8719' },
      timezone: { offset: '+9:30', description: 'Adelaide, Darwin' },
    },
    email: `${first}.${last}.${n}@${DOMAINS[n % DOMAINS.length] ?? 'example.com'}`.toLowerCase(),
    login: { uuid: randomUUID(), username: `user${n}`, password: 'addison', salt: 'sld1yGtd', md5: 'ab54', sha1: 'edcf', sha256: '48df' },
    dob: { date: born.toISOString(), age: new Date().getUTCFullYear() - born.getUTCFullYear() },
    registered: { date: '2007-07-09T05:51:59.390Z', age: 18 },
    phone: `(272) 790-${String(n % 10_000).padStart(4, '0')}`,
    cell: `(489) 330-${String(n % 10_000).padStart(4, '0')}`,
    id: { name: 'SSN', value: `405-88-${String(n % 10_000).padStart(4, '0')}` },
    picture: {
      large: `https://randomuser.me/api/portraits/${portrait}`,
      medium: `https://randomuser.me/api/portraits/med/${portrait}`,
      thumbnail: `https://randomuser.me/api/portraits/thumb/${portrait}`,
    },
    nat: 'US',
  };
}

/** A loopback stand-in of https://randomuser.me/api/: new users on every request, `?results=N` honoured. */
async function randomUserStandIn(port: number) {
  const served = new Map<string, ApiUser>();
  let page = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' || !url.pathname.startsWith('/api')) {
      response.writeHead(404).end();
      return;
    }
    const count = Math.min(5000, Math.max(1, Number(url.searchParams.get('results') ?? '1') || 1));
    const results = Array.from({ length: count }, () => apiUser(served.size + 1));
    for (const user of results) served.set(user.login.uuid, user);
    page += 1;
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify({ results, info: { seed: 'c0ffee', results: count, page, version: '1.4' } }));
  });
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${port}/api/`,
    served,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const shot = (page: Page, step: string) => page.screenshot({ path: join(screenshots, `scenario-users-${step}.png`), fullPage: true });
const bootstrapOf = (line: string) => line.replace(/^.* on /, '');
const PRODUCER = 'Random users';
const PIPELINE = 'Random users → table';

const out = tempDir('scenario-users');
let session: ServeSession | undefined;
let standIn: Awaited<ReturnType<typeof randomUserStandIn>> | undefined;
afterAll(async () => {
  await session?.close();
  await standIn?.close();
  out.remove();
});

describe('scenario S2: random users into the users table with email_domain, across a restart of serve', () => {
  it('writes every user the producer sent exactly once, with email_domain from the email', { timeout: 300_000 }, async () => {
    const [apiPort] = [await findFreePortBlock(1, 43_900, 44_000)];
    standIn = await randomUserStandIn(apiPort);
    session = await startServeSession({ localCluster: true, localPorts: [43_000, 43_900] });
    const s = session;
    let bootstrap = bootstrapOf(await s.waitForOutput(/Started the local cluster on \S+/, 180_000));
    const page = await s.newPage();

    // 1. The recipe creates random-user (3 partitions) and its producer.
    await page.goto(`${s.url}#/producers`);
    await page.getByTestId('producers-page').waitFor();
    // The page is on the cluster serve started, as for a new user.
    await expect.poll(() => page.getByTestId('page-cluster').getAttribute('title')).toBe(bootstrap);
    await page.getByRole('button', { name: PRODUCER, exact: true }).click();
    const producerRow = page.locator(`[data-testid="producer-row"][data-name="${PRODUCER}"]`);
    await producerRow.waitFor({ timeout: 60_000 });
    await shot(page, '1-recipe');

    // 2. The user points it at the API (here the stand-in), online only so every user comes from it,
    //    and runs it every 2 s instead of the DAG's 25 s, still 10 requests per run.
    await page.getByRole('button', { name: `Edit ${PRODUCER}` }).click();
    const form = page.getByRole('form', { name: `Edit producer ${PRODUCER}` });
    expect(await form.getByLabel('Requests per run').inputValue()).toBe('10');
    await form.getByLabel('Mode').selectOption('online');
    await form.getByLabel('API URL').fill(standIn.url);
    await form.getByLabel('Every (s)').fill('2');
    await shot(page, '2-producer-form');
    await form.getByRole('button', { name: 'Save producer' }).click();
    await producerRow.waitFor();
    await page.getByRole('button', { name: `Start ${PRODUCER}` }).click();
    await expect
      .poll(async () => Number(await producerRow.getByTestId('producer-sent').innerText()), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(10);
    await shot(page, '3-producer-running');

    // 3. The S2 preset: random-user → users with the derived email_domain.
    await page.goto(`${s.url}#/pipelines`);
    await page.getByTestId('pipelines-page').waitFor();
    await page.getByRole('button', { name: 'New pipeline' }).click();
    await page.getByRole('button', { name: PIPELINE, exact: true }).click();
    expect(await page.getByLabel('SQLite table').inputValue()).toBe('users');
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    const pipelineRow = page.locator(`[data-testid="pipeline-row"][data-name="${PIPELINE}"]`);
    await pipelineRow.waitFor();
    await page.getByRole('button', { name: `Start ${PIPELINE}` }).click();
    await expect.poll(() => pipelineRow.getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await page.getByRole('button', { name: PIPELINE, exact: true }).click();
    const range = page.getByTestId('results-range');
    const shownTotal = async () => Number(/of (\d+)$/.exec(await range.innerText())?.[1] ?? 0);
    await expect.poll(shownTotal, { timeout: 60_000 }).toBeGreaterThanOrEqual(20);
    // The counters tick once a second: wait for them to show this run's rows before the screenshot.
    const rowsOut = async () => Number(/^\d+/.exec(await page.getByTestId('status-out').innerText())?.[0] ?? 0);
    await expect.poll(rowsOut, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
    await shot(page, '4-pipeline-rows');
    // The users table's 19 columns scroll inside their box; the page does not scroll sideways.
    expect(
      await page.getByRole('main').evaluate((main: { scrollWidth: number; clientWidth: number }) => main.scrollWidth - main.clientWidth),
    ).toBe(0);
    const beforeRestart = await shownTotal();

    // 4. Restart serve while both run: they come back running on the local cluster, started again.
    await s.restart();
    bootstrap = bootstrapOf(await s.waitForOutput(/Started the local cluster again on \S+/, 180_000));
    await page.goto(s.url);
    await page.getByTestId('app-loaded').waitFor();
    await page.goto(`${s.url}#/producers`);
    await expect.poll(() => producerRow.getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    const sentAfterRestart = Number(await producerRow.getByTestId('producer-sent').innerText());
    expect(sentAfterRestart).toBeGreaterThanOrEqual(beforeRestart);
    await shot(page, '5-producer-after-restart');
    await page.goto(`${s.url}#/pipelines`);
    await expect.poll(() => pipelineRow.getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
    await page.getByRole('button', { name: PIPELINE, exact: true }).click();
    await expect.poll(shownTotal, { timeout: 60_000 }).toBeGreaterThanOrEqual(sentAfterRestart + 20);
    await expect.poll(rowsOut, { timeout: 30_000 }).toBeGreaterThan(0);
    await shot(page, '6-pipeline-after-restart');

    // 5. Stop the producer from its page; the pipeline catches up with what the topic holds.
    await page.goto(`${s.url}#/producers`);
    await page.getByRole('button', { name: `Stop ${PRODUCER}` }).click();
    await expect.poll(() => producerRow.getAttribute('data-state'), { timeout: 60_000 }).toBe('stopped');
    const sent = Number(await producerRow.getByTestId('producer-sent').innerText());
    await shot(page, '7-producer-stopped');

    // What the topic holds, read with the test helpers' plain reader of the local cluster.
    const records = await readAll(bootstrap, 'random-user');
    const produced = records.map((r) => (JSON.parse(r.value?.toString() ?? 'null') as { results: ApiUser[] }).results);
    expect(produced.every((results) => results.length === 1)).toBe(true);
    const users = produced.flat();
    const uuids = users.map((u) => u.login.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    // Every user the stand-in served is in the topic, once: none was fetched and dropped at the restart.
    expect(uuids.filter((u) => !standIn?.served.has(u))).toEqual([]);
    expect(standIn.served.size).toBe(records.length);
    expect(new Set(records.map((r) => r.partition))).toEqual(new Set([0, 1, 2]));
    expect(sent).toBe(records.length);
    // The topic browser shows the same: random-user with its 3 partitions and every record.
    await page.goto(`${s.url}#/topics`);
    await page.getByRole('link', { name: 'random-user', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('partitions-table').locator('caption').innerText(), { timeout: 30_000 })
      .toMatch(new RegExp(`^3 partitions · ${records.length} messages`));
    await shot(page, '7b-topic');

    await page.goto(`${s.url}#/pipelines`);
    await page.getByRole('button', { name: PIPELINE, exact: true }).click();
    await expect.poll(shownTotal, { timeout: 60_000 }).toBe(records.length);
    await page.getByRole('button', { name: `Stop ${PIPELINE}` }).click();
    await expect.poll(() => pipelineRow.getAttribute('data-state'), { timeout: 60_000 }).toBe('stopped');
    await shot(page, '8-pipeline-caught-up');
    // Scrolled sideways in its box to the email and email_domain columns.
    const table = page.getByTestId('results-table');
    await table.scrollIntoViewIfNeeded();
    await table.hover();
    await page.mouse.wheel(5000, 0);
    await shot(page, '8b-users-table-email-domain');

    // 6. The users table exported from the Exports page, read with DuckDB.
    await page.goto(`${s.url}#/exports`);
    await page.getByTestId('exports-page').waitFor();
    const exportForm = page.getByRole('form', { name: 'New export' });
    await exportForm.getByLabel('Export').selectOption('table');
    await exportForm.getByLabel('Table').selectOption('users');
    await exportForm.getByLabel('Folder').fill(out.path);
    await exportForm.getByLabel('File name').fill('users');
    await exportForm.getByRole('button', { name: 'Start export' }).click();
    await page.locator('[data-testid="export-history-row"][data-status="done"]').first().waitFor({ timeout: 60_000 });
    await shot(page, '9-export');
    expect(readdirSync(out.path)).toEqual(['users.parquet']);

    const file = join(out.path, 'users.parquet');
    const [summary] = await duckdb(
      `SELECT count(*)::INT AS n, count(DISTINCT uuid)::INT AS uuids, count(DISTINCT id)::INT AS ids,
              count(*) FILTER (WHERE email_domain IS DISTINCT FROM split_part(email, '@', 2))::INT AS wrong_domain
       FROM read_parquet('${file}')`,
    );
    expect(summary).toEqual({ n: records.length, uuids: records.length, ids: records.length, wrong_domain: 0 });
    const rows = (await duckdb(`SELECT uuid, email, email_domain, name_first, postcode, age::INT AS age FROM read_parquet('${file}')`)) as {
      uuid: string;
      email: string;
      email_domain: string;
      name_first: string;
      postcode: string;
      age: number;
    }[];
    const byUuid = new Map(users.map((u) => [u.login.uuid, u]));
    expect(new Set(rows.map((r) => r.uuid))).toEqual(new Set(uuids));
    for (const row of rows) {
      const user = byUuid.get(row.uuid);
      expect({ ...row }).toEqual({
        uuid: user?.login.uuid,
        email: user?.email,
        email_domain: user?.email.split('@')[1],
        name_first: user?.name.first,
        postcode: String(user?.location.postcode),
        age: user?.dob.age,
      });
    }
    const [domains] = await duckdb(`SELECT count(DISTINCT email_domain)::INT AS n FROM read_parquet('${file}')`);
    expect(domains).toEqual({ n: Math.min(DOMAINS.length, records.length) });
    console.log(
      `scenario S2: ${records.length} users produced (${standIn.served.size} served by the stand-in, ${beforeRestart} rows before the restart), ${rows.length} rows in users`,
    );
    await page.close();
    expect(s.problems).toEqual([]);
  });
});
