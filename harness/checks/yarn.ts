import { createHash } from 'node:crypto';
import { expectedSums } from '../runtime/flink-cluster';
import { NodeHandle } from '../runtime/node';
import { CheckResult, verdict } from './model';

/** A NodeManager's local folder (yarn.nodemanager.local-dirs): caches and containers' working folders. */
export const NM_LOCAL = '/var/lib/hadoop/nm-local';
/** Where a NodeManager keeps a running container's working folder and its logs. */
export const containerDir = (app: string, container: string) => `${NM_LOCAL}/usercache/flink/appcache/${app}/${container}`;
export const containerLogDir = (app: string, container: string) => `/var/lib/hadoop/nm-logs/${app}/${container}`;
/** YARN names the application master's container (Flink's JobManager) …_01_000001. */
export const amContainer = (app: string) => `container_${app.replace(/^application_/, '')}_01_000001`;

export interface FlinkContainer {
  role: 'JobManager' | 'TaskManager';
  id: string;
  host: string;
  nm: NodeHandle;
}

export interface LocalizedFile {
  name: string;
  sha256: string;
  mode: string;
  owner: string;
  /** Where the link in the working folder points (YARN's file cache). */
  target: string;
}

/** Parses "sha256  path" and "mode owner target path" lines printed by the localization probe. */
export function parseLocalized(out: string): LocalizedFile[] {
  const files = new Map<string, Partial<LocalizedFile>>();
  for (const line of out.split('\n')) {
    let m = /^SHA ([0-9a-f]{64})\s+.*\/([^/]+)$/.exec(line);
    if (m) files.set(m[2], { ...files.get(m[2]), name: m[2], sha256: m[1] });
    m = /^STAT (\d+) (\S+) (\S+) .*\/([^/]+)$/.exec(line);
    if (m) files.set(m[4], { ...files.get(m[4]), name: m[4], mode: m[1], owner: m[2], target: m[3] });
  }
  return [...files.values()].filter((f): f is LocalizedFile => !!f.name && !!f.sha256 && !!f.mode);
}

/** What one YARN container holds under `folder/` in its working folder. */
export async function localizedFiles(c: FlinkContainer, app: string, folder: string): Promise<{ files: LocalizedFile[]; error?: string }> {
  const dir = `${containerDir(app, c.id)}/${folder}`;
  const script = `cd "$1" 2>/dev/null || { echo "NO_DIR $1"; exit 0; }; for f in *; do [ -f "$f" ] || continue; echo "SHA $(sha256sum < "$f" | cut -d' ' -f1)  $PWD/$f"; echo "STAT $(stat -L -c '%a %U' "$f") $(readlink -f "$f") $PWD/$f"; done`;
  const r = await c.nm.exec(['sh', '-c', script, 'localized', dir]);
  if (/NO_DIR/.test(r.stdout)) return { files: [], error: `${c.host}: no ${folder}/ in ${dir}` };
  return { files: parseLocalized(r.stdout) };
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * yarn.stores-localized: every Flink container (JobManager and each TaskManager, on whichever
 * NodeManager YARN placed it) has the shipped folder in its working folder, byte for byte the
 * client's files. The modes YARN gave them are reported alongside.
 */
export function judgeLocalized(folder: string, shipped: Record<string, Buffer>, seen: Array<{ c: FlinkContainer; files: LocalizedFile[]; error?: string }>): CheckResult {
  const want = Object.entries(shipped).map(([name, bytes]) => ({ name, sha: sha256(bytes) }));
  const notes: string[] = [];
  let ok = seen.length > 0;
  for (const { c, files, error } of seen) {
    const missing = want.filter((w) => !files.some((f) => f.name === w.name && f.sha256 === w.sha)).map((w) => w.name);
    ok &&= !error && missing.length === 0;
    const modes = files.map((f) => `${f.name} ${f.mode} ${f.owner}`).join(', ');
    notes.push(`${c.role} ${c.id} on ${c.host}: ${error ?? (missing.length ? `missing or different: ${missing.join(', ')}` : `${folder}/ = the client's files (${modes}; linked from ${files[0]?.target.replace(/\/[^/]+$/, '') ?? '?'})`)}`);
  }
  return verdict('yarn.stores-localized', `the shipped ${folder}/ reached every Flink container`, ok, notes.join('; ') || 'no Flink container found');
}

/** FSS_RESULT lines in TaskManagers' stdout: each key's largest running sum. */
export function finalSums(stdouts: string[]): { sums: Map<number, bigint>; printedBy: number[] } {
  const sums = new Map<number, bigint>();
  const printedBy: number[] = [];
  stdouts.forEach((out) => {
    let n = 0;
    for (const m of out.matchAll(/FSS_RESULT (\d+) (\d+)/g)) {
      n++;
      const k = Number(m[1]);
      const v = BigInt(m[2]);
      if (!sums.has(k) || (sums.get(k) as bigint) < v) sums.set(k, v);
    }
    printedBy.push(n);
  });
  return { sums, printedBy };
}

/**
 * cluster.job-crosses-nodemanagers: the job's keyed sums, printed by the TaskManagers that own
 * the keys, equal the harness's own; the TaskManagers run on different NodeManagers and each
 * printed some: records were hashed across the network between the two NodeManagers.
 */
export function judgeHoldingJob(n: number, keys: number, tmOut: Array<{ id: string; host: string; stdout: string }>): CheckResult {
  const want = expectedSums(n, keys);
  const { sums, printedBy } = finalSums(tmOut.map((t) => t.stdout));
  const wrong = [...want].filter(([k, v]) => sums.get(k) !== v).map(([k]) => k);
  const both = new Set(tmOut.map((t) => t.host)).size >= 2 && printedBy.every((c) => c > 0);
  return verdict(
    'cluster.job-crosses-nodemanagers',
    'a job whose records cross TaskManagers on both NodeManagers computes the right sums',
    wrong.length === 0 && both,
    `${keys - wrong.length}/${keys} keyed sums of 1..${n} right${wrong.length ? ` (wrong or missing: keys ${wrong.slice(0, 6).join(', ')})` : ''}; result lines per TaskManager: ${tmOut.map((t, i) => `${t.host} ${printedBy[i]}`).join(', ')}`,
  );
}

/** The first line of a Flink log that says why it stopped (an exception and its cause). */
export function rootCauseLine(log: string): string | undefined {
  const lines = log.split('\n');
  const caused = lines.filter((l) => /^Caused by: /.test(l)).pop();
  return (caused ?? lines.find((l) => /(ERROR|Exception)/.test(l)))?.trim().slice(0, 300);
}

