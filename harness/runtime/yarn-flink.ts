import { RM_WEB_PORT, RESOURCE_MANAGER } from '../config/hadoop';
import { HttpProbeResult } from '../probes/types';
import { boundedCli, CliRun, cliRunOf, untilEnv } from './flink-cluster';
import { ProbeStation } from './probe-station';
import { YarnCluster } from './yarn';

/** What the client said when it deployed: the application and where Flink's REST API is. */
export interface YarnSubmission extends CliRun {
  appId?: string;
  /** "Found Web Interface host:port of application …" (Flink's own line). */
  web?: { host: string; port: number };
}

/** The application as the ResourceManager's REST API reports it. */
export interface YarnApp {
  id: string;
  state: string;
  finalStatus: string;
  amHost?: string;
  trackingUrl?: string;
  diagnostics: string;
}

export interface FlinkOnYarn {
  app: YarnApp;
  /** The JobManager: the NodeManager it runs on and its ports, as Flink reports them. */
  jobManager: { host: string; restPort: number; rpcPort: number; blobPort: number };
  taskManagers: Array<{ id: string; host: string; rpcPort: number; dataPort: number }>;
}

export function parseSubmission(r: CliRun): YarnSubmission {
  const appId = /application_\d+_\d+/.exec(r.output)?.[0];
  const web = /Found Web Interface ([\w.-]+):(\d+) of application/.exec(r.output);
  return { ...r, appId, ...(web ? { web: { host: web[1], port: Number(web[2]) } } : {}) };
}

/** pekko(.ssl).tcp://flink@host:port/user/rpc/taskmanager_0 → host, port. */
export function rpcAddress(path: string): { host: string; port: number } | undefined {
  const m = /@([\w.-]+):(\d+)\//.exec(path);
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

/** GET /jobmanager/config's list of {key, value} as a map. */
export function configMap(json: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(json)) for (const e of json as Array<{ key: string; value: string }>) out[e.key] = e.value;
  return out;
}

const TERMINAL = ['FINISHED', 'FAILED', 'KILLED'];

/**
 * Flink's CLI in the YARN client container, in the folder that holds `deploy-keys/` (relative
 * store paths in the configuration resolve there, and in each YARN container's working folder).
 */
export async function submitToYarn(
  yarn: YarnCluster,
  args: string[],
  opts: { cwd: string; timeoutMs?: number; env?: Record<string, string>; until?: RegExp; tlsDebug?: boolean; session?: boolean },
): Promise<YarnSubmission> {
  // `flink …`, or what yarn-session.sh runs.
  const cli = boundedCli(['/opt/flink/bin/fss-entrypoint', opts.session ? 'yarn-session-cli' : 'cli', ...args], opts.timeoutMs ?? 120_000, opts.until);
  const env = { ...opts.env, ...untilEnv(opts.until), ...(opts.tlsDebug ? { JAVA_TOOL_OPTIONS: '-Djavax.net.debug=ssl:handshake' } : {}) };
  const r = await yarn.client.exec(['sh', '-c', 'cd "$0" && exec "$@"', opts.cwd, ...cli], { env });
  return parseSubmission(cliRunOf(r, opts.until));
}

/** The ResourceManager's REST API, asked from the probe station. */
export async function rmApp(station: ProbeStation, appId?: string): Promise<YarnApp | undefined> {
  const r = await station.one<HttpProbeResult>({ kind: 'http', url: `http://${RESOURCE_MANAGER}:${RM_WEB_PORT}/ws/v1/cluster/apps${appId ? `/${appId}` : ''}` });
  type Raw = { id: string; state: string; finalStatus: string; amHostHttpAddress?: string; trackingUrl?: string; diagnostics?: string };
  const j = r.json as { app?: Raw | Raw[]; apps?: { app?: Raw[] } } | undefined;
  const raw = appId ? (j?.app as Raw | undefined) : j?.apps?.app?.slice(-1)[0];
  if (!raw) return undefined;
  return { id: raw.id, state: raw.state, finalStatus: raw.finalStatus, amHost: raw.amHostHttpAddress?.split(':')[0], trackingUrl: raw.trackingUrl, diagnostics: raw.diagnostics ?? '' };
}

/** Polls the application until it is RUNNING (or ended: then its diagnostics say why). */
export async function waitForApp(station: ProbeStation, appId: string, deadlineMs = 60_000): Promise<YarnApp> {
  const deadline = Date.now() + deadlineMs;
  let last: YarnApp | undefined;
  while (Date.now() < deadline) {
    last = await rmApp(station, appId);
    if (last && (last.state === 'RUNNING' || TERMINAL.includes(last.state))) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`YARN application ${appId} not RUNNING after ${deadlineMs / 1000}s (state ${last?.state ?? 'unknown'})`);
}

/**
 * Where Flink's processes run and on which ports, from Flink's REST API: the TaskManagers'
 * RPC addresses and data ports (/taskmanagers), the JobManager's RPC and blob ports as the
 * cluster configured itself (/jobmanager/config). Polls until `taskManagers` have registered.
 */
export async function discoverFlink(
  station: ProbeStation,
  app: YarnApp,
  rest: { host: string; port: number; scheme: 'http' | 'https'; caPem?: string },
  taskManagers: number,
  deadlineMs = 60_000,
): Promise<FlinkOnYarn> {
  const base = `${rest.scheme}://${rest.host}:${rest.port}`;
  const get = (path: string, until?: { path: string; atLeast: number; deadlineMs: number }) => station.one<HttpProbeResult>({ kind: 'http', url: `${base}${path}`, caPem: rest.caPem, ...(until ? { until } : {}) });
  const overview = await get('/overview', { path: 'taskmanagers', atLeast: taskManagers, deadlineMs });
  const registered = (overview.json as { taskmanagers?: number } | undefined)?.taskmanagers ?? 0;
  if (registered < taskManagers) throw new Error(`Flink on YARN: ${registered} of ${taskManagers} TaskManagers registered at ${base} (${overview.status ?? overview.error})`);
  const [tms, conf] = await Promise.all([get('/taskmanagers'), get('/jobmanager/config')]);
  const c = configMap(conf.json);
  const list = ((tms.json as { taskmanagers?: Array<{ id: string; path: string; dataPort: number }> }).taskmanagers ?? []).map((t) => {
    const a = rpcAddress(t.path);
    return { id: t.id, host: a?.host ?? '?', rpcPort: a?.port ?? 0, dataPort: t.dataPort };
  });
  return {
    app,
    jobManager: { host: rest.host, restPort: rest.port, rpcPort: Number(c['jobmanager.rpc.port']), blobPort: Number(c['blob.server.port']) },
    taskManagers: list.sort((a, b) => a.host.localeCompare(b.host)),
  };
}
