import { EXIT } from '../errors';
import { CheckResult } from '../checks/model';

/** A run's checks counted the way the exit code judges them. */
export interface Tally {
  passed: number;
  /** FAILs that are not a known deviation. */
  failed: number;
  /** FAILs that are a declared known deviation (check, release and evidence matched). */
  known: number;
  /** PASSes of checks a deviation was declared for: fixed upstream? */
  fixed: number;
  findings: number;
}

export function tally(checks: CheckResult[]): Tally {
  const t: Tally = { passed: 0, failed: 0, known: 0, fixed: 0, findings: 0 };
  for (const c of checks) {
    if (c.status === 'INFO') t.findings++;
    else if (c.status === 'PASS') {
      t.passed++;
      if (c.deviation?.kind === 'fixed') t.fixed++;
    } else if (c.deviation?.kind === 'known') t.known++;
    else t.failed++;
  }
  return t;
}

export interface Judged {
  checks: CheckResult[];
  /** The sandbox did not come up: no verdicts. */
  error?: string;
}

/**
 * The exit code of one run or many (--all), and the rule the regression suite applies too:
 * 5 when a sandbox did not come up; 1 when a check failed for a reason that is not a known
 * deviation (or a run had no checks); with `strict` known deviations and declared deviations
 * that now pass count as failures as well; otherwise 0.
 */
export function exitCode(runs: Judged[], opts: { strict?: boolean } = {}): number {
  if (runs.some((r) => r.error)) return EXIT.sandboxFailed;
  const t = tally(runs.flatMap((r) => r.checks));
  if (t.failed > 0 || runs.some((r) => r.checks.length === 0)) return EXIT.checksFailed;
  if (opts.strict && (t.known > 0 || t.fixed > 0)) return EXIT.checksFailed;
  return EXIT.ok;
}

/** "20 passed, 0 failed, 3 known deviations, 1 fixed upstream?, 2 findings (INFO)": zero counts of the rarer kinds left out. */
export function summaryLine(t: Tally): string {
  const extra = [
    t.known ? `${t.known} known deviation${t.known === 1 ? '' : 's'}` : '',
    t.fixed ? `${t.fixed} declared deviation${t.fixed === 1 ? '' : 's'} not seen (fixed upstream?)` : '',
    t.findings ? `${t.findings} findings (INFO)` : '',
  ].filter(Boolean);
  return [`${t.passed} passed, ${t.failed} failed`, ...extra].join(', ');
}
