import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { screenshots as shots } from './serve-fixture.js';
import { registryServe } from './registry-serve.js';

const schema = JSON.stringify({
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'sensor_id', type: 'string' },
    { name: 'temperature', type: 'double' },
  ],
});

const suite = registryServe();

/** The producer form of a new manual producer on a new topic `name`, sending `value` three times, 0.2 s apart. */
async function openManualProducerForm(page: Page, name: string, value: string): Promise<void> {
  await page.goto(`${suite.session.origin}/#/producers`);
  await page.getByTestId('producers-page').waitFor();
  await page.getByRole('button', { name: 'New producer' }).click();
  await page.getByLabel('Producer name').fill(name);
  await page.getByLabel('Topic', { exact: true }).fill(name);
  await page.getByTestId('topic-missing').waitFor();
  await page.getByRole('button', { name: 'Create topic' }).click();
  await page.getByTestId('topic-missing').waitFor({ state: 'detached', timeout: 30_000 });
  await page.getByLabel('Source', { exact: true }).selectOption('manual');
  await page.getByLabel('Value', { exact: true }).fill(value);
  await page.getByLabel('Every (s)').fill('0.2');
  await page.getByLabel('Stop after messages').fill('3');
}

/** Saves the open form, starts the producer and waits until it finished, having sent its three records. */
async function saveAndRunToEnd(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Save producer' }).click();
  const row = page.locator(`[data-testid="producer-row"][data-name="${name}"]`);
  await row.waitFor();
  await page.getByRole('button', { name: `Start ${name}` }).click();
  await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('finished');
  expect(await row.getByTestId('producer-sent').innerText()).toBe('3');
}

describe('registry producers (Avro, Protobuf) in Chromium through serve', () => {
  it('sends Avro from the producer form and shows it decoded as JSON in the message table', async () => {
    const page = await suite.session.newPage();
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
    const name = uniqueName('e2e-avro');

    await openManualProducerForm(page, name, '{"sensor_id":"sensor_avro","temperature":21.5}');
    await page.getByLabel('Serializer').selectOption('avro');
    await expect.poll(() => page.getByLabel('Avro subject').getAttribute('placeholder')).toBe(`${name}-value`);
    expect(await page.getByTestId('avro-no-registry').count()).toBe(0);
    await page.getByLabel('Avro schema').fill(schema);
    await page.screenshot({ path: join(shots, 'producers-avro-form.png'), fullPage: true });
    await saveAndRunToEnd(page, name);

    // The subject holds the schema the producer registered at start.
    const latest = (await (await fetch(`${suite.registry.url}/subjects/${name}-value/versions/latest`)).json()) as {
      id: number;
      schema: string;
    };
    expect(JSON.parse(latest.schema)).toMatchObject({ name: 'Reading' });

    await page.goto(`${suite.session.origin}/#/topics/${name}`);
    await page.getByTestId('topic-detail').waitFor();
    await page.getByRole('tab', { name: 'Messages' }).click();
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('message-row').count(), { timeout: 20_000 }).toBe(3);
    // The row's preview is the decoded record as JSON, not the wire bytes.
    expect(await page.getByTestId('message-row').first().innerText()).toContain('{"sensor_id":"sensor_avro","temperature":21.5}');

    // The topic browser's produce form writes Avro with the subject's latest schema (the producer's).
    await page.getByRole('button', { name: 'Produce…' }).click();
    const form = page.getByRole('form', { name: 'Produce message' });
    await form.getByLabel('Key', { exact: true }).fill('from-form');
    await form.getByLabel('Value encoder').selectOption('avro');
    await form.getByLabel('Value', { exact: true }).fill('{"sensor_id":"sensor_form","temperature":-3.25}');
    await form.getByRole('button', { name: 'Produce' }).click();
    await form.getByRole('status').waitFor();
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('message-row').count(), { timeout: 20_000 }).toBe(4);
    await page.getByTestId('message-row').filter({ hasText: 'from-form' }).click();
    expect(await page.getByTestId('detail-value').innerText()).toBe('{\n  "sensor_id": "sensor_form",\n  "temperature": -3.25\n}');
    await page.getByTestId('message-row').filter({ hasNotText: 'from-form' }).first().click();
    const detail = page.getByTestId('message-detail');
    expect(await page.getByTestId('detail-value').innerText()).toBe('{\n  "sensor_id": "sensor_avro",\n  "temperature": 21.5\n}');
    expect(await detail.innerText()).toMatch(/Value\s+avro/);
    await detail.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'producers-avro-decoded.png') });
    await page.close();
  });

  it('sends Protobuf from the producer form with a pinned version and a message type, shown decoded in the message table', async () => {
    const page = await suite.session.newPage();
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
    const name = uniqueName('e2e-proto');
    // The subject holds the sensors' .proto, registered over the registry's API as another client would.
    const registered = await fetch(`${suite.registry.url}/subjects/${name}-value/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schemaType: 'PROTOBUF', schema: readFileSync(join('test', 'registry', 'sensor.proto'), 'utf8') }),
    });
    expect(registered.status).toBe(200);

    await openManualProducerForm(
      page,
      name,
      '{"timestamp":"2024-01-01T00:00:00Z","sensor_id":"sensor_proto","temperature":21.5,"humidity":40,"pressure":1000}',
    );
    await page.getByLabel('Serializer').selectOption('protobuf');
    await expect.poll(() => page.getByLabel('Protobuf subject').getAttribute('placeholder')).toBe(`${name}-value`);
    const version = page.getByLabel('Schema version', { exact: true });
    await version.fill('first');
    await expect.poll(() => version.getAttribute('aria-invalid')).toBe('true');
    await version.fill('1');
    await expect.poll(() => version.getAttribute('aria-invalid')).toBeNull();
    await page.getByLabel('Message type', { exact: true }).fill('kwb.test.SensorReading');
    await page.screenshot({ path: join(shots, 'producers-protobuf-form.png'), fullPage: true });
    await saveAndRunToEnd(page, name);

    await page.goto(`${suite.session.origin}/#/topics/${name}`);
    await page.getByTestId('topic-detail').waitFor();
    await page.getByRole('tab', { name: 'Messages' }).click();
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('message-row').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.getByTestId('message-row').first().innerText()).toContain('"sensor_id":"sensor_proto","temperature":21.5');
    await page.getByTestId('message-row').first().click();
    const detail = page.getByTestId('message-detail');
    expect(await detail.innerText()).toMatch(/Value\s+protobuf/);
    await detail.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'producers-protobuf-decoded.png') });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(suite.session.problems).toEqual([]);
  });
});
