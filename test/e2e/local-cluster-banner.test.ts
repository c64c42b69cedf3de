import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePortBlock } from '../../electron/engine/cluster/ports.js';
import { screenshots, startServeSession, type ServeSession } from './serve-fixture.js';

// Before, a page whose local-cluster connection did not answer said only that the broker refused the
// connection, with no way to start it there (the fix was under Settings → Local cluster): this test
// found no "Start local cluster" button.
let session: ServeSession;

beforeAll(async () => {
  session = await startServeSession();
});
afterAll(async () => {
  // Never leave a JVM behind, whatever the test reached.
  await session?.call('local:stop').catch(() => undefined);
  await session?.close();
});

describe('a stopped local cluster, on any page', () => {
  it('says the local cluster is not answering and starts it from the page', async () => {
    const port = await findFreePortBlock(2, 31_000, 32_000);
    // The app's own cluster, saved and active as after a first start; then stopped, as after a quit.
    await session.call('local:start', { brokers: 1, port });
    const [local] = (await session.call('connections:list')) as { id: string; local: boolean }[];
    expect(local?.local).toBe(true);
    await session.call('connections:activate', { id: local?.id });
    await session.call('local:stop');
    await session.call('connections:state', { connectionId: local?.id });

    const page = await session.newPage();
    await page.goto(`${session.origin}/#/topics`);
    const banner = page.getByTestId('local-cluster-down');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toContain(`The local cluster (127.0.0.1:${port}) is not answering`);
    await page.screenshot({ path: join(screenshots, 'local-cluster-down.png'), fullPage: true });

    await banner.getByRole('button', { name: 'Start local cluster' }).click();
    await banner.waitFor({ state: 'detached', timeout: 120_000 });
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    const status = (await session.call('local:status')) as { state: string; bootstrapServers: string[] };
    expect(status).toMatchObject({ state: 'running', bootstrapServers: [`127.0.0.1:${port}`] });
    await page.screenshot({ path: join(screenshots, 'local-cluster-started-from-banner.png'), fullPage: true });
    await page.close();
  }, 240_000);

  it('ran without CSP violations or console errors', () => {
    expect(session.problems).toEqual([]);
  });
});
