import { chmodSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { applicable, markDeviations } from './checks/deviations';
import { CheckResult } from './checks/model';
import { FlinkVersion } from './config/version';
import { EXIT, UserError } from './errors';
import { startFlinkImages } from './images/flink';
import { ROOT } from './images/paths';
import { renderTable } from './report/console';
import { writeReports } from './report/files';
import { RunReport } from './report/types';
import { tally } from './report/outcome';
import { engineAnswers, ensureDockerEngine } from './runtime/engine';
import { interrupted } from './runtime/interrupt';
import { newRunId, Sandbox } from './runtime/sandbox';
import { kubeSession } from './kube/session';
import { openKubeRun } from './kube/run-context';
import { liveRunIds, RUN_LABEL } from './runtime/docker';
import { pruneResults } from './report/prune';
import { ensurePortFree } from './runtime/ports';
import { progress } from './ui/progress';
import { Phase, Scenario, ScenarioInputs } from '../scenarios/types';

export interface RunOptions {
  // Scenarios differ in their material type.
  scenario: Scenario<any>;
  inputs?: ScenarioInputs;
  fault?: string;
  version: FlinkVersion;
  resultsRoot?: string;
  /** Print the table (the CLI does; tests read the report). */
  print?: boolean;
  /** Do not check key material before start (show what Flink itself does with it). */
  skipPreflight?: boolean;
  /** Workshop mode: leave the sandbox running (removed by --cleanup --run ID or `docker rm` by label). */
  keep?: boolean;
  /** With keep: the host port for the scenario's front door (default: the same number). */
  hostPort?: number;
  /** Kubernetes scenarios: leave the kind cluster running for the next run (--keep-cluster). */
  keepCluster?: boolean;
}

/** Runs one scenario end to end: images, sandbox, checks, logs, teardown, reports. */
export async function runScenario(opts: RunOptions): Promise<RunReport> {
  const { scenario, fault, version } = opts;
  const material = scenario.prepare({ ...opts.inputs, fault });
  const phases: Record<string, number> = {};
  const phase = async <T>(name: Phase, title: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await progress.step(title, fn);
    } finally {
      phases[name] = (phases[name] ?? 0) + (Date.now() - t0) / 1000;
    }
  };

  const door = scenario.frontDoor ?? 8081;
  const hostPort = opts.hostPort ?? door;
  // YARN places Flink where it likes and nothing is published: no host port to reserve.
  const yarn = scenario.runtime === 'yarn';
  if (opts.keep && !yarn) await ensurePortFree(hostPort, `${scenario.name}'s front door`);
  await ensureDockerEngine();
  const runId = newRunId();
  const resultsRoot = resolve(opts.resultsRoot ?? join(ROOT, 'results'));
  const resultsDir = join(resultsRoot, `${scenario.name}${fault ? `--${fault}` : ''}-${runId}`);
  // Said before any build or container: whoever watches (a test, a second terminal) can tell
  // this run's containers (label …run=<id>) from everything else on the engine.
  const shown = relative(process.cwd(), resultsDir);
  progress.info(`run ${runId} · ${shown.startsWith('..') || isAbsolute(shown) ? resultsDir : shown}`);
  // Images build while the sandbox comes up: a scenario starts each service as soon as its own
  // image is there (a KDC need not wait for Flink's image).
  const images = startFlinkImages(version.text, scenario.images);
  phase('images', `images for Flink ${version}`, () => images.all).catch(() => undefined);

  const startedAt = new Date().toISOString();
  // results/ would grow with every run: the oldest go (FSS_KEEP_RESULTS, default 50).
  pruneResults(resultsRoot, await liveRunIds());
  const pkiDir = join(resultsDir, 'pki');
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  chmodSync(pkiDir, 0o700);
  const sandbox = new Sandbox(runId, join(resultsDir, 'logs'), { keep: opts.keep });

  let checks: CheckResult[] = [];
  let error: string | undefined;
  let logs: Record<string, string> = {};
  let workshop: string[] | undefined;
  let kubeKept: { namespace: string; cluster: string } | undefined;
  try {
    await sandbox.createNetwork();
    const publish = opts.keep && !yarn ? [{ container: door, host: hostPort }] : undefined;
    const logsDir = join(resultsDir, 'logs');
    // One cluster per process (--all and a test file share it), a namespace per run.
    const kube =
      scenario.runtime === 'kubernetes'
        ? await phase('cluster', 'Kubernetes cluster (kind) and a namespace for this run', async () =>
            openKubeRun(
              sandbox,
              await kubeSession({ keepCluster: Boolean(opts.keepCluster), keep: Boolean(opts.keep), logsDir: join(resultsRoot, 'kube-cluster'), probeImage: images.get('probe'), enforcer: fault ? scenario.faults[fault]?.cluster?.enforcer : undefined }),
              scenario.name,
              fault,
            ),
          )
        : undefined;
    if (kube) kubeKept = { namespace: kube.namespace, cluster: kube.session.cluster.name };
    const ctx = { material, version, images, sandbox, pkiDir, fault, phase, skipPreflight: opts.skipPreflight, publish, kube, logsDir };
    checks = await scenario.run(ctx);
    if (opts.keep) workshop = scenario.workshop?.(ctx, hostPort) ?? [];
  } catch (caught) {
    // An image that could not be built is the reason, even where a start step reported it
    // in its own words (the cluster start wraps what it meets).
    const e = images.failure() ?? caught;
    if (e instanceof UserError) throw e;
    // A failure because the engine went away is the environment's, not the scenario's.
    if (!(await engineAnswers())) throw new UserError(`the Docker engine stopped answering during the run (${(e as Error).message.split('\n')[0].slice(0, 120)}); start it again, then npm run scenario -- --cleanup`, EXIT.environment);
    // One line; the containers' whole logs are saved beside the report.
    error = (e as Error).message.split('\n')[0];
  } finally {
    logs = await sandbox.saveLogs().catch(() => ({}));
    if (opts.keep && !interrupted()) sandbox.keep();
    else await phase('teardown', 'teardown', () => sandbox.teardown());
  }

  markDeviations(checks, applicable(scenario.name, version, scenario.knownDeviations));
  const spec = fault ? scenario.faults[fault] : undefined;
  const report: RunReport = {
    scenario: scenario.name,
    title: scenario.title,
    docSection: scenario.docSection,
    fault: spec && fault ? { name: fault, setting: spec.setting, expectRed: spec.expectRed } : undefined,
    flinkVersion: version.text,
    runId: sandbox.runId,
    startedAt,
    images: images.done,
    phases,
    checks,
    ...tally(checks),
    error,
    logs,
    resultsDir,
  };
  if (interrupted()) report.error = `interrupted by ${interrupted()}`;
  writeReports(report);
  if (opts.print && !interrupted()) process.stdout.write(renderTable(report));
  if (opts.keep && !interrupted()) {
    process.stdout.write(
      [
        '',
        `Sandbox kept running (run ${sandbox.runId}, network ${sandbox.network}).`,
        // A Kubernetes scenario's pods are reached through kubectl (its workshop lines), not a published port.
        ...(kubeKept
          ? [`Namespace kept: ${kubeKept.namespace} (cluster ${kubeKept.cluster}).`]
          : yarn
            ? ['Nothing published on this machine: YARN chose where Flink runs; reach it through the containers (below).']
            : [`Front door: port ${door} of the JobManager, published on this machine as localhost:${hostPort}.`]),
        `Key material: ${pkiDir}`,
        ...(workshop ?? []),
        kubeKept
          ? `Tear it down: npm run scenario -- --cleanup --run ${sandbox.runId}   (the namespace and the run's network; the cluster stays if it was kept)`
          : `Tear it down: npm run scenario -- --cleanup --run ${sandbox.runId}   (or: docker rm -f $(docker ps -aq --filter label=${RUN_LABEL}=${sandbox.runId}); docker network rm ${sandbox.network})`,
        '',
      ].join('\n'),
    );
  }
  return report;
}

