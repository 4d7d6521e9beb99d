import { NodeHandle } from '../runtime/node';
import { CheckResult, verdict } from './model';

/** What one connection attempt saw: connected, refused (RST or ICMP reject), or no answer within the limit. */
export type Reach = 'open' | 'refused' | 'timeout' | 'error';

export interface Target {
  id: string;
  label: string;
  ip: string;
  port: number;
}

export interface Source {
  id: string;
  label: string;
  node: NodeHandle;
}

/** One cell of the table: from a source pod to a target pod's port, with the policy's expectation. */
export interface Cell {
  source: string;
  target: string;
  expect: 'allow' | 'deny';
  seen: Reach;
  detail: string;
}

/** Reads the lines of the attempt script: "<target id> OPEN|REFUSED|TIMEOUT|ERROR <detail>". */
export function parseAttempts(out: string): Map<string, { seen: Reach; detail: string }> {
  const m = new Map<string, { seen: Reach; detail: string }>();
  for (const line of out.split('\n')) {
    const [id, word, ...rest] = line.trim().split(' ');
    if (!id || !word) continue;
    const seen = ({ OPEN: 'open', REFUSED: 'refused', TIMEOUT: 'timeout' } as Record<string, Reach>)[word] ?? 'error';
    m.set(id, { seen, detail: rest.join(' ') });
  }
  return m;
}

/**
 * Real TCP connections from inside the source pod (bash's /dev/tcp, no tools needed), one per
 * target, each bounded by `timeout`: an attempt that hangs is a drop, one that fails at once a
 * reject (or nothing listening: the table tells them apart, see judgeCell).
 */
export async function attempt(source: Source, targets: Target[], seconds = 3): Promise<Map<string, { seen: Reach; detail: string }>> {
  const script = targets
    .map((t) => `r=$(timeout ${seconds} bash -c 'exec 3<>/dev/tcp/${t.ip}/${t.port}' 2>&1); c=$?; if [ $c = 0 ]; then echo "${t.id} OPEN"; elif [ $c = 124 ]; then echo "${t.id} TIMEOUT no answer in ${seconds} s"; elif echo "$r" | grep -qi refused; then echo "${t.id} REFUSED $(echo $r | tail -c 80)"; else echo "${t.id} ERROR $(echo $r | tail -c 80)"; fi`)
    .join('\n');
  const r = await source.node.exec(['bash', '-c', script]);
  return parseAttempts(r.stdout);
}

/**
 * Packets counted by kube-router's REJECT rule of each pod ("rule to REJECT traffic destined for
 * POD name:<pod> namespace: <ns>"), from `iptables -L -v -x -n` on the pod's node.
 */
export function rejectCounters(listing: string, namespace: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of listing.split('\n')) {
    const r = /^\s*(\d+)\s+\d+\s+REJECT\b.*POD name:(\S+) namespace: (\S+) \*\//.exec(l);
    if (r && r[3] === namespace) m.set(r[2], (m.get(r[2]) ?? 0) + Number(r[1]));
  }
  return m;
}

/** Per target: how many of its denied attempts failed, and how many packets kube-router's REJECT rule for its pod counted meanwhile. */
export type RejectTally = Map<string, { failed: number; rejected: number }>;

/**
 * A cell's verdict. Allowed: the connection opened. Denied: it did not open AND the same port
 * opened for an allowed source in the same table (the port is alive: not a dead port) AND the
 * enforcer's own REJECT rule for the target pod counted at least one packet per failed attempt
 * to it (the refusal is the policy's, not another filter's or a timeout of the network).
 */
export function judgeCell(cell: Cell, table: Cell[], rejects: RejectTally): { ok: boolean; why: string } {
  if (cell.expect === 'allow') return { ok: cell.seen === 'open', why: cell.seen === 'open' ? 'connected' : `${cell.seen}${cell.detail ? ` (${cell.detail})` : ''}` };
  if (cell.seen === 'open') return { ok: false, why: 'connected: the policy let it through' };
  const alive = table.some((c) => c.target === cell.target && c.expect === 'allow' && c.seen === 'open');
  if (!alive) return { ok: false, why: `${cell.seen}, but no allowed source reached this port either: a dead port proves nothing` };
  if (cell.seen === 'error') return { ok: false, why: `the attempt itself failed (${cell.detail})` };
  const t = rejects.get(cell.target);
  // At least one counted packet per failed attempt (measured: exactly two on these nodes, see docs/kubernetes.md).
  if (!t || t.rejected < t.failed) return { ok: false, why: `${cell.seen}, but kube-router's REJECT rule for the target counted ${t?.rejected ?? 0} packet(s) for ${t?.failed ?? '?'} failed attempt(s): not its refusal` };
  return { ok: true, why: `rejected by kube-router (its REJECT rule for the target pod counted ${t.rejected} packet(s) for the ${t.failed} failed attempt(s) to it) while an allowed source connected` };
}

/** The table as checks: netpol.allow.<source>-to-<target> and netpol.deny.<source>-to-<target>. */
export function truthTableChecks(table: Cell[], labels: Record<string, string>, rejects: RejectTally): CheckResult[] {
  return table.map((c) => {
    const j = judgeCell(c, table, rejects);
    return verdict(`netpol.${c.expect}.${c.source}-to-${c.target}`, `${labels[c.source]} → ${labels[c.target]}: ${c.expect === 'allow' ? 'allowed' : 'denied'} by the policies`, j.ok, `expected ${c.expect}, observed ${c.seen === 'open' ? 'connected' : c.seen}: ${j.why}`, { seen: c.seen });
  });
}

/** The whole table in one line per source, as cyclonus prints it (for the report and --keep). */
export function renderTable(table: Cell[], sources: string[], targets: string[]): string {
  const mark = (c?: Cell) => (!c ? '?' : c.seen === 'open' ? (c.expect === 'allow' ? '✓' : '✗!') : c.expect === 'deny' ? '·' : '✗?');
  return sources.map((s) => `${s}: ${targets.map((t) => `${t} ${mark(table.find((c) => c.source === s && c.target === t))}`).join(', ')}`).join('; ');
}
