import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveCacheDir, resolveDataDir } from '../paths.js';

// env-paths reads process.env itself, so the XDG cases stub it.
afterEach(() => vi.unstubAllEnvs());

describe('default folders', () => {
  it('takes the data dir from the flag, then KWB_DATA_DIR, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(resolveDataDir('rel/dir', { KWB_DATA_DIR: '/env' })).toBe(resolve('rel/dir'));
    expect(resolveDataDir(undefined, { KWB_DATA_DIR: '/env', XDG_DATA_HOME: '/xdg' })).toBe('/env');
    vi.stubEnv('XDG_DATA_HOME', '/xdg');
    expect(resolveDataDir(undefined, {})).toBe('/xdg/kafka-workbench');
    vi.stubEnv('XDG_DATA_HOME', undefined);
    expect(resolveDataDir(undefined, {})).toBe(join(homedir(), '.local', 'share', 'kafka-workbench'));
  });

  it('takes the cache dir from KWB_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(resolveCacheDir({ KWB_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    vi.stubEnv('XDG_CACHE_HOME', '/x');
    expect(resolveCacheDir({})).toBe('/x/kafka-workbench');
    vi.stubEnv('XDG_CACHE_HOME', undefined);
    expect(resolveCacheDir({})).toBe(join(homedir(), '.cache', 'kafka-workbench'));
  });
});
