import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { screenshots as shots } from './serve-fixture.js';
import { registryServe } from './registry-serve.js';

const avro = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Reading', fields });
const v1 = avro([
  { name: 'sensor_id', type: 'string' },
  { name: 'temperature', type: 'double' },
]);
/** A field with a default: BACKWARD compatible. */
const v2 = avro([
  { name: 'sensor_id', type: 'string' },
  { name: 'temperature', type: 'double' },
  { name: 'unit', type: 'string', default: 'C' },
]);
/** A field without a default: a reader of it cannot read v2 data (not BACKWARD compatible). */
const incompatible = avro([
  { name: 'sensor_id', type: 'string' },
  { name: 'temperature', type: 'double' },
  { name: 'unit', type: 'string', default: 'C' },
  { name: 'site', type: 'string' },
]);
const proto = 'syntax = "proto3";\nmessage Reading {\n  string sensor_id = 1;\n}\n';

async function registerDirectly(subject: string, schemaType: string, schema: string): Promise<void> {
  const response = await fetch(`${suite.registry.url}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema, schemaType }),
  });
  expect(response.status).toBe(200);
}

const subject = uniqueName('e2e-readings-value');
const protoSubject = uniqueName('e2e-proto-value');

const suite = registryServe(async () => {
  await registerDirectly(subject, 'AVRO', v1);
  await registerDirectly(protoSubject, 'PROTOBUF', proto);
});
beforeAll(async () => {
  await suite.session.call('registry:setCompatibility', { connectionId: suite.connectionId, subject, level: 'BACKWARD' });
});

describe('the registry page in Chromium through serve', () => {
  it('browses subjects and versions, registers a compatible version and is refused an incompatible one', async () => {
    const page = await suite.session.newPage();
    await page.setViewportSize({ width: 1280, height: 1300 });
    await page.goto(suite.session.origin);
    await page.getByTestId('app-loaded').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registry' }).click();
    await page.getByTestId('registry-page').waitFor();
    const noSideways = async () =>
      expect(
        await page.getByRole('main').evaluate((main: { scrollWidth: number; clientWidth: number }) => main.scrollWidth - main.clientWidth),
      ).toBe(0);

    /** An element's text, or '' while it is not there (the detail loads after a click). */
    const textOf = (testId: string) =>
      page
        .getByTestId(testId)
        .innerText()
        .catch(() => '');

    // The filter narrows the subjects to the one the test made.
    await page.getByLabel('Filter subjects').fill(protoSubject);
    await expect.poll(() => page.getByTestId('subject-row').count()).toBe(1);
    await page.getByRole('button', { name: protoSubject }).click();
    const detail = page.getByTestId('registry-subject');
    await expect.poll(() => textOf('version-type')).toBe('PROTOBUF');
    expect(await page.getByTestId('version-schema').textContent()).toBe(proto);
    expect(await page.getByTestId('version-references').innerText()).toBe('none');
    await page.screenshot({ path: join(shots, 'registry-protobuf.png'), fullPage: true });

    await page.getByLabel('Filter subjects').fill(subject);
    await page.getByRole('button', { name: subject }).click();
    await expect.poll(() => detail.getAttribute('data-subject')).toBe(subject);
    await expect.poll(() => textOf('version-type')).toBe('AVRO');
    expect(await page.getByLabel('Subject compatibility').inputValue()).toBe('BACKWARD');
    expect(JSON.parse(await page.getByTestId('version-schema').innerText())).toEqual(JSON.parse(v1));

    // A compatible version: the registry's answer first, then Register shows the new version and id.
    const form = page.getByRole('form', { name: 'Register a new version' });
    const register = form.getByRole('button', { name: 'Register' });
    await form.getByLabel('New schema').fill(v2);
    expect(await register.isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Check compatibility' }).click();
    await expect.poll(() => page.getByTestId('compatibility-answer').getAttribute('data-compatible')).toBe('true');
    await page.screenshot({ path: join(shots, 'registry-compatible.png'), fullPage: true });
    await register.click();
    await expect.poll(() => textOf('version-number')).toBe('2');
    const latest = (await (await fetch(`${suite.registry.url}/subjects/${subject}/versions/latest`)).json()) as {
      id: number;
      version: number;
    };
    expect(latest.version).toBe(2);
    expect(await page.getByTestId('version-id').innerText()).toBe(String(latest.id));
    expect(await page.getByRole('group', { name: 'Versions' }).getByRole('button').allInnerTexts()).toEqual(['Version 1', 'Version 2']);

    // Version 1 is still there to read.
    await page.getByRole('button', { name: 'Version 1' }).click();
    await expect.poll(() => textOf('version-number')).toBe('1');
    await page.getByRole('button', { name: 'Version 2' }).click();
    await expect.poll(() => textOf('version-number')).toBe('2');

    // An incompatible version: the registry says no, and Register stays disabled.
    await form.getByLabel('New schema').fill(incompatible);
    await form.getByRole('button', { name: 'Check compatibility' }).click();
    await expect.poll(() => page.getByTestId('compatibility-answer').getAttribute('data-compatible')).toBe('false');
    expect(await page.getByTestId('compatibility-answer').innerText()).toContain('Not compatible with the latest version');
    expect(await register.isDisabled()).toBe(true);
    await noSideways();
    await page.screenshot({ path: join(shots, 'registry-incompatible.png'), fullPage: true });

    // An invalid schema: the registry's refusal in plain words.
    await form.getByLabel('New schema').fill('{"type": "record", "name": ');
    await form.getByRole('button', { name: 'Check compatibility' }).click();
    await expect
      .poll(() =>
        form
          .getByRole('alert')
          .innerText()
          .catch(() => ''),
      )
      .toMatch(/^The schema registry refused the schema as invalid; the registry said: /);
    await noSideways();
    await page.screenshot({ path: join(shots, 'registry-invalid.png'), fullPage: true });
    expect(((await (await fetch(`${suite.registry.url}/subjects/${subject}/versions`)).json()) as number[]).length).toBe(2);
    await page.close();
  });

  it('ran without CSP violations or console errors', () => {
    expect(suite.session.problems).toEqual([]);
  });
});
