import { FlinkVersion } from '../config/version';
import { CheckResult } from './model';

/**
 * Where a Flink release breaks a documented setup the same way in every scenario. Such a
 * failure stays FAIL; the report names the cause, and only when the evidence shows that very
 * failure (anything else that makes the check fail is not excused).
 */
interface VersionDeviation {
  checks: RegExp;
  applies: (v: FlinkVersion) => boolean;
  evidence: RegExp;
  reason: string;
}

const VERSION_DEVIATIONS: VersionDeviation[] = [
  {
    // Every job whose keyed stage moves records between the two TaskManagers.
    checks: /^(cluster\.job-completes|proxy\.job-submission)$/,
    applies: (v) => v.atLeast('2.3'),
    evidence: /No name matching \S+ found|No subject alternative (DNS )?name/,
    reason:
      'Flink 2.3 verifies host names on internal TaskManager data connections (the docs say internal SSL does not; upstream: FLINK-40727), so one shared internal certificate no longer works',
  },
];

/** The known cause of a failed check: the scenario's own list first, then the release's. */
export function knownDeviation(c: CheckResult, version: FlinkVersion, scenarioDeviations: Record<string, string> = {}): string | undefined {
  if (c.status !== 'FAIL') return undefined;
  return scenarioDeviations[c.id] ?? VERSION_DEVIATIONS.find((d) => d.checks.test(c.id) && d.applies(version) && d.evidence.test(c.evidence))?.reason;
}
