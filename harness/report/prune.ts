import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** How many run folders (and --all reports) stay under results/; FSS_KEEP_RESULTS=0 keeps all. */
export function keepResults(): number {
  const v = process.env.FSS_KEEP_RESULTS;
  const n = v === undefined || v === '' ? 50 : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 50;
}

/**
 * Removes the oldest run folders under `root` beyond the newest `keep` (by the run id's time
 * stamp, whatever the scenario), and as many old --all reports. Only folders this harness
 * names are touched; the run that is about to start is not there yet, and runs whose containers
 * still exist (`live`: a --keep sandbox whose key material attendees use) are never removed.
 */
export function pruneResults(root: string, live: Set<string>, keep = keepResults()): string[] {
  if (keep === 0) return [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory());
  } catch {
    return [];
  }
  const byStamp = (re: RegExp) =>
    names
      .map((n) => ({ n, stamp: re.exec(n)?.[1] }))
      .filter((x): x is { n: string; stamp: string } => Boolean(x.stamp) && !live.has(x.stamp as string))
      .sort((a, b) => (a.stamp < b.stamp ? 1 : -1))
      .slice(keep)
      .map((x) => x.n);
  const old = [...byStamp(/-(fss-\d{14}-[0-9a-f]{6})$/), ...byStamp(/^all-(\d{14})$/)];
  for (const n of old) rmSync(join(root, n), { recursive: true, force: true });
  return old;
}
