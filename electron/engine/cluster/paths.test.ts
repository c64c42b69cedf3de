import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCacheDir, resolveDataDir } from '../paths.js';

describe('default folders', () => {
  it('takes the data dir from the flag, then KWB_DATA_DIR, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(resolveDataDir('rel/dir', { KWB_DATA_DIR: '/env' })).toBe(resolve('rel/dir'));
    expect(resolveDataDir(undefined, { KWB_DATA_DIR: '/env', XDG_DATA_HOME: '/xdg' })).toBe('/env');
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: '/xdg' })).toBe('/xdg/kafka-workbench');
    expect(resolveDataDir(undefined, {})).toBe(join(homedir(), '.local', 'share', 'kafka-workbench'));
  });

  it('takes the cache dir from KWB_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(resolveCacheDir({ KWB_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(resolveCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/kafka-workbench');
    expect(resolveCacheDir({})).toBe(join(homedir(), '.cache', 'kafka-workbench'));
  });
});
