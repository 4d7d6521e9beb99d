import { amContainer, containerLogDir, FlinkContainer, rootCauseLine } from '../../harness/checks/yarn';
import { CheckResult, verdict } from '../../harness/checks/model';
import { FlinkConfig, renderFlinkConfig } from '../../harness/config/flink-config';
import { nodeManagerHost, STAGING_DIR } from '../../harness/config/hadoop';
import { FlinkVersion } from '../../harness/config/version';
import { ProbeStation } from '../../harness/runtime/probe-station';
import { FileSpec } from '../../harness/runtime/sandbox';
import { YarnCluster, YarnClusterSpec } from '../../harness/runtime/yarn';
import { discoverFlink, FlinkOnYarn, submitToYarn, waitForApp, YarnApp, YarnSubmission } from '../../harness/runtime/yarn-flink';
import { restSsl } from '../../harness/config/security';
import { Identity } from '../../harness/pki';
import { mutualTlsEndpointChecks } from '../../harness/checks/tls-endpoint';
import { ScenarioContext } from '../types';

/** The client's folder: `deploy-keys/` lives here, and relative store paths resolve here as in every YARN container. */
export const CLIENT_DIR = '/opt/flink';
export const SHIP_DIR = 'deploy-keys';
export const JOB_JAR = '/opt/fss-job/holding-cross-tm-job.jar';
/** The `--add-opens`/`--add-exports` of Flink's default configuration (the list fss-entrypoint uses). */
export const JAVA17_OPENS = [
  ...['java.base/sun.net.util', 'java.rmi/sun.rmi.registry', 'jdk.compiler/com.sun.tools.javac.api', 'jdk.compiler/com.sun.tools.javac.file', 'jdk.compiler/com.sun.tools.javac.parser', 'jdk.compiler/com.sun.tools.javac.tree', 'jdk.compiler/com.sun.tools.javac.util', 'java.security.jgss/sun.security.krb5'].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
  ...['lang', 'net', 'io', 'nio', 'lang.reflect', 'text', 'time', 'util', 'util.concurrent', 'util.concurrent.atomic', 'util.concurrent.locks'].map((p) => `--add-opens=java.base/java.${p}=ALL-UNNAMED`),
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
];

/** Records and keys of the test job: small, the point is the exchange, not the volume. */
export const JOB_N = 2000;
export const JOB_KEYS = 8;
export const NODE_MANAGERS = [nodeManagerHost(0), nodeManagerHost(1)];

/**
 * Flink on the sandbox's YARN: the staging area shared with the NodeManagers, small processes,
 * two TaskManagers of two slots (one per NodeManager, see harness/config/hadoop.ts).
 */
export function yarnFlinkBase(o: { stagingOnVolume?: boolean } = {}): FlinkConfig {
  return {
    // Flink builds the YARN containers' java command itself: the Java 17 module options its own
    // config.yaml ships (and fss-entrypoint passes in every other runtime). Flink 2 needs them.
    'env.java.default-opts.all': JAVA17_OPENS.join(' '),
    // With HDFS (Kerberos mode), Flink's default: the user's home there (/user/<user>/.flink).
    ...(o.stagingOnVolume === false ? {} : { 'yarn.staging-directory': `file://${STAGING_DIR}` }),
    'jobmanager.memory.process.size': '1024m',
    'taskmanager.memory.process.size': '1024m',
    'taskmanager.numberOfTaskSlots': 2,
    'parallelism.default': 4,
    'restart-strategy.type': 'none',
    // The cluster is gone with its job: a failed start should not be retried by YARN either.
    'yarn.application-attempts': 1,
  };
}

/**
 * The client's configuration file and the folders it ships, as files for the client container:
 * `ship` maps a client folder (CLIENT_DIR, or a session's own) to the files of its deploy-keys/.
 */
export function clientFiles(conf: FlinkConfig, version: FlinkVersion, ship: Record<string, Record<string, Buffer>>): FileSpec[] {
  const { fileName, content } = renderFlinkConfig(conf, version);
  return [
    { content, target: `${CLIENT_DIR}/conf/${fileName}`, mode: 0o600 },
    ...Object.entries(ship).flatMap(([dir, files]) => Object.entries(files).map(([name, bytes]) => ({ content: bytes, target: `${dir}/${SHIP_DIR}/${name}`, mode: 0o600 }))),
  ];
}

// The docs' example passwords of the REST stores: demo values, never for real use.
export const REST_KEYSTORE_PASSWORD = 'rest_keystore_password';
export const REST_TRUSTSTORE_PASSWORD = 'rest_truststore_password';

/** REST SSL with the stores the client ships (paths relative to each container's working folder). */
export function shippedRestSsl(): FlinkConfig {
  return restSsl({ keystore: { path: `${SHIP_DIR}/rest.keystore`, password: REST_KEYSTORE_PASSWORD }, truststore: { path: `${SHIP_DIR}/rest.truststore`, password: REST_TRUSTSTORE_PASSWORD } });
}

