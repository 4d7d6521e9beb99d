import { NodeHandle } from './node';
import { clusterBase, JOBMANAGER_HOST, PORTS } from '../config/cluster';
import { FlinkConfig, mergeConfig, renderFlinkConfig } from '../config/flink-config';
import { FlinkVersion } from '../config/version';
import { HttpProbeRequest, HttpProbeResult } from '../probes/types';
import { ProbeStation } from './probe-station';
import { FileSpec, Sandbox } from './sandbox';
import { preflightStores } from './preflight';

export interface FlinkClusterSpec {
  image: string | Promise<string>;
  version: FlinkVersion;
  taskManagers: number;
  slotsPerTaskManager: number;
  /** The scenario's settings on top of the cluster basics, per node. */
  overlay: (node: { role: 'jobmanager' | 'taskmanager'; host: string }) => FlinkConfig;
  /** Key material etc., copied into every Flink container. */
  files: FileSpec[];
  /** Only in the JobManager container (e.g. a client configuration for Flink's CLI). */
  jobmanagerFiles?: FileSpec[];
  /** A fixed address for the JobManager (a REST certificate's IP SAN names it). */
  jobmanagerIpv4?: string;
  /** More DNS names for the JobManager on the sandbox network. */
  jobmanagerAliases?: string[];
  /**
   * Container names get this prefix (host names stay jobmanager, taskmanager-N): a second
   * cluster in the same sandbox after the first is removed, e.g. a scenario's negative control.
   */
  containerPrefix?: string;
  /** Publish JobManager ports on the host (workshop mode): REST, or a sidecar's port. */
  jobmanagerPublish?: Array<{ container: number; host: number }>;
  /** Let Flink meet a store it cannot open (to show its own reaction) instead of stopping first. */
  skipPreflight?: boolean;
}

/** How a client reaches the REST API: scheme, TLS material, headers; port when not REST's own (a proxy). */
export type RestAccess = Omit<HttpProbeRequest, 'kind' | 'url'> & { scheme: 'http' | 'https'; port?: number };

export interface CliRun {
  exitCode: number;
  output: string;
  /** Stopped by us once its output showed what the caller waited for (see FlinkCluster.cli's `until`). */
  stoppedAtEvidence?: boolean;
}

/** Printed by the wrapper when it stopped the client at the evidence; removed from the output. */
const STOPPED_MARK = 'FSS_CLI_STOPPED_AT_EVIDENCE';

/**
 * The CLI under `timeout`, stopped early once its output matches $FSS_CLI_UNTIL (a PCRE: the
 * harness's refusal patterns are JavaScript regexes that grep -P reads the same way). Only the
 * process this wrapper started is signalled; `timeout` passes the TERM on to the JVM.
 */
const UNTIL_WRAPPER = [
  'out=$(mktemp); secs=$1; shift',
  'timeout "$secs" "$@" >"$out" 2>&1 & p=$!',
  'while kill -0 "$p" 2>/dev/null; do',
  `  if grep -qP -e "$FSS_CLI_UNTIL" "$out"; then kill "$p"; wait "$p"; rc=$?; cat "$out"; echo ${STOPPED_MARK}; rm -f "$out"; exit $rc; fi`,
  '  sleep 0.3',
  'done',
  'wait "$p"; rc=$?; cat "$out"; rm -f "$out"; exit $rc',
].join('\n');

/** A client command under `timeout` (exit 124 means it hung), stopped early at `until` (see UNTIL_WRAPPER). */
export function boundedCli(cli: string[], timeoutMs: number, until?: RegExp): string[] {
  const secs = String(Math.round(timeoutMs / 1000));
  return until ? ['bash', '-c', UNTIL_WRAPPER, 'fss-cli', secs, ...cli] : ['timeout', secs, ...cli];
}

/** The environment boundedCli's wrapper reads its pattern from. */
export const untilEnv = (until?: RegExp): Record<string, string> => (until ? { FSS_CLI_UNTIL: until.source } : {});

/** The client's exit and output, without the wrapper's mark. */
export function cliRunOf(r: { exitCode: number; output: string }, until?: RegExp): CliRun {
  const stoppedAtEvidence = until !== undefined && r.output.trimEnd().endsWith(STOPPED_MARK);
  const output = stoppedAtEvidence ? r.output.slice(0, r.output.lastIndexOf(STOPPED_MARK)) : r.output;
  return { exitCode: r.exitCode, output, ...(stoppedAtEvidence ? { stoppedAtEvidence } : {}) };
}

