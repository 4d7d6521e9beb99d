import { readFileSync } from 'node:fs';

/**
 * Which process owns a run, as "<pid>:<start time>". The start time (field 22 of
 * /proc/<pid>/stat, clock ticks since boot) tells a live owner from a later process that got
 * the same pid. Where there is no /proc (macOS, Windows) the start time is "?".
 */
export function ownerToken(pid = process.pid): string {
  return `${pid}:${startTime(pid) ?? '?'}`;
}

/** Field 22 of a /proc/<pid>/stat line; the name (field 2) may hold spaces and parentheses. */
export function parseStartTime(stat: string): string | undefined {
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // `after` starts at field 3.
  const v = after[22 - 3];
  return v && /^\d+$/.test(v) ? v : undefined;
}

function startTime(pid: number): string | undefined {
  try {
    return parseStartTime(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export type OwnerState = 'alive' | 'gone' | 'unknown';

/**
 * Whether the process that labelled a run still runs. Read-only: /proc is looked at, no
 * process is signalled. Without /proc nothing can be told ('unknown').
 */
export function ownerState(token: string, hasProc = procAvailable()): OwnerState {
  if (!hasProc) return 'unknown';
  const [pid, start] = token.split(':');
  if (!/^\d+$/.test(pid ?? '')) return 'gone';
  return startTime(Number(pid)) === start ? 'alive' : 'gone';
}

function procAvailable(): boolean {
  return startTime(process.pid) !== undefined;
}
