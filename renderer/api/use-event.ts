import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { useWorkbench } from './workbench-context.js';

/** Subscribes to an engine event while the component is mounted; the latest `listener` is called. */
export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  const api = useWorkbench();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => api.on(event, (payload) => { latest.current(payload); }), [api, event]);
}
