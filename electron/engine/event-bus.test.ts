import { describe, expect, it } from 'vitest';
import { EventBus } from './event-bus.js';

describe('EventBus', () => {
  it("gives a keyed listener only its key's events, and a listener without a key every event", () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const offA = bus.on('messages:tail', (e) => seen.push(`a:${e.tailId}`), 't1');
    bus.on('messages:tail', (e) => seen.push(`b:${e.tailId}`), 't2');
    bus.on('messages:tail', (e) => seen.push(`all:${e.tailId}`));
    bus.emit('messages:tail', { tailId: 't1', messages: [] });
    bus.emit('messages:tail', { tailId: 't2', messages: [] });
    offA();
    bus.emit('messages:tail', { tailId: 't1', messages: [] });
    expect(seen).toEqual(['all:t1', 'a:t1', 'all:t2', 'b:t2', 'all:t1']);
  });

  it('checks a payload against the contract before anyone gets it', () => {
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.on('messages:tail', (e) => seen.push(e), 't1');
    expect(() => bus.emit('messages:tail', { tailId: 't1' } as never)).toThrow();
    expect(seen).toEqual([]);
  });
});
