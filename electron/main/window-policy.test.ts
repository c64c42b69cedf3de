import { describe, expect, it } from 'vitest';
import { isAppUrl } from './window-policy.js';

const entry = 'file:///opt/kwb/resources/app.asar/dist/renderer/index.html';

describe('window policy', () => {
  it('allows only the app entry page, whatever the hash or query', () => {
    expect(isAppUrl(`${entry}#/topics`, entry)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', entry)).toBe(false);
    expect(isAppUrl('https://example.com/dist/renderer/index.html', entry)).toBe(false);
    expect(isAppUrl('not a url', entry)).toBe(false);
  });
});
