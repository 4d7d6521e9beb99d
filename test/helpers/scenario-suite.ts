import { matches } from '../../harness/checks/model';
import { DEFAULT_FLINK_VERSION, FlinkVersion } from '../../harness/config/version';
import { UserError } from '../../harness/errors';
import { runScenario } from '../../harness/runner';
import { exitCode } from '../../harness/report/outcome';
import { applicable } from '../../harness/checks/deviations';
import { FaultSpec, Scenario } from '../../scenarios/types';

const version = new FlinkVersion(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION);
type Report = Awaited<ReturnType<typeof runScenario>>;
export const summary = (r: Pick<Report, 'checks'>) => r.checks.map((c) => `${c.status} ${c.id}: ${c.evidence}`).join('\n');
/** FAILs that are not a known deviation (check, release and evidence matched). */
export const unexpectedRed = (r: Pick<Report, 'checks'>) => r.checks.filter((c) => c.status === 'FAIL' && c.deviation?.kind !== 'known').map((c) => c.id).sort();

/** A fault's contract on a report: exactly its checks red (known deviations aside), with the evidence it names. */
export function expectExactlyRed(r: Pick<Report, 'checks'>, fault: FaultSpec): void {
  const red = unexpectedRed(r);
  // A check the fault should turn red that is a known deviation anyway proves nothing.
  const expected = r.checks.filter((c) => c.status !== 'INFO' && matches(c.id, fault.expectRed) && c.deviation?.kind !== 'known').map((c) => c.id).sort();
  expect(expected.length).toBeGreaterThan(0);
  expect({ red, evidence: red.join() === expected.join() ? '' : summary(r) }).toEqual({ red: expected, evidence: '' });
  for (const [id, said] of Object.entries(fault.evidence ?? {})) expect(r.checks.find((c) => c.id === id)?.evidence).toMatch(said);
}

/**
 * The regression contract of one scenario against real containers: as documented every check
 * passes; each fault turns exactly its checks red (the others stay green); a bad-input fault
 * stops the run with the harness's message, and without the preflight with Flink's own.
 */
// Scenarios differ in their material type.
export function scenarioSuite(scenario: Scenario<any>, mustHave: string[]): void {
  describe(scenario.name, () => {
    const declared = [...new Set(applicable(scenario.name, version, scenario.knownDeviations).flatMap((d) => d.checks))].sort();
    test(declared.length ? `as documented: every check passes but the known deviations (${declared.join(', ')}), exit 0` : 'as documented: every check passes, exit 0', async () => {
      const r = await runScenario({ scenario, version });
      expect(r.error).toBeUndefined();
      const red = unexpectedRed(r);
      // A declared deviation that passes: Flink fixed it (or it hides), either way a change to look at.
      const fixed = r.checks.filter((c) => c.deviation?.kind === 'fixed').map((c) => c.id);
      expect({ red, fixed, evidence: red.length || fixed.length ? summary(r) : '' }).toEqual({ red: [], fixed: [], evidence: '' });
      expect(r.checks.map((c) => c.id)).toEqual(expect.arrayContaining(mustHave));
      // The same rule as the CLI's exit code and --all: known deviations alone pass, --strict does not.
      expect(exitCode([r])).toBe(0);
      expect(exitCode([r], { strict: true })).toBe(r.known ? 1 : 0);
    });

    for (const [name, fault] of Object.entries(scenario.faults)) {
      if (fault.badInput) {
        const bad = fault.badInput;
        test(`--break ${name}: stopped before start with the setting and file named`, async () => {
          const run = runScenario({ scenario, version, fault: name });
          await expect(run).rejects.toBeInstanceOf(UserError);
          await expect(run).rejects.toThrow(bad.preflight);
        });
        test(`--break ${name} --no-preflight: Flink's own failure, reported at once`, async () => {
          const r = await runScenario({ scenario, version, fault: name, skipPreflight: true });
          expect(r.error).toMatch(bad.flink);
          expect(r.phases.ready ?? 0).toBeLessThan(30);
          expect(exitCode([r])).toBe(5);
        });
        continue;
      }
      test(`--break ${name}: turns exactly ${fault.expectRed.join(', ')} red`, async () => {
        const r = await runScenario({ scenario, version, fault: name });
        expect(r.error).toBeUndefined();
        expectExactlyRed(r, fault);
        expect(exitCode([r])).toBe(1);
      });
    }
  });
}
