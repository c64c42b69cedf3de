import { useCallback, useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { useWorkbench } from './workbench-context.js';

/**
 * Subscribes to an engine event while the component is mounted; the latest `listener` is called.
 * `key` (`keyedEvents` in the contract): only the events of that pipeline, job, tail, scan or watch;
 * null waits until the key is known (nothing is subscribed meanwhile).
 */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void, key?: string | null): void {
  const api = useWorkbench();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    if (key === null) return undefined;
    return api.on(
      event,
      (payload) => {
        latest.current(payload);
      },
      key,
    );
  }, [api, event, key]);
}

/**
 * For work the component starts and whose events it must not miss (a live tail, a scan): returns
 * `follow(key)`, which subscribes to `event` for `key` at once (call it before starting the work
 * under that id) and drops the previous key; `follow(null)` stops. Unsubscribed on unmount.
 */
export function useFollowEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (key: string | null) => void {
  const api = useWorkbench();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  const off = useRef<(() => void) | null>(null);
  useEffect(
    () => () => {
      off.current?.();
      off.current = null;
    },
    [],
  );
  return useCallback(
    (key: string | null) => {
      off.current?.();
      off.current =
        key === null
          ? null
          : api.on(
              event,
              (payload) => {
                latest.current(payload);
              },
              key,
            );
    },
    [api, event],
  );
}
