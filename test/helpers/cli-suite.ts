import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applicable } from '../../harness/checks/deviations';
import { EXIT } from '../../harness/errors';
import { DEFAULT_FLINK_VERSION, FlinkVersion } from '../../harness/config/version';
import { RunReport } from '../../harness/report/types';
import { Scenario } from '../../scenarios/types';
import { runCli } from './cli';
import { expectExactlyRed, summary, unexpectedRed } from './scenario-suite';

const version = new FlinkVersion(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION);

async function run(args: string[]): Promise<{ code: number | null; report: RunReport; stderr: string }> {
  const r = await runCli([...args, '--flink-version', version.text, '--keep-cluster']);
  const dir = /^report: (.+)$/m.exec(r.stdout)?.[1];
  if (!dir) throw new Error(`no report (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  return { code: r.code, report: JSON.parse(readFileSync(join(dir.trim(), 'report.json'), 'utf8')), stderr: r.stderr };
}

/**
 * The regression contract of a Kubernetes scenario, through the CLI (the Kubernetes client is an
 * ES module, which jest's CommonJS runtime cannot load in-process): as documented every check
 * passes and the exit is 0; each fault turns exactly its checks red and exits 1. One kind cluster
 * serves every Kubernetes file (--keep-cluster; the sequencer runs them one after the other);
 * the clusters the suite made go in global teardown (test/global-teardown.ts).
 */
export function cliScenarioSuite(scenario: Scenario<any>, mustHave: string[]): void {
  describe(`${scenario.name} (CLI, the suite's kind cluster)`, () => {
    const declared = [...new Set(applicable(scenario.name, version, scenario.knownDeviations).flatMap((d) => d.checks))].sort();
    test(`as documented: every check passes${declared.length ? ` but ${declared.join(', ')}` : ''}, exit 0`, async () => {
      const { code, report, stderr } = await run([scenario.name]);
      expect({ error: report.error, tail: report.error ? stderr.slice(-1500) : '' }).toEqual({ error: undefined, tail: '' });
      const red = unexpectedRed(report);
      const fixed = report.checks.filter((c) => c.deviation?.kind === 'fixed').map((c) => c.id);
      expect({ red, fixed, evidence: red.length || fixed.length ? summary(report) : '' }).toEqual({ red: [], fixed: [], evidence: '' });
      expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(mustHave));
      expect(code).toBe(0);
    });

    for (const [name, fault] of Object.entries(scenario.faults)) {
      if (fault.badInput) {
        const bad = fault.badInput;
        test(`--break ${name}: stopped before start with the setting and file named, exit ${EXIT.badInput}`, async () => {
          const r = await runCli([scenario.name, '--break', name, '--flink-version', version.text, '--keep-cluster']);
          const said = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
          expect(said).toHaveLength(1);
          expect(said[0].slice('error: '.length)).toMatch(bad.preflight);
          expect(r.code).toBe(EXIT.badInput);
        });
        test(`--break ${name} --no-preflight: Flink's own failure, reported at once, exit ${EXIT.sandboxFailed}`, async () => {
          const { code, report } = await run([scenario.name, '--break', name, '--no-preflight']);
          expect(report.error).toMatch(bad.flink);
          expect(report.phases.ready ?? 0).toBeLessThan(30);
          expect(code).toBe(EXIT.sandboxFailed);
        });
        continue;
      }
      test(`--break ${name}: turns exactly ${fault.expectRed.join(', ')} red, exit 1`, async () => {
        const { code, report } = await run([scenario.name, '--break', name]);
        expect(report.error).toBeUndefined();
        expectExactlyRed(report, fault);
        expect(code).toBe(1);
      });
    }
  });
}
