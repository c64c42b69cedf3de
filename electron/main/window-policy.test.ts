import { describe, expect, it } from 'vitest';
import { isAppUrl, isExternalWebUrl } from './window-policy.js';

const entry = 'file:///opt/kwb/resources/app.asar/dist/renderer/index.html';

describe('window policy', () => {
  it('allows only the app entry page, whatever the hash or query', () => {
    expect(isAppUrl(`${entry}#/topics`, entry)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', entry)).toBe(false);
    expect(isAppUrl('https://example.com/dist/renderer/index.html', entry)).toBe(false);
    expect(isAppUrl('not a url', entry)).toBe(false);
  });

  it('opens only http(s) links outside the app', () => {
    expect(isExternalWebUrl('https://kafka.apache.org/documentation/')).toBe(true);
    expect(isExternalWebUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalWebUrl('javascript:alert(1)')).toBe(false);
    expect(isExternalWebUrl('smb://host/share')).toBe(false);
  });
});