/** A session's deploy-keys/: the REST key pair and a truststore of what its clients trust. */
export function restStores(keyPair: Identity, trusted: Identity = keyPair): Record<string, Buffer> {
  return { 'rest.keystore': keyPair.keystore(REST_KEYSTORE_PASSWORD), 'rest.truststore': trusted.truststore(REST_TRUSTSTORE_PASSWORD) };
}

/** A YARN session cluster of a scenario: its client folder (with its own deploy-keys/) and settings. */
export interface YarnSession {
  name: string;
  dir: string;
  /** -D settings beyond shipping deploy-keys/ and the application's name. */
  settings?: string[];
  submission?: YarnSubmission;
  app?: YarnApp;
}

/** yarn-session.sh -d for each session at once, each from its own folder; then each application's state. */
export async function deploySessions(yarn: YarnCluster, station: ProbeStation, sessions: YarnSession[]): Promise<void> {
  await Promise.all(
    sessions.map(async (s) => {
      const args = ['-d', `-Dyarn.ship-files=${SHIP_DIR}`, `-Dyarn.application.name=${s.name}`, ...(s.settings ?? []).map((d) => `-D${d}`)];
      s.submission = await submitToYarn(yarn, args, { cwd: s.dir, session: true });
      if (s.submission.appId) s.app = await waitForApp(station, s.submission.appId);
    }),
  );
}

/** yarn.sessions-deployed, red, when a session is not RUNNING with a web interface; undefined when all are. */
export function sessionsNotDeployed(sessions: YarnSession[]): CheckResult | undefined {
  const down = sessions.filter((s) => s.app?.state !== 'RUNNING' || !s.submission?.web);
  if (!down.length) return undefined;
  return verdict(
    'yarn.sessions-deployed',
    `${sessions.length} session clusters deployed`,
    false,
    down.map((s) => `${s.name}: ${s.app ? `${s.app.state} ${s.app.diagnostics.split('\n')[0]}` : `client exit ${s.submission?.exitCode}: ${cliError(s.submission?.output ?? '')}`}`).join('; '),
  );
}

/**
 * The docs' command ("flink run -m yarn-cluster -yt deploy-keys/ flinkapp.jar"), detached so the
 * cluster can be probed while the job runs. Per-job mode and the -y options are gone in Flink 2,
 * where the equivalent is application mode with yarn.ship-files.
 */
export function deployArgs(version: FlinkVersion, opts: { ship: boolean; jobArgs: string[]; dynamic?: string[] }): string[] {
  const dyn = (opts.dynamic ?? []).map((d) => `-D${d}`);
  if (version.parts[0] >= 2) return ['run', '-t', 'yarn-application', ...(opts.ship ? [`-Dyarn.ship-files=${SHIP_DIR}`] : []), ...dyn, JOB_JAR, ...opts.jobArgs];
  return ['run', '-m', 'yarn-cluster', ...(opts.ship ? ['-yt', `${SHIP_DIR}/`] : []), '-d', ...dyn, JOB_JAR, ...opts.jobArgs];
}

export const DOCS_COMMAND = `flink run -m yarn-cluster -yt ${SHIP_DIR}/ flinkapp.jar`;

export interface YarnRun {
  yarn: YarnCluster;
  station: ProbeStation;
  submission: YarnSubmission;
  /** Absent when Flink did not come up: `failure` says why, in YARN's and Flink's words. */
  flink?: FlinkOnYarn;
  failure?: string;
  containers: FlinkContainer[];
}

/** YARN up (with the probe station), the client deploys, Flink's processes found where YARN put them. */
export async function deployOnYarn(
  ctx: ScenarioContext,
  spec: Omit<YarnClusterSpec, 'image'>,
  args: string[],
  rest: { scheme: 'http' | 'https'; caPem?: string },
): Promise<YarnRun> {
  const [yarn, station] = await ctx.phase('cluster', 'YARN up: ResourceManager, 2 NodeManagers RUNNING (yarn node -list), client, probe', () =>
    Promise.all([YarnCluster.start(ctx.sandbox, { image: ctx.images.get('hadoop'), ...spec }), ProbeStation.start(ctx.sandbox, ctx.images.get('probe'))]),
  );
  const submission = await ctx.phase('start', `flink ${args.slice(0, 4).join(' ')} … from the YARN client`, () => submitToYarn(yarn, args, { cwd: CLIENT_DIR }));
  const run: YarnRun = { yarn, station, submission, containers: [] };
  if (submission.exitCode !== 0 || !submission.appId) {
    // The application may have been made and failed: its JobManager's log says why.
    const jm = submission.appId ? await findJobManager(yarn, submission.appId) : undefined;
    if (jm) run.containers.push(jm);
    run.failure = `the client did not deploy (exit ${submission.exitCode}): ${cliError(submission.output)}${jm ? `; JobManager log on ${jm.host}: ${await jobManagerCause(run, submission.appId as string)}` : ''}`;
    return run;
  }
  const appId = submission.appId;
  return ctx.phase('ready', 'Flink on YARN ready (application RUNNING, 2 TaskManagers registered)', async () => {
    const app = await waitForApp(station, appId);
    const jmHost = app.amHost ?? submission.web?.host ?? '?';
    run.containers.push({ role: 'JobManager', id: amContainer(appId), host: jmHost, nm: yarn.nodeManager(jmHost) });
    if (app.state !== 'RUNNING' || !submission.web) {
      run.failure = `application ${appId} ${app.state}/${app.finalStatus}: ${app.diagnostics.split('\n')[0]}; JobManager log: ${await jobManagerCause(run, appId)}`;
      return run;
    }
    try {
      run.flink = await discoverFlink(station, app, { host: jmHost, port: submission.web.port, ...rest }, 2);
    } catch (e) {
      run.failure = `${(e as Error).message}; JobManager log: ${await jobManagerCause(run, appId)}`;
      return run;
    }
    for (const tm of run.flink.taskManagers) run.containers.push({ role: 'TaskManager', id: tm.id, host: tm.host, nm: yarn.nodeManager(tm.host) });
    return run;
  });
}

