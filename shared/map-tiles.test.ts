import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, CONTENT_SECURITY_POLICY } from './csp.js';
import { allowedTileOrigin, cspTileOrigin, tileOrigin } from './map-tiles.js';

const osm = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';

describe('tileOrigin', () => {
  it('is the scheme, host and port of the template; {s} becomes a wildcard subdomain', () => {
    expect(tileOrigin(osm)).toBe('https://tile.openstreetmap.org');
    expect(tileOrigin('https://{s}.basemaps.example.com/{z}/{x}/{y}{r}.png')).toBe('https://*.basemaps.example.com');
    expect(tileOrigin('https://tiles.example.org:8443/v1/{z}/{x}/{y}.png?style=light')).toBe('https://tiles.example.org:8443');
  });

  it.each([
    ['http://tile.openstreetmap.org/{z}/{x}/{y}.png', /must start with https/],
    ['https://tile.openstreetmap.org/{z}/{x}.png', /needs \{y\}/],
    ['https://tile.openstreetmap.org/{z}/{x}/{y}.png?key={apikey}', /unknown placeholder \{apikey\}/],
    ["https://tile.example.org/{z}/{x}/{y}.png; script-src 'unsafe-inline'", /spaces, quotes/],
    ['https://a.{s}.example.org/{z}/{x}/{y}.png', /only as the first part/],
    ['https://user:pw@tile.example.org/{z}/{x}/{y}.png', /user name or password/],
    ['https://tiles/{z}/{x}/{y}.png', /full host name/],
    ['https://*.example.org/{z}/{x}/{y}.png', /invalid host name/],
  ])('refuses %s with a clear error', (template, message) => {
    expect(() => tileOrigin(template)).toThrow(message);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows the tile origin in img-src only when the layer is on', () => {
    expect(allowedTileOrigin({ enabled: false, urlTemplate: osm, attribution: '' })).toBeNull();
    expect(contentSecurityPolicy(allowedTileOrigin({ enabled: false, urlTemplate: osm, attribution: '' }))).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toContain('openstreetmap');
    const on = contentSecurityPolicy(allowedTileOrigin({ enabled: true, urlTemplate: osm, attribution: '© OpenStreetMap' }));
    expect(on).toContain("img-src 'self' data: blob: https://tile.openstreetmap.org;");
    // Only img-src changes: scripts, connections and the rest stay same-origin.
    expect(on.replace(' https://tile.openstreetmap.org', '')).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('cspTileOrigin', () => {
  it('widens img-src only for a valid, enabled layer as the engine sends it', () => {
    expect(cspTileOrigin({ enabled: true, urlTemplate: osm, attribution: '' })).toBe('https://tile.openstreetmap.org');
    expect(cspTileOrigin({ enabled: false, urlTemplate: osm, attribution: '' })).toBeNull();
    expect(cspTileOrigin(null)).toBeNull();
    expect(cspTileOrigin({ enabled: true })).toBeNull();
    // A template tileOrigin refuses widens nothing instead of throwing in the header hook.
    expect(
      cspTileOrigin({
        enabled: true,
        urlTemplate: "https://tile.example.org/{z}/{x}/{y}.png; script-src 'unsafe-inline'",
        attribution: '',
      }),
    ).toBeNull();
  });
});
