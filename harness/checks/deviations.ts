import { FlinkVersion } from '../config/version';
import { CheckResult } from './model';

/**
 * Flink not doing what its docs say, declared like pytest's strict xfail: a FAIL is excused only
 * when its check, the Flink release and the evidence all match what was seen; anything else
 * that makes the check fail is an ordinary FAIL. A declared deviation whose check now PASSes is
 * reported as fixed (an upstream fix shows up).
 */
export interface KnownDeviation {
  /** The check ids it is about. */
  checks: string[];
  /** Scenarios it was seen in (release-wide deviations); a scenario's own list means itself. */
  scenarios?: string[];
  /** The Flink releases it was seen on, both ends included. */
  seenOn: { from: string; to: string };
  /** What identifies it in a check's result; `text` says it in words for the report. */
  evidence: { text: string; matches: (c: CheckResult) => boolean };
  /** The upstream issue (FLINK-…). */
  upstream: string;
  reason: string;
}

export function inRange(v: FlinkVersion, r: KnownDeviation['seenOn']): boolean {
  return v.atLeast(r.from) && new FlinkVersion(r.to).atLeast(v.text);
}

/** Deviations that hit a release in every scenario with a cross-TaskManager job. */
export const RELEASE_DEVIATIONS: KnownDeviation[] = [
  {
    checks: ['cluster.job-completes', 'proxy.job-through-proxy'],
    // Seen in 2.3.0's --all matrix: every scenario whose job shuffles between the TaskManagers
    // over internal SSL without a pinned fingerprint (kerberos-kafka's job has no shuffle; why
    // the pinned trust manager is not affected is not known).
    scenarios: ['ssl-internal', 'ssl-rest-selfsigned', 'ssl-rest-ca', 'ssl-rest-mutual', 'ssl-ciphers', 'rest-proxy', 'rest-proxy-mtls'],
    seenOn: { from: '2.3.0', to: '2.3.0' },
    evidence: {
      text: 'the JDK\'s host-name error on a TaskManager data connection',
      matches: (c) => /No name matching \S+ found|No subject alternative (DNS )?name/.test(c.evidence),
    },
    upstream: 'FLINK-40727',
    reason: 'Flink 2.3 verifies host names on internal TaskManager data connections (the docs say internal SSL does not), so one shared internal certificate no longer works',
  },
];

/** How a check stands against the known deviations. */
export type Expectation = { kind: 'known'; deviation: KnownDeviation } | { kind: 'fixed'; deviation: KnownDeviation };

/** The deviations that apply to a scenario on a release: its own, then the release's. */
export function applicable(scenario: string, version: FlinkVersion, own: KnownDeviation[] = []): KnownDeviation[] {
  return [...own, ...RELEASE_DEVIATIONS.filter((d) => d.scenarios?.includes(scenario))].filter((d) => inRange(version, d.seenOn));
}

/**
 * known: a FAIL whose evidence shows a declared deviation (check, release and evidence match).
 * fixed: a PASS of a check a deviation declares for this scenario and release.
 */
export function expectation(c: CheckResult, deviations: KnownDeviation[]): Expectation | undefined {
  const mine = deviations.filter((d) => d.checks.includes(c.id));
  if (c.status === 'FAIL') {
    const d = mine.find((x) => x.evidence.matches(c));
    return d && { kind: 'known', deviation: d };
  }
  if (c.status === 'PASS' && mine.length) return { kind: 'fixed', deviation: mine[0] };
  return undefined;
}

/** Marks each check with its expectation; the evidence says so at its start. */
export function markDeviations(checks: CheckResult[], deviations: KnownDeviation[]): void {
  for (const c of checks) {
    const e = expectation(c, deviations);
    if (!e) continue;
    const d = e.deviation;
    c.deviation = { kind: e.kind, upstream: d.upstream, reason: d.reason };
    c.evidence = e.kind === 'known' ? `[known deviation ${d.upstream}: ${d.reason}] ${c.evidence}` : `[declared deviation ${d.upstream} not seen: fixed upstream? (${d.evidence.text})] ${c.evidence}`;
  }
}

/** Exact sets, order ignored: the evidence a deviation was recorded with. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}