/** The NodeManager whose log folder holds the application master's container (Flink's JobManager). */
async function findJobManager(yarn: YarnCluster, app: string): Promise<FlinkContainer | undefined> {
  const id = amContainer(app);
  for (const [host, nm] of yarn.nodeManagers) {
    if ((await nm.exec(['test', '-d', containerLogDir(app, id)])).exitCode === 0) return { role: 'JobManager', id, host, nm };
  }
  return undefined;
}

/** A file of a container's YARN log folder (jobmanager.log, taskmanager.out, …). */
export async function containerLog(c: FlinkContainer, app: string, file: string): Promise<string> {
  return (await c.nm.exec(['cat', `${containerLogDir(app, c.id)}/${file}`])).stdout;
}

async function jobManagerCause(run: YarnRun, app: string): Promise<string> {
  const jm = run.containers[0];
  return jm ? ((await jobManagerLogCause(jm, app)) ?? 'nothing logged') : 'not found';
}

/** Why a JobManager stopped, from its YARN log folder (jobmanager.log and .err). */
export async function jobManagerLogCause(jm: FlinkContainer, app: string): Promise<string | undefined> {
  return rootCauseLine((await containerLog(jm, app, 'jobmanager.log')) + (await containerLog(jm, app, 'jobmanager.err')));
}

/** The client's own complaint: the last cause it printed, else its first error line. */
export function cliError(out: string): string {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.filter((l) => /^Caused by: /.test(l)).pop() ?? lines.find((l) => /Exception|ERROR|Unrecognized|Could not/.test(l)) ?? lines.pop() ?? '').slice(0, 300);
}

/** When Flink did not come up: the deployment check, red, with the reason as evidence. */
export function deployedCheck(run: YarnRun, command: string): CheckResult {
  const ok = !run.failure && !!run.flink;
  const f = run.flink;
  return verdict(
    'yarn.flink-deployed',
    `\`${command}\` deployed Flink on YARN`,
    ok,
    ok && f
      ? `${f.app.id} RUNNING; JobManager on ${f.jobManager.host} (REST ${f.jobManager.restPort}, RPC ${f.jobManager.rpcPort}, blob ${f.jobManager.blobPort}); TaskManagers ${f.taskManagers.map((t) => `${t.host} (RPC ${t.rpcPort}, data ${t.dataPort})`).join(', ')}`
      : (run.failure ?? 'unknown'),
  );
}

/**
 * The claims of ssl-internal on the ports YARN's containers got: the JobManager's RPC and blob
 * ports, a TaskManager's RPC and data ports (one on another NodeManager than the JobManager's
 * where there is one).
 */
export function internalEndpointChecks(station: ProbeStation, f: FlinkOnYarn, internal: Identity, intruder: Identity): Promise<CheckResult[]> {
  const asClient = (id: Identity, label: string) => ({ certPem: id.chainPem(), keyPem: id.keyPem(), label });
  const jm = f.jobManager;
  const tm = f.taskManagers.find((t) => t.host !== jm.host) ?? f.taskManagers[0];
  return mutualTlsEndpointChecks(
    station,
    [
      { id: 'jm-rpc', label: 'JobManager Pekko RPC', host: jm.host, port: jm.rpcPort },
      { id: 'tm-rpc', label: 'TaskManager Pekko RPC', host: tm.host, port: tm.rpcPort },
      { id: 'blob', label: 'Blob server', host: jm.host, port: jm.blobPort },
      { id: 'data', label: 'TaskManager data port', host: tm.host, port: tm.dataPort },
    ],
    { own: asClient(internal, 'cluster certificate'), foreign: asClient(intruder, 'foreign self-signed certificate'), expectedServerSha1: internal.sha1() },
  );
}