export interface JobRun {
  exitCode: number;
  jobId?: string;
  sums: Map<number, bigint>;
  output: string;
}

export const taskManagerHost = (i: number) => `taskmanager-${i + 1}`;

/** Where a runtime put the cluster's processes: addresses, log names, and how to notice one dying. */
export interface FlinkPlacement {
  jobManagerHost: string;
  taskManagerHosts: string[];
  /** Log/report names, JobManager first. */
  names: string[];
  /** Rejects as soon as one of the named processes exits (with the reason from its log). */
  watchExits(names: string[]): { exited: Promise<never>; stop: () => void };
  logOf(name: string): string;
}

/** A standalone session cluster: one JobManager and N TaskManagers, each in its own container. */
export class FlinkCluster {
  private constructor(
    readonly spec: FlinkClusterSpec,
    readonly jobmanager: NodeHandle,
    readonly taskmanagers: NodeHandle[],
    private readonly where: FlinkPlacement,
  ) {}

  /** A cluster another runtime started (Kubernetes pods): the same claims run against it. */
  static attach(spec: FlinkClusterSpec, jobmanager: NodeHandle, taskmanagers: NodeHandle[], where: FlinkPlacement): FlinkCluster {
    return new FlinkCluster(spec, jobmanager, taskmanagers, where);
  }

  /** The address probes reach TaskManager i by (a container's network alias, a pod's DNS name). */
  taskManagerHost(i: number): string {
    return this.where.taskManagerHosts[i];
  }

  /** The JobManager's address for probes. */
  get jobManagerHost(): string {
    return this.where.jobManagerHost;
  }

  static configFor(spec: FlinkClusterSpec, role: 'jobmanager' | 'taskmanager', host: string): FlinkConfig {
    return mergeConfig(clusterBase({ role, host, slots: spec.slotsPerTaskManager }), spec.overlay({ role, host }));
  }

  static async start(sandbox: Sandbox, spec: FlinkClusterSpec): Promise<FlinkCluster> {
    if (!spec.skipPreflight) {
      for (const role of ['jobmanager', 'taskmanager'] as const) preflightStores(FlinkCluster.configFor(spec, role, role), [...spec.files, ...(role === 'jobmanager' ? spec.jobmanagerFiles ?? [] : [])]);
    }
    const node = (role: 'jobmanager' | 'taskmanager', host: string) => {
      const { fileName, content } = renderFlinkConfig(FlinkCluster.configFor(spec, role, host), spec.version);
      const jm = role === 'jobmanager';
      return sandbox.start({
        name: `${spec.containerPrefix ?? ''}${host}`,
        image: spec.image,
        aliases: jm ? [host, ...(spec.jobmanagerAliases ?? [])] : [host],
        ipv4: jm ? spec.jobmanagerIpv4 : undefined,
        publish: jm ? spec.jobmanagerPublish : undefined,
        command: [role],
        files: [...spec.files, ...(jm ? spec.jobmanagerFiles ?? [] : []), { content, target: `/opt/flink/conf/${fileName}`, mode: 0o600 }],
        readyLog: role === 'jobmanager' ? /Rest endpoint listening at/ : /Starting TaskManager/,
      });
    };
    // TaskManagers retry registration until the JobManager answers: start all at once.
    try {
      const [jm, ...tms] = await Promise.all([
        node('jobmanager', JOBMANAGER_HOST),
        ...Array.from({ length: spec.taskManagers }, (_, i) => node('taskmanager', taskManagerHost(i))),
      ]);
      const prefix = spec.containerPrefix ?? '';
      const taskManagerHosts = tms.map((_, i) => taskManagerHost(i));
      return new FlinkCluster(spec, jm, tms, {
        jobManagerHost: JOBMANAGER_HOST,
        taskManagerHosts,
        names: [JOBMANAGER_HOST, ...taskManagerHosts].map((h) => `${prefix}${h}`),
        watchExits: (names) => sandbox.watchExits(names),
        logOf: (name) => sandbox.logOf(name),
      });
    } catch (e) {
      throw new Error(explainStartFailure((e as Error).message, FlinkCluster.configFor(spec, 'jobmanager', JOBMANAGER_HOST)));
    }
  }

