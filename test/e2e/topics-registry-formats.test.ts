import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readAll, produce, createTopic } from '../kafka.js';
import { tempDir, uniqueName } from '../helpers.js';
import { confluentPeer } from '../registry/confluent-peer.js';
import { malformedRegistryValues } from '../registry/malformed.js';
import { screenshots as shots } from './serve-fixture.js';
import { registryServe } from './registry-serve.js';

const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('e2e-registry-formats');

const reading = {
  sensor: 'sensor_3',
  temperature: 31.25,
  count: '12345678901',
  where: { city: 'Oslo', lat: 59.9, lon: 10.75 },
  tags: ['a', 'b'],
  kind: 'OUTDOOR',
  note: { text: 'hot' },
};

afterAll(() => {
  dir.remove();
});

const suite = registryServe();

describe('Protobuf and JSON Schema records in the topic browser (Chromium through serve)', () => {
  it('shows good records as JSON with their schema, and each malformed one as hex with the reason', async () => {
    const python = confluentPeer(bootstrap, suite.registry.url, dir.path);
    const source = uniqueName('e2e-proto-source');
    const jsonSource = uniqueName('e2e-json-source');
    const topic = uniqueName('e2e-registry');
    for (const t of [source, jsonSource, topic]) await createTopic(bootstrap, t, 1);
    python('produce', source, 'protobuf', [reading]);
    python('produce', jsonSource, 'jsonschema', [{ sensor: 's', temperature: 1, where: { city: 'Oslo', lat: 59.9, lon: 10.75 } }]);
    const good = (await readAll(bootstrap, source))[0]?.value ?? Buffer.alloc(0);
    const jsonGood = (await readAll(bootstrap, jsonSource))[0]?.value ?? Buffer.alloc(0);
    const jsonId = jsonGood.readUInt32BE(1);
    const malformed = malformedRegistryValues(good, jsonId);
    const cases = [
      { key: 'good-protobuf', value: good, reason: null },
      { key: 'good-json', value: jsonGood, reason: null },
      { key: 'unknown-id', value: malformed.unknownId, reason: /schema id 999999999 is not in the registry/ },
      { key: 'wrong-index', value: malformed.wrongIndex, reason: /wrong message index \[7\]/ },
      { key: 'truncated', value: malformed.truncated, reason: /truncated/ },
      { key: 'invalid-json', value: malformed.invalidJson, reason: /invalid for its JSON Schema: temperature must be number/ },
    ];
    await produce(
      bootstrap,
      cases.map((c) => ({ topic, partition: 0, key: Buffer.from(c.key), value: Buffer.from(c.value) })),
    );

    const page = await suite.session.newPage();
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await page.goto(`${suite.session.origin}/#/topics/${topic}`);
    await page.getByTestId('topic-detail').waitFor();
    await page.getByRole('tab', { name: 'Messages' }).click();
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByTestId('message-row').count(), { timeout: 20_000 }).toBe(cases.length);
    const detail = page.getByTestId('message-detail');
    for (const c of cases) {
      await page.getByTestId('message-row').filter({ hasText: c.key }).click();
      await expect.poll(() => detail.innerText()).toContain(c.key);
      const text = await detail.innerText();
      if (c.reason === null) {
        expect(text).not.toMatch(/shown as hex/);
        expect(await page.getByTestId('schema-badge').last().innerText()).toMatch(
          /schema \d+ · .+-value v1 · (PROTOBUF · kwb\.test\.Reading|JSON)/,
        );
      } else {
        expect(text).toMatch(c.reason);
        expect(text).toMatch(/shown as hex/);
        expect(await page.getByTestId('detail-value').innerText()).toMatch(/^00 /);
      }
      await detail.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `registry-formats-${c.key}.png`) });
    }
    expect(await page.getByTestId('detail-value').count()).toBe(1);

    // The produce form: Protobuf with the message type; a wrong field is refused, named.
    await page.getByRole('button', { name: 'Produce…' }).click();
    const form = page.getByRole('form', { name: 'Produce message' });
    await form.getByLabel('Value encoder').selectOption('protobuf');
    await form.getByLabel('Value subject').fill(`${source}-value`);
    await form.getByLabel('Value message type').fill('kwb.test.Reading');
    await form.getByLabel('Value', { exact: true }).fill('{"sensor":"x","temprature":3}');
    await form.getByRole('button', { name: 'Produce' }).click();
    await expect.poll(() => form.innerText(), { timeout: 20_000 }).toMatch(/Reading has no field "temprature"/);
    await page.screenshot({ path: join(shots, 'registry-formats-produce-refused.png'), fullPage: true });
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(suite.session.problems).toEqual([]);
  });
});
