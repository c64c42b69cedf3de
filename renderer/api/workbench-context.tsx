import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { WorkbenchApi } from '../../shared/rpc.js';
import type { WorkbenchClient } from '../transport/index.js';
import type { LinkState } from '../transport/server-link.js';

const WorkbenchContext = createContext<WorkbenchClient | null>(null);

/** Provides the Workbench API (and its server link) chosen at start-up; tests can pass their own. */
export function WorkbenchProvider({ client, children }: { client: WorkbenchClient; children: ReactNode }) {
  return <WorkbenchContext.Provider value={client}>{children}</WorkbenchContext.Provider>;
}

function useClient(): WorkbenchClient {
  const client = useContext(WorkbenchContext);
  if (client === null) throw new Error('useWorkbench() needs a <WorkbenchProvider> above it');
  return client;
}

export function useWorkbench(): WorkbenchApi {
  return useClient().api;
}

/** Live state of the link to the engine (`reconnecting` = server unreachable). */
export function useServerLinkState(): LinkState {
  const { link } = useClient();
  return useSyncExternalStore(
    (notify) => link.onStateChange(notify),
    () => link.getState(),
  );
}
