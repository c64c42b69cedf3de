/**
 * Open window states one pipeline may hold (groups × windows not yet evicted). Past it the pipeline
 * fails with this error, in words, before the batch is checkpointed — instead of growing until the
 * process runs out of memory. A watermark (which evicts closed windows), a longer slide or fewer
 * groups bring it down.
 */
export const MAX_STATE_ENTRIES = 1_000_000;

export class StateTooLargeError extends Error {
  constructor(entries: number) {
    super(
      `The pipeline's state grew to ${entries.toLocaleString('en-US')} open windows (at most ${MAX_STATE_ENTRIES.toLocaleString('en-US')}): ` +
        'set a watermark delay so closed windows are evicted, lengthen the slide or group by fewer values',
    );
    this.name = 'StateTooLargeError';
  }
}

/** Throws StateTooLargeError when the operator holds more open windows than the limit. */
export function checkStateSize(openWindows: number): void {
  if (openWindows > MAX_STATE_ENTRIES) throw new StateTooLargeError(openWindows);
}
