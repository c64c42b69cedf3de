/**
 * State of the link between this UI and the Workbench engine. Under Electron it is always `open`;
 * in `serve` mode it follows the WebSocket: `reconnecting` means the server is unreachable;
 * `signed-out` means a server answers at this address but refuses this tab's token (it was
 * restarted: each `serve` run has a new token, SECURITY.md), so reconnecting cannot succeed.
 */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'signed-out' | 'closed';

export interface ServerLink {
  getState(): LinkState;
  onStateChange(listener: (state: LinkState) => void): () => void;
}

/** The link of a transport that cannot drop (Electron IPC, tests). */
export const alwaysOpenLink: ServerLink = {
  getState: () => 'open',
  onStateChange: () => () => undefined,
};
