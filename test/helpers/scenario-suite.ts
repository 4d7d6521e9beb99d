import { matches } from '../../harness/checks/model';
import { DEFAULT_FLINK_VERSION, FlinkVersion } from '../../harness/config/version';
import { UserError } from '../../harness/errors';
import { exitCodeOf, runScenario } from '../../harness/runner';
import { Scenario } from '../../scenarios/types';

const version = new FlinkVersion(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION);
type Report = Awaited<ReturnType<typeof runScenario>>;
const summary = (r: Report) => r.checks.map((c) => `${c.status} ${c.id}: ${c.evidence}`).join('\n');

/**
 * The regression contract of one scenario against real containers: as documented every check
 * passes; each fault turns exactly its checks red (the others stay green); a bad-input fault
 * stops the run with the harness's message, and without the preflight with Flink's own.
 */
// Scenarios differ in their material type.
export function scenarioSuite(scenario: Scenario<any>, mustHave: string[]): void {
  describe(scenario.name, () => {
    const known = Object.keys(scenario.knownDeviations ?? {}).sort();
    test(known.length ? `as documented: every check passes but the known deviations (${known.join(', ')})` : 'as documented: every check passes', async () => {
      const r = await runScenario({ scenario, version });
      expect(r.error).toBeUndefined();
      const red = r.checks.filter((c) => c.status === 'FAIL').map((c) => c.id).sort();
      expect({ red, evidence: red.join() === known.join() ? '' : summary(r) }).toEqual({ red: known, evidence: '' });
      expect(r.checks.map((c) => c.id)).toEqual(expect.arrayContaining(mustHave));
      expect(exitCodeOf(r)).toBe(known.length ? 1 : 0);
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
          expect(exitCodeOf(r)).toBe(5);
        });
        continue;
      }
      test(`--break ${name}: turns exactly ${fault.expectRed.join(', ')} red`, async () => {
        const r = await runScenario({ scenario, version, fault: name });
        expect(r.error).toBeUndefined();
        const red = r.checks.filter((c) => c.status === 'FAIL').map((c) => c.id).sort();
        const expected = r.checks.filter((c) => c.status !== 'INFO' && (matches(c.id, fault.expectRed) || known.includes(c.id))).map((c) => c.id).sort();
        expect(expected.length).toBeGreaterThan(0);
        expect({ red, evidence: red.join() === expected.join() ? '' : summary(r) }).toEqual({ red: expected, evidence: '' });
        for (const [id, said] of Object.entries(fault.evidence ?? {})) expect(r.checks.find((c) => c.id === id)?.evidence).toMatch(said);
        expect(exitCodeOf(r)).toBe(1);
      });
    }
  });
}