  /**
   * Polls GET /overview from inside the network until all TaskManagers have registered; fails
   * at once, with the reason from its log, if a Flink process dies meanwhile.
   */
  async waitForTaskManagers(station: ProbeStation, rest: RestAccess, deadlineMs = 90_000): Promise<HttpProbeResult> {
    const { scheme, port, ...opts } = rest;
    const watch = this.where.watchExits(this.where.names);
    try {
      return await Promise.race([
        station.one<HttpProbeResult>({
          kind: 'http',
          url: `${scheme}://${this.jobManagerHost}:${port ?? PORTS.rest}/overview`,
          ...opts,
          until: { path: 'taskmanagers', atLeast: this.spec.taskManagers, deadlineMs },
        }),
        watch.exited,
      ]);
    } finally {
      watch.stop();
    }
  }

  /** Each Flink process: its address for probes, its name for logs, and its handle. */
  nodes(): Array<{ host: string; name: string; container: NodeHandle }> {
    return [this.jobmanager, ...this.taskmanagers].map((container, i) => ({
      host: i === 0 ? this.jobManagerHost : this.taskManagerHost(i - 1),
      name: this.where.names[i],
      container,
    }));
  }

  /** A Flink process's log so far (streamed from the container or read from the pod). */
  logOf(name: string): string {
    return this.where.logOf(name);
  }

  /** Removes this cluster's containers (their logs are kept), e.g. before a control run. */
  async remove(sandbox: Sandbox): Promise<void> {
    const prefix = this.spec.containerPrefix ?? '';
    await sandbox.remove([JOBMANAGER_HOST, ...this.taskmanagers.map((_, i) => taskManagerHost(i))].map((h) => `${prefix}${h}`));
  }

  /**
   * Flink's own CLI (CliFrontend), run in the JobManager container; the REST address and its
   * TLS settings come from the client configuration in `clientConfDir` (default: the
   * JobManager's). Not `-m host:port`: in 1.20.5 that makes the CLI speak plain HTTP even with
   * security.ssl.rest.enabled (see docs/findings.md).
   */
  async cli(args: string[], clientConfDir?: string, timeoutMs = 120_000, opts: { tlsDebug?: boolean; env?: Record<string, string>; until?: RegExp } = {}): Promise<CliRun> {
    // `timeout` inside the container, so a client that hangs (Flink's REST client retries
    // failed connections) still hands back what it printed; exit 124 means it hung.
    const cli = ['/opt/flink/bin/fss-entrypoint', 'cli', ...args];
    const env: Record<string, string> = { ...opts.env };
    if (clientConfDir) env.FLINK_CONF_DIR = clientConfDir;
    // Flink's REST client does not log why a handshake failed; the JDK's TLS debug output does.
    if (opts.tlsDebug) env.JAVA_TOOL_OPTIONS = '-Djavax.net.debug=ssl:handshake';
    // A client expected to be refused retries until the timeout; once it has printed the refusal
    // the check looks for, the rest of the wait proves nothing (the verdict reads the same output).
    Object.assign(env, untilEnv(opts.until));
    const r = await this.jobmanager.exec(boundedCli(cli, timeoutMs, opts.until), { env });
    return cliRunOf(r, opts.until);
  }

  /**
   * Submits the sandbox's test job with Flink's own CLI from the JobManager container and
   * collects the sums it prints.
   */
  async runCrossTmJob(n: number, keys: number, parallelism: number, clientConfDir?: string, env?: Record<string, string>, timeoutMs = 40_000): Promise<JobRun> {
    const r = await this.cli(['run', '-p', String(parallelism), '/opt/fss-job/cross-tm-job.jar', String(n), String(keys)], clientConfDir, timeoutMs, { env });
    const sums = new Map<number, bigint>();
    for (const m of r.output.matchAll(/^FSS_RESULT (\d+) (\d+)$/gm)) sums.set(Number(m[1]), BigInt(m[2]));
    const jobId = /JobID ([0-9a-f]{32})/.exec(r.output)?.[1];
    return { exitCode: r.exitCode, jobId, sums, output: r.output };
  }
}

/** Names the settings behind a start failure: the one whose file the error mentions, or the stores. */
export function explainStartFailure(message: string, conf: FlinkConfig): string {
  const named = Object.entries(conf).find(([, v]) => typeof v === 'string' && v.startsWith('/') && message.includes(v));
  if (named) return `${message} (set by ${named[0]})`;
  if (/PKCS12|keystore|truststore|UnrecoverableKey|password/i.test(message)) {
    const stores = Object.entries(conf).filter(([k]) => /\.(keystore|truststore)$/.test(k)).map(([k, v]) => `${k}=${v}`);
    return `${message} (a store or its password: ${stores.join(', ')})`;
  }
  return message;
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
