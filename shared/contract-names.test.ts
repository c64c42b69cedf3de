import { describe, expect, it } from 'vitest';
import { eventNames, methodNames } from './contract.js';

/**
 * One naming convention for the contract: `<area>:<name>`, the area a lower-case plural or domain
 * word and the name in camelCase (`topics:addPartitions`, `exports:saveCredentials`,
 * `pipelines:resultsChanged`). Kebab-case names (`exports:credentials-save`) used to sit beside
 * camelCase ones; the IPC channels, the serve socket and the preload all carry these strings.
 */
const NAME = /^[a-z]+:[a-z]+(?:[A-Z][a-z0-9]*)*$/;

describe('contract names', () => {
  it('every method name is <area>:<camelCase>', () => {
    expect(methodNames.filter((name) => !NAME.test(name))).toEqual([]);
  });

  it('every event name is <area>:<camelCase>', () => {
    expect(eventNames.filter((name) => !NAME.test(name))).toEqual([]);
  });
});
