/** Navigation policy for the app window, by parsed URL (never by string prefix). */
export function isAppUrl(candidate: string, appEntry: string): boolean {
  try {
    const url = new URL(candidate);
    const entry = new URL(appEntry);
    return url.protocol === entry.protocol && url.host === entry.host && url.pathname === entry.pathname;
  } catch {
    return false;
  }
}

/** Links a user may open in the system browser: http(s) only. */
export function isExternalWebUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
