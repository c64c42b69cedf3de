/**
 * State of the link between this UI and the Workbench engine. Under Electron it is always `open`;
 * in `serve` mode it follows the WebSocket: `reconnecting` means the server is unreachable.
 */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ServerLink {
  getState(): LinkState;
  onStateChange(listener: (state: LinkState) => void): () => void;
}

/** The link of a transport that cannot drop (Electron IPC, tests). */
export const alwaysOpenLink: ServerLink = {
  getState: () => 'open',
  onStateChange: () => () => undefined,
};
