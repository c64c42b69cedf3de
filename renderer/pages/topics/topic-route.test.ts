import { describe, expect, it } from 'vitest';
import { topicFromHash, topicHref } from './topic-route.js';

describe('topic routes', () => {
  it('reads the topic name after #/topics/', () => {
    expect(topicFromHash('#/topics/orders.v1')).toBe('orders.v1');
    expect(topicFromHash('#/topics')).toBeNull();
    expect(topicFromHash('#/topics/')).toBeNull();
    expect(topicFromHash('#/cluster/x')).toBeNull();
    expect(topicFromHash(topicHref('a-b_c'))).toBe('a-b_c');
  });
});
