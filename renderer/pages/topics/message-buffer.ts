/**
 * Rows the message table keeps in memory (live tail); older ones drop off and the caption says so.
 * The table is virtualised, so this bounds memory, not rendering. Plain .ts (no JSX) so Node-side
 * tests can import it.
 */
export const MESSAGE_BUFFER_CAP = 100_000;
