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
