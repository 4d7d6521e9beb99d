import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { applicable } from '../../harness/checks/deviations';
import { DEFAULT_FLINK_VERSION, FlinkVersion } from '../../harness/config/version';
import { KUBE_KEPT_LABEL, RUN_LABEL } from '../../harness/runtime/docker';
import { RunReport } from '../../harness/report/types';
import { Scenario } from '../../scenarios/types';
import { runCli } from './cli';
import { expectExactlyRed, summary, unexpectedRed } from './scenario-suite';

const version = new FlinkVersion(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION);

/** Run ids of the kind clusters kept for reuse (--keep-cluster) on the engine now. */
export async function keptClusters(): Promise<string[]> {
  const r = await execa('docker', ['ps', '-a', '--filter', `label=${KUBE_KEPT_LABEL}`, '--format', `{{.Label "${RUN_LABEL}"}}`], { reject: false });
  return [...new Set(r.stdout.split('\n').filter(Boolean))];
}

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
 * serves the whole file (--keep-cluster); the one this file made goes in afterAll.
 */
export function cliScenarioSuite(scenario: Scenario<any>, mustHave: string[]): void {
  describe(`${scenario.name} (CLI, one kind cluster for the file)`, () => {
    let before: string[] = [];
    beforeAll(async () => {
      before = await keptClusters();
    });
    afterAll(async () => {
      // Only a cluster this file made: one the user kept before the suite stays theirs.
      for (const id of (await keptClusters()).filter((c) => !before.includes(c))) await runCli(['--cleanup', '--run', id]);
    });

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
      test(`--break ${name}: turns exactly ${fault.expectRed.join(', ')} red, exit 1`, async () => {
        const { code, report } = await run([scenario.name, '--break', name]);
        expect(report.error).toBeUndefined();
        expectExactlyRed(report, fault);
        expect(code).toBe(1);
      });
    }
  });
}
