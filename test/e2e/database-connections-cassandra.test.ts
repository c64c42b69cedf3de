import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCqlIndependently, startCassandraServer, type CassandraServer } from '../cassandra-server.js';
import { screenshots, useServeSession } from './serve-fixture.js';

// Settings → Database connections with a Cassandra connection against a real Cassandra 5.0 node:
// "Test connection" says in words what is wrong (wrong password, unreachable host), then connects.
const session = useServeSession();
let server: CassandraServer;

beforeAll(async () => {
  server = await startCassandraServer({ ports: [46_000, 47_000], startTimeoutMs: 170_000 });
  await runCqlIndependently(server, {
    statements: [
      "CREATE KEYSPACE kwb_ui WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      "CREATE ROLE kwb_ui_user WITH PASSWORD = 'ui-secret' AND LOGIN = true",
      'GRANT ALL PERMISSIONS ON KEYSPACE kwb_ui TO kwb_ui_user',
    ],
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('Settings → Database connections: Cassandra in Chromium', () => {
  it('tests a Cassandra connection: wrong password and unreachable host in words, then connected', async () => {
    const page = await session.newPage();
    await page.goto(`${session.origin}/#/settings`);
    await page.getByRole('button', { name: 'Add database connection' }).click();
    const form = page.getByRole('form', { name: 'New database connection' });
    await form.getByLabel('Name', { exact: true }).fill('local cassandra');
    await form.getByLabel('Database', { exact: true }).selectOption('cassandra');
    await form.getByLabel('Host').fill('127.0.0.1');
    await form.getByLabel('Port').fill(String(server.port));
    await form.getByLabel('Keyspace').fill('kwb_ui');
    await form.getByLabel('Local data centre').fill(server.localDataCenter);
    await form.getByLabel('User').fill('kwb_ui_user');
    await form.getByLabel('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form
      .getByText(`Cannot connect: Cassandra at ${server.contactPoint} refused user "kwb_ui_user": wrong user name or password`)
      .waitFor();
    await page.screenshot({ path: join(screenshots, 'database-cassandra-wrong-password.png'), fullPage: true });

    await form.getByLabel('Port').fill('1');
    await form.getByLabel('Password').fill('ui-secret');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.getByText('Cannot connect: Cassandra at 127.0.0.1:1 cannot be reached (connection refused)').waitFor();
    await page.screenshot({ path: join(screenshots, 'database-cassandra-unreachable.png'), fullPage: true });

    await form.getByLabel('Port').fill(String(server.port));
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.getByText(/Connected in \d+ ms — Apache Cassandra 5\.0\.9/).waitFor();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'local cassandra' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'database-cassandra-saved.png'), fullPage: true });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
