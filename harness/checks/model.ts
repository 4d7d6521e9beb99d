/** A claim checked against the running sandbox, with what was seen as evidence. */
export interface CheckResult {
  id: string;
  title: string;
  /** INFO: an observation of Flink's behaviour worth reporting, not a verdict on the setup. */
  status: 'PASS' | 'FAIL' | 'INFO';
  evidence: string;
  /**
   * Set by the runner against the declared known deviations: `known`, a FAIL that is that
   * deviation (check, release and evidence match); `fixed`, a PASS where one was declared.
   */
  deviation?: { kind: 'known' | 'fixed'; upstream: string; reason: string };
  data?: unknown;
}

export function verdict(id: string, title: string, ok: boolean, evidence: string, data?: unknown): CheckResult {
  return { id, title, status: ok ? 'PASS' : 'FAIL', evidence, data };
}

export function finding(id: string, title: string, evidence: string, data?: unknown): CheckResult {
  return { id, title, status: 'INFO', evidence, data };
}

/** Does check `id` match one of the patterns: an id, a prefix (`jm-rpc.*`, `rest.san-*`) or a claim on every endpoint (`*.requires-tls`)? */
export function matches(id: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    if (p.endsWith('*')) return id.startsWith(p.slice(0, -1));
    if (p.startsWith('*.')) return id.endsWith(p.slice(1)) && !id.startsWith('control.');
    return id === p;
  });
}
