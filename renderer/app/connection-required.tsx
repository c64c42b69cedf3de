import type { ReactNode } from 'react';

/** Pages that act on a cluster: their content with the active connection, or a pointer to choose one. */
export function ConnectionRequired({
  connectionId,
  children,
}: {
  connectionId: string | null;
  children: (connectionId: string) => ReactNode;
}) {
  if (connectionId === null) {
    return (
      <p className="note">
        No active connection. Choose one in the top bar, or set one up on the <a href="#/cluster">Cluster</a> page.
      </p>
    );
  }
  return children(connectionId);
}
