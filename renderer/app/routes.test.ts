import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './routes.js';

describe('parseRoute', () => {
  it('reads the page from the hash', () => {
    expect(parseRoute('#/topics')).toBe('topics');
    expect(parseRoute('#/settings/connections')).toBe('settings');
    expect(parseRoute(routeHref('map'))).toBe('map');
  });

  it('falls back to the cluster page for an empty or unknown hash', () => {
    expect(parseRoute('')).toBe('cluster');
    expect(parseRoute('#/nope')).toBe('cluster');
  });
});
