import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { createTopic } from '../integration/pipelines-helpers.js';
import { startPostgres, type PostgresServer } from '../postgres-server.js';
import { screenshots, useServeSession } from './serve-fixture.js';

// A database connection and the Random users → PostgreSQL preset driven in Chromium through serve,
// against a real PostgreSQL (test/postgres-server.ts): what the user reads when the password is
// wrong, the host cannot be reached, or an existing table does not match the projection.
const bootstrap = inject('kafkaBootstrap');
const session = useServeSession({ connect: bootstrap });
let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

describe('PostgreSQL as a pipeline sink, in the UI', () => {
  it(
    'tests a database connection with clear messages, and names the mismatched column when the pipeline starts',
    { timeout: 120_000 },
    async () => {
      const page = await session.newPage();
      await page.goto(`${session.url}#/settings`);
      const panel = page.getByTestId('database-connections');
      await panel.getByRole('button', { name: 'Add database connection' }).click();
      const form = page.getByRole('form', { name: 'New database connection' });
      await form.getByLabel('Name', { exact: true }).fill('local postgres');
      await form.getByLabel('Host', { exact: true }).fill(pg.host);
      await form.getByLabel('Port', { exact: true }).fill(String(pg.port));
      await form.getByLabel('Database name').fill(pg.database);
      await form.getByLabel('User', { exact: true }).fill(pg.user);
      await form.getByLabel('Password', { exact: true }).fill('not-the-password');
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect
        .poll(() => form.getByRole('alert').innerText(), { timeout: 30_000 })
        .toBe(`Cannot connect: PostgreSQL at ${pg.host}:${pg.port} refused the password of user ${pg.user} (wrong password)`);
      await form.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'postgres-wrong-password.png'), fullPage: true });

      await form.getByLabel('Password', { exact: true }).fill(pg.password);
      await form.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await form.getByLabel('Port', { exact: true }).fill('1');
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect
        .poll(() => form.getByRole('alert').innerText(), { timeout: 30_000 })
        .toMatch(/^Cannot connect: PostgreSQL at 127\.0\.0\.1:1 cannot be reached: the connection was refused/);
      await page.screenshot({ path: join(screenshots, 'postgres-unreachable.png'), fullPage: true });

      await form.getByLabel('Port', { exact: true }).fill(String(pg.port));
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => form.getByRole('status').innerText(), { timeout: 30_000 }).toMatch(/^Connected in \d+ ms — PostgreSQL 1\d/);
      await form.getByRole('button', { name: 'Save' }).click();
      await panel.getByTestId('database-connection-row').waitFor();

      // An existing table whose age column is text: the pipeline does not start, and says which column and why.
      const table = `users_ui_${Math.random().toString(36).slice(2, 8)}`;
      await pg.psql(`CREATE TABLE ${table} (uuid text PRIMARY KEY, age text)`);
      const topic = uniqueName('random-user-ui');
      await createTopic(bootstrap, topic, 1);
      await page.goto(`${session.url}#/pipelines`);
      await page.getByTestId('pipelines-page').waitFor();
      await page.getByRole('button', { name: 'New pipeline' }).click();
      await page.getByRole('button', { name: 'Random users → PostgreSQL' }).click();
      const database = page.getByRole('group', { name: 'Database' });
      await expect.poll(() => database.getByLabel('Primary key').inputValue()).toBe('uuid');
      const name = uniqueName('Users to PostgreSQL');
      await page.getByLabel('Pipeline name').fill(name);
      await page.getByLabel('Source topics').fill(topic);
      await page.getByLabel('Group id').fill(uniqueName('e2e-users-pg'));
      await database.getByLabel('Table', { exact: true }).fill(table);
      await database.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'postgres-preset-form.png'), fullPage: true });
      await page.getByRole('button', { name: 'Save pipeline' }).click();
      await page.locator(`[data-testid="pipeline-row"][data-name="${name}"]`).waitFor();
      await page.getByRole('button', { name: `Start ${name}` }).click();
      const alert = page
        .getByRole('alert')
        .filter({ hasText: `Table ${table} does not match the pipeline` })
        .first();
      await expect.poll(() => alert.innerText(), { timeout: 30_000 }).toContain('column age is text, the projection needs bigint');
      await alert.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'postgres-wrong-column.png'), fullPage: true });
      await page.close();
    },
  );
});
