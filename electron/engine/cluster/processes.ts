import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Signal 0 only asks the kernel whether the pid exists (EPERM: it does, owned by someone else). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A process that exited but was not reaped yet (state Z) still answers signal 0; it is not alive. */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Format: "pid (comm) S …"; comm may contain spaces and parentheses, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * The command line of a running process, or null when it cannot be read. Linux: /proc (arguments
 * split exactly). macOS (and any other Unix): `ps -o command=`, arguments joined by spaces.
 * Windows: Win32_Process.CommandLine through PowerShell (wmic is gone from Windows 11).
 */
export function commandLine(pid: number, platform: NodeJS.Platform = process.platform): string | null {
  try {
    if (platform === 'linux')
      return (
        readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .filter((arg) => arg !== '')
          .join(' ') || null
      );
    if (platform === 'win32') {
      const script = `(Get-CimInstance Win32_Process -Filter "ProcessId=${pid}").CommandLine`;
      return (
        execFileSync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], {
          encoding: 'utf8',
          windowsHide: true,
          timeout: 15_000,
        }).trim() || null
      );
    }
    return (
      execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', timeout: 5_000, windowsHide: true }).trim() || null
    );
  } catch {
    return null;
  }
}

/** pid → properties file, for processes already recognised: a live pid is not reused, so one look suffices. */
const recognised = new Map<number, string>();

/**
 * True when pid is alive and is the JVM of this node. Pids get reused after a reboot or a crash, so
 * on every OS its command line must name the node's server.properties (the last argument of
 * `java … kafka.Kafka <file>`) before we call it ours; a zombie has an empty command line and so
 * counts as gone.
 */
export function isOurProcess(pid: number, propertiesFile: string, platform: NodeJS.Platform = process.platform): boolean {
  if (!isPidAlive(pid)) {
    recognised.delete(pid);
    return false;
  }
  if (recognised.get(pid) === propertiesFile) return true;
  const command = commandLine(pid, platform);
  const ours = command !== null && (command.endsWith(` ${propertiesFile}`) || command.endsWith(` "${propertiesFile}"`));
  if (ours) recognised.set(pid, propertiesFile);
  return ours;
}

const sleep = (ms: number): Promise<void> => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/**
 * Polls until the process is gone (we cannot wait() on a JVM another process started). Called only
 * after `isOurProcess` said the pid is this node's JVM, so it watches the pid itself: an exiting
 * process drops its command line (its memory is released) before it turns zombie, and a check of
 * the command line would call it gone while it still runs (a 3-broker stop returned with a JVM alive).
 */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isPidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM (Kafka shuts down cleanly on it), then SIGKILL after the grace period. */
export async function terminate(pid: number, propertiesFile: string, graceMs: number): Promise<'exited' | 'killed'> {
  if (!isOurProcess(pid, propertiesFile)) return 'exited';
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return 'exited';
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 10_000);
  return 'killed';
}
