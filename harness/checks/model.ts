/** A claim checked against the running sandbox, with what was seen as evidence. */
export interface CheckResult {
  id: string;
  title: string;
  /** INFO: an observation of Flink's behaviour worth reporting, not a verdict on the setup. */
  status: 'PASS' | 'FAIL' | 'INFO';
  evidence: string;
  data?: unknown;
}

export function verdict(id: string, title: string, ok: boolean, evidence: string, data?: unknown): CheckResult {
  return { id, title, status: ok ? 'PASS' : 'FAIL', evidence, data };
}

export function finding(id: string, title: string, evidence: string, data?: unknown): CheckResult {
  return { id, title, status: 'INFO', evidence, data };
}

/** Does check `id` belong to one of the groups (`jm-rpc.*`) or ids given? */
export function matches(id: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('.*') ? id.startsWith(p.slice(0, -1)) : id === p));
}
