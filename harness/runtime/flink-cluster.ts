import { StartedTestContainer } from 'testcontainers';
import { clusterBase, JOBMANAGER_HOST, PORTS } from '../config/cluster';
import { FlinkConfig, mergeConfig, renderFlinkConfig } from '../config/flink-config';
import { FlinkVersion } from '../config/version';
import { HttpProbeRequest, HttpProbeResult } from '../probes/types';
import { ProbeStation } from './probe-station';
import { FileSpec, Sandbox } from './sandbox';

export interface FlinkClusterSpec {
  image: string;
  version: FlinkVersion;
  taskManagers: number;
  slotsPerTaskManager: number;
  /** The scenario's settings on top of the cluster basics, per node. */
  overlay: (node: { role: 'jobmanager' | 'taskmanager'; host: string }) => FlinkConfig;
  /** Key material etc., copied into every Flink container. */
  files: FileSpec[];
}

export interface JobRun {
  exitCode: number;
  jobId?: string;
  sums: Map<number, bigint>;
  output: string;
}

export const taskManagerHost = (i: number) => `taskmanager-${i + 1}`;

/** A standalone session cluster: one JobManager and N TaskManagers, each in its own container. */
export class FlinkCluster {
  private constructor(
    readonly spec: FlinkClusterSpec,
    readonly jobmanager: StartedTestContainer,
    readonly taskmanagers: StartedTestContainer[],
  ) {}

  static configFor(spec: FlinkClusterSpec, role: 'jobmanager' | 'taskmanager', host: string): FlinkConfig {
    return mergeConfig(clusterBase({ role, host, slots: spec.slotsPerTaskManager }), spec.overlay({ role, host }));
  }

  static async start(sandbox: Sandbox, spec: FlinkClusterSpec): Promise<FlinkCluster> {
    const node = (role: 'jobmanager' | 'taskmanager', host: string) => {
      const { fileName, content } = renderFlinkConfig(FlinkCluster.configFor(spec, role, host), spec.version);
      return sandbox.start({
        name: host,
        image: spec.image,
        aliases: [host],
        command: [role],
        files: [...spec.files, { content, target: `/opt/flink/conf/${fileName}`, mode: 0o600 }],
        readyLog: role === 'jobmanager' ? /Rest endpoint listening at|Starting StandaloneSessionClusterEntrypoint/ : /Starting TaskManager/,
      });
    };
    // TaskManagers retry registration until the JobManager answers: start all at once.
    const [jm, ...tms] = await Promise.all([
      node('jobmanager', JOBMANAGER_HOST),
      ...Array.from({ length: spec.taskManagers }, (_, i) => node('taskmanager', taskManagerHost(i))),
    ]);
    return new FlinkCluster(spec, jm, tms);
  }

  /** Polls GET /overview from inside the network until all TaskManagers have registered. */
  async waitForTaskManagers(station: ProbeStation, rest: Omit<HttpProbeRequest, 'kind' | 'url'> & { scheme: 'http' | 'https' }, deadlineMs = 90_000): Promise<HttpProbeResult> {
    const { scheme, ...opts } = rest;
    return station.one<HttpProbeResult>({
      kind: 'http',
      url: `${scheme}://${JOBMANAGER_HOST}:${PORTS.rest}/overview`,
      ...opts,
      until: { path: 'taskmanagers', atLeast: this.spec.taskManagers, deadlineMs },
    });
  }

  /**
   * Submits the sandbox's test job with Flink's own CLI from the JobManager container and
   * collects the sums it prints.
   */
  async runCrossTmJob(n: number, keys: number, parallelism: number, timeoutMs = 120_000): Promise<JobRun> {
    const cmd = ['/opt/flink/bin/fss-entrypoint', 'cli', 'run', '-m', `${JOBMANAGER_HOST}:${PORTS.rest}`, '-p', String(parallelism), '/opt/fss-job/cross-tm-job.jar', String(n), String(keys)];
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`job did not finish within ${timeoutMs / 1000}s`)), timeoutMs).unref());
    const r = await Promise.race([this.jobmanager.exec(cmd), timeout]);
    const sums = new Map<number, bigint>();
    for (const m of r.output.matchAll(/^FSS_RESULT (\d+) (\d+)$/gm)) sums.set(Number(m[1]), BigInt(m[2]));
    const jobId = /JobID ([0-9a-f]{32})/.exec(r.output)?.[1];
    return { exitCode: r.exitCode, jobId, sums, output: r.output };
  }
}

/** What the test job must print: sum of x in 1..n with x mod keys = k, for each k. */
export function expectedSums(n: number, keys: number): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (let k = 0; k < keys; k++) {
    // x = k + j*keys for j >= (k==0 ? 1 : 0), x <= n
    const first = k === 0 ? keys : k;
    if (first > n) {
      out.set(k, 0n);
      continue;
    }
    const count = BigInt(Math.floor((n - first) / keys) + 1);
    const last = BigInt(first) + (count - 1n) * BigInt(keys);
    out.set(k, (count * (BigInt(first) + last)) / 2n);
  }
  return out;
}
