/**
 * What rest-proxy and rest-proxy-mtls share: Flink's REST bound to loopback, nginx as a sidecar
 * in the JobManager's network namespace terminating TLS and authenticating, and the checks that
 * the proxy is the only way in.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBMANAGER_HOST, PORTS } from '../../harness/config/cluster';
import { FlinkConfig, mergeConfig, renderFlinkConfig } from '../../harness/config/flink-config';
import { PROXY_FILES, ProxyConf, renderNginxConf } from '../../harness/config/nginx';
import { internalSsl, restSsl } from '../../harness/config/security';
import { clusterChecks } from '../../harness/checks/cluster';
import { hung, why } from '../../harness/checks/flink-cli';
import { CheckResult, finding, verdict } from '../../harness/checks/model';
import { cliRefusedByProxy, PROXY_PAGE } from '../../harness/checks/proxy';
import { ConfiguredSecret, secretExposureChecks, secretIn } from '../../harness/checks/secret-exposure';
import { logWindow, waitForLines } from '../../harness/runtime/logs';
import { Identity } from '../../harness/pki';
import { ClientIdentityPem, HttpProbeRequest, HttpProbeResult, PlainProbeResult, TlsProbeResult } from '../../harness/probes/types';
import { FlinkCluster } from '../../harness/runtime/flink-cluster';
import { ProbeStation } from '../../harness/runtime/probe-station';
import { FileSpec } from '../../harness/runtime/sandbox';
import { ScenarioContext, ScenarioInputs } from '../types';
import { clusterSpec, internalKeyPair, InternalKeyPair } from './cluster';

export const PROXY_PORT = 8443;
const SSL = '/opt/flink/ssl';
/** The CLI's client stores: the JobManager's only (TaskManagers mount SSL alone on Kubernetes). */
const CLIENT_SSL = '/opt/flink/client-ssl';
const CLIENT_PASSWORD = 'client_store_password'; // demo value
/** The demo bearer token the auth service accepts. */
export const DEMO_TOKEN = 'workshop-demo-token';
/** The demo basic credentials the auth service also accepts. */
const DEMO_BASIC = { user: 'workshop', password: 'demo-password' };

/** Every secret these setups configure: Flink's store, the CLI's client stores, the proxy's credentials. */
function proxySecrets(m: ProxyMaterial, flinkConf: FlinkConfig): ConfiguredSecret[] {
  return [
    secretIn('internal store password', m.internalPassword, flinkConf),
    secretIn('client store password (the CLI\'s configuration)', CLIENT_PASSWORD),
    secretIn('proxy bearer token', DEMO_TOKEN),
    secretIn('proxy basic password', DEMO_BASIC.password),
  ];
}

export interface ProxyMaterial extends InternalKeyPair {
  ca: Identity;
  proxy: Identity;
  /** mTLS: a client certificate the CA signed, and a stranger's. */
  client: Identity;
  foreignClient: Identity;
}

/** `inputs`: --keystore/--store-password replace the internal key pair. */
export function proxyMaterial(inputs: ScenarioInputs = {}): ProxyMaterial {
  const ca = Identity.selfSigned('proxy-ca', { cn: 'Proxy CA', isCa: true }, 2048);
  return {
    ...internalKeyPair(inputs),
    ca,
    proxy: Identity.signedBy(ca, 'proxy', { cn: JOBMANAGER_HOST, san: { dns: [JOBMANAGER_HOST] } }, 2048),
    client: Identity.signedBy(ca, 'workshop-client', { cn: 'workshop-client' }, 2048),
    foreignClient: Identity.selfSigned('intruder', { cn: 'workshop-client' }, 2048),
  };
}

/** The rows proxyChecks gives every variant (and the cluster's, and the secrets' rows besides). */
export const PROXY_CHECK_IDS = [
  'proxy.denies-anonymous',
  'proxy.denies-bad-credentials',
  'proxy.allows-valid-credentials',
  'proxy.no-direct-access',
  'proxy.tls',
  'proxy.no-plain-http',
  'proxy.job-through-proxy',
  'proxy.refuses-job-without-credentials',
  'cli.through-proxy',
  'cli.refused-by-proxy',
];

/** What turns red when the proxy stops authenticating (auth_request or ssl_verify_client off). */
export const AUTH_OFF_RED = ['proxy.denies-anonymous', 'proxy.denies-bad-credentials', 'proxy.refuses-job-without-credentials', 'cli.refused-by-proxy'];

export interface ProxyVariant {
  auth: 'auth_request' | 'mtls';
  /** Fault names that flip a setting: REST bound to all interfaces, authentication off. */
  faults: { bindAll: string; authOff: string };
}

const pem = (id: Identity, label: string): ClientIdentityPem => ({ certPem: id.chainPem(), keyPem: id.keyPem(), label });

/** What both runtimes deploy: Flink's overlay, the JobManager's client files, the proxy's files and environment. */
export interface ProxySetup {
  mtls: boolean;
  overlay: FlinkConfig;
  /** Client stores and client configurations, for Flink's CLI in the JobManager's container. */
  jobmanagerFiles: FileSpec[];
  /** nginx's configuration, certificate, key and client CA. */
  proxyFiles: FileSpec[];
  /** The auth service's credentials (demo values). */
  proxyEnv: Record<string, string>;
  confs: { viaProxy: string; viaProxyNoCert: string };
  secrets: ConfiguredSecret[];
}

export function proxySetup(ctx: ScenarioContext<ProxyMaterial>, v: ProxyVariant): ProxySetup {
  const m = ctx.material;
  const mtls = v.auth === 'mtls';
  const nginx: ProxyConf = { listenPort: PROXY_PORT, upstream: `http://127.0.0.1:${PORTS.rest}`, auth: ctx.fault === v.faults.authOff ? 'none' : v.auth };
  writeFileSync(join(ctx.pkiDir, 'proxy-ca.pem'), m.ca.certPem(), { mode: 0o600 });
  writeFileSync(join(ctx.pkiDir, 'client.pem'), m.client.keyPem() + m.client.chainPem(), { mode: 0o600 });
  // The documented pattern: REST on loopback only, the proxy beside it is the way in.
  const overlay = mergeConfig(
    internalSsl({ keystore: { path: `${SSL}/internal.keystore`, password: m.internalPassword }, truststore: { path: `${SSL}/internal.keystore`, password: m.internalPassword } }),
    { 'rest.bind-address': ctx.fault === v.faults.bindAll ? '0.0.0.0' : '127.0.0.1' },
  );
  // Flink's CLI as a user outside: through the proxy, trusting its CA; with mTLS it presents
  // the client certificate; otherwise it sends the token via FLINK_REST_CLIENT_HEADERS.
  const clientConf = (dir: string, conf: FlinkConfig): FileSpec => {
    const { fileName, content } = renderFlinkConfig(mergeConfig({ 'rest.address': JOBMANAGER_HOST, 'rest.port': PROXY_PORT }, conf), ctx.version);
    return { content, target: `${dir}/${fileName}`, mode: 0o600 };
  };
  const trust = { path: `${CLIENT_SSL}/proxy-ca.truststore`, password: CLIENT_PASSWORD };
  const confs = { viaProxy: '/opt/flink/client-conf-proxy', viaProxyNoCert: '/opt/flink/client-conf-proxy-nocert' };
  return {
    mtls,
    overlay,
    jobmanagerFiles: [
      { content: m.ca.truststore(CLIENT_PASSWORD), target: trust.path, mode: 0o600 },
      { content: m.client.keystore(CLIENT_PASSWORD), target: `${CLIENT_SSL}/client.keystore`, mode: 0o600 },
      clientConf(confs.viaProxy, restSsl({ truststore: trust, ...(mtls ? { keystore: { path: `${CLIENT_SSL}/client.keystore`, password: CLIENT_PASSWORD }, authentication: true } : {}) })),
      clientConf(confs.viaProxyNoCert, restSsl({ truststore: trust })),
    ],
    proxyFiles: [
      { content: renderNginxConf(nginx), target: PROXY_FILES.conf, mode: 0o644 },
      { content: m.proxy.chainPem(), target: PROXY_FILES.cert, mode: 0o644 },
      { content: m.proxy.keyPem(), target: PROXY_FILES.key, mode: 0o600 },
      { content: m.ca.certPem(), target: PROXY_FILES.clientCa, mode: 0o644 },
    ],
    proxyEnv: { AUTH_TOKEN: DEMO_TOKEN, AUTH_BASIC: `${DEMO_BASIC.user}:${DEMO_BASIC.password}` },
    confs,
    secrets: proxySecrets(m, overlay),
  };
}

/** A deployed proxy setup, however the runtime placed it. */
export interface ProxyDeployment {
  cluster: FlinkCluster;
  station: ProbeStation;
  /** Runs a command in the proxy's container, which shares the JobManager's network. */
  proxyExec(cmd: string[]): Promise<{ stdout: string }>;
  /** The proxy's log so far (nginx's access log included). */
  proxyLog(): string;
  /**
   * Where a client next to the JobManager reaches its REST port without the proxy: its name
   * (Docker) or its pod's address (Kubernetes: the Service does not forward the REST port).
   */
  directHost: string;
  logOf(name: string): string;
  /** Reads the Flink logs anew where they are not streamed (Kubernetes pods). */
  refreshLogs?: () => Promise<void>;
}

/** The Docker sandbox: Flink's containers, and nginx in the JobManager's network namespace. */
export async function runProxyScenario(ctx: ScenarioContext<ProxyMaterial>, v: ProxyVariant): Promise<CheckResult[]> {
  const { sandbox } = ctx;
  const m = ctx.material;
  const setup = proxySetup(ctx, v);
  const [cluster, station] = await ctx.phase('start', 'containers up (JobManager, 2 TaskManagers, probe)', () =>
    Promise.all([
      FlinkCluster.start(
        sandbox,
        clusterSpec(ctx as ScenarioContext, {
          overlay: () => setup.overlay,
          files: [{ content: m.internal.keystore(m.internalPassword), target: `${SSL}/internal.keystore`, mode: 0o600 }],
          jobmanagerFiles: setup.jobmanagerFiles,
        }),
      ),
      ProbeStation.start(sandbox, ctx.images.get('probe')),
    ]),
  );
  const proxy = await ctx.phase('start', 'proxy sidecar in the JobManager\'s network namespace', () =>
    sandbox.start({ name: 'proxy', image: ctx.images.get('proxy'), shareNetworkOf: `container:${sandbox.runId}-${JOBMANAGER_HOST}`, env: setup.proxyEnv, files: setup.proxyFiles, readyLog: PROXY_READY }),
  );
  return proxyChecks(ctx, setup, { cluster, station, proxyExec: (cmd) => proxy.exec(cmd), proxyLog: () => sandbox.logOf('proxy'), directHost: JOBMANAGER_HOST, logOf: (n) => sandbox.logOf(n) });
}

/** The proxy's start line (fixtures/proxy/start.sh): nginx's configuration passed `nginx -t`. */
export const PROXY_READY = /fss-proxy: nginx starting/;

/** The claims: the proxy is the only way in, for the REST API, a job and Flink's CLI; then what Flink shows of the secrets. */
export async function proxyChecks(ctx: ScenarioContext<ProxyMaterial>, setup: ProxySetup, d: ProxyDeployment): Promise<CheckResult[]> {
  const m = ctx.material;
  const { mtls, confs } = setup;
  const { cluster, station } = d;
  const url = (path: string) => `https://${JOBMANAGER_HOST}:${PROXY_PORT}${path}`;
  const good: Partial<HttpProbeRequest> = mtls ? { client: pem(m.client, 'client certificate signed by the proxy CA') } : { headers: { Authorization: `Bearer ${DEMO_TOKEN}` } };
  const ca = m.ca.certPem();
  const overview = await ctx.phase('ready', 'cluster ready (through the proxy, with credentials)', () =>
    cluster.waitForTaskManagers(station, { scheme: 'https', caPem: ca, ...good, port: PROXY_PORT }),
  );

  const checks = await ctx.phase('checks', 'proxy: anonymous, bad and good clients; direct access; job and CLI', async () => {
    const reqs = [
      { kind: 'http' as const, url: url('/overview'), caPem: ca },
      mtls ? { kind: 'http' as const, url: url('/overview'), caPem: ca, client: pem(m.foreignClient, 'a foreign self-signed client certificate') } : { kind: 'http' as const, url: url('/overview'), caPem: ca, headers: { Authorization: 'Bearer not-the-token' } },
      { kind: 'http' as const, url: url('/overview'), caPem: ca, ...good },
      { kind: 'tls' as const, host: d.directHost, port: PORTS.rest },
      { kind: 'plain' as const, host: d.directHost, port: PORTS.rest },
      { kind: 'tls' as const, host: JOBMANAGER_HOST, port: PROXY_PORT, caPem: ca, client: good.client },
      { kind: 'plain' as const, host: JOBMANAGER_HOST, port: PROXY_PORT },
    ];
    const [anon, bad, ok, directTls, directPlain, proxyTls, proxyPlain] = (await station.run(reqs)) as [HttpProbeResult, HttpProbeResult, HttpProbeResult, TlsProbeResult, PlainProbeResult, TlsProbeResult, PlainProbeResult];
    // The positive twin of "no direct access": inside the namespace REST does answer.
    const inside = await d.proxyExec(['node', '-e', `require('http').get('http://127.0.0.1:${PORTS.rest}/config',r=>{console.log(r.statusCode);process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(0)})`]);
    const httpWhat = (h: HttpProbeResult) => (h.status !== undefined ? `HTTP ${h.status}${h.status === 400 && h.body ? ` (${/<title>([^<]+)/.exec(h.body)?.[1] ?? ''})` : ''}` : `${h.code ?? ''} ${h.error ?? ''}`.trim());
    const flinkJson = (h: HttpProbeResult) => h.status === 200 && typeof (h.json as { taskmanagers?: number } | undefined)?.taskmanagers === 'number';
    // nginx's own refusal: 401/403 from auth_request; with ssl_verify_client its 400 page about the
    // certificate (a 400 for anything else, e.g. plain HTTP to the TLS port, is not this claim).
    const refusedStatus = (h: HttpProbeResult) => (mtls ? h.status === 400 && /SSL certificate/i.test(h.body ?? '') : h.status === 401 || h.status === 403);

    const withHeader: Record<string, string> = mtls ? {} : { FLINK_REST_CLIENT_HEADERS: `Authorization:Bearer ${DEMO_TOKEN}` };
    // The proxy's access log from here on: a refusal must be one the proxy logged for the CLI's own request.
    const proxyLines = logWindow(d.proxyLog);
    const [listGood, listNone, jobRefused, clusterResults] = await Promise.all([
      cluster.cli(['list'], confs.viaProxy, 30_000, { env: withHeader }),
      // The refused clients retry until stopped: once they printed the proxy's page, stop them.
      cluster.cli(['list'], mtls ? confs.viaProxyNoCert : confs.viaProxy, 15_000, { until: PROXY_PAGE }),
      cluster.cli(['run', '-d', '/opt/fss-job/cross-tm-job.jar'], mtls ? confs.viaProxyNoCert : confs.viaProxy, 20_000, { until: PROXY_PAGE }),
      clusterChecks(cluster, station, overview, { scheme: 'https', caPem: ca, ...good, port: PROXY_PORT }, confs.viaProxy, withHeader),
    ]);
    const refusal = mtls ? [400] : [401, 403];
    await waitForLines(proxyLines, new RegExp(`" (${refusal.join('|')}) `), 2);
    const job = clusterResults.find((c) => c.id === 'cluster.job-completes') as CheckResult;
    const credentials = mtls ? 'client certificate' : 'bearer token';
    const httpPlainAnswer = /^HTTP\/1\.[01] 2/.test(proxyPlain.httpStatusLine ?? '');
    return [
      ...clusterResults.filter((c) => c !== job),
      verdict('proxy.denies-anonymous', 'a request without credentials is refused', refusedStatus(anon) && !flinkJson(anon), `GET ${url('/overview')} without ${credentials}: ${httpWhat(anon)}`),
      verdict('proxy.denies-bad-credentials', `a wrong ${credentials} is refused`, refusedStatus(bad) && !flinkJson(bad), `${mtls ? 'foreign certificate' : 'wrong token'}: ${httpWhat(bad)}`),
      verdict('proxy.allows-valid-credentials', `the right ${credentials} gets Flink's real JSON`, flinkJson(ok), `${credentials}: ${httpWhat(ok)}${flinkJson(ok) ? ` (${(ok.json as { taskmanagers: number }).taskmanagers} TaskManagers)` : ''}`),
      verdict(
        'proxy.no-direct-access',
        `the JobManager's REST port ${PORTS.rest} refuses connections from the network, while it answers inside the pod`,
        // Refused by the JobManager's host (ECONNREFUSED), which the probe reaches on the proxy's port in
        // the same batch: not a name that does not resolve or a timeout.
        directTls.outcome === 'unreachable' && !directPlain.connected && /ECONNREFUSED/.test(directPlain.error ?? '') && proxyTls.outcome === 'established' && inside.stdout.trim() === '200',
        `from the probe to ${d.directHost}:${PORTS.rest}: ${directPlain.connected ? `connected (${directPlain.httpStatusLine ?? `${directPlain.bytes} bytes`})` : directPlain.error}; inside the JobManager's namespace 127.0.0.1:${PORTS.rest}/config → ${inside.stdout.trim()}`,
      ),
      verdict(
        'proxy.tls',
        'the proxy speaks TLS with our certificate',
        proxyTls.outcome === 'established' && proxyTls.authorized === true && proxyTls.peer?.sha1 === m.proxy.sha1(),
        `${proxyTls.protocol} ${proxyTls.cipher}, ${proxyTls.peer?.subject} (SHA-1 ${proxyTls.peer?.sha1}) verified by the proxy CA: ${proxyTls.authorized}`,
      ),
      verdict(
        'proxy.no-plain-http',
        'plain HTTP to the proxy gets no API answer',
        // Only meaningful while the same port serves TLS (a dead port gives no answer either).
        proxyTls.outcome === 'established' && proxyPlain.connected && !httpPlainAnswer,
        `plain HTTP → ${proxyPlain.connected ? (proxyPlain.httpStatusLine ?? `${proxyPlain.bytes} bytes`) : `no connection (${proxyPlain.error})`}`,
      ),
      { ...job, id: 'proxy.job-through-proxy', title: `a job submitted through the proxy with the ${credentials} completes`, evidence: `with ${credentials}: ${job.evidence}` },
      cliRefusedByProxy(
        'proxy.refuses-job-without-credentials',
        `flink run through the proxy without the ${credentials} is refused by the proxy`,
        { ...jobRefused, said: `${hung(jobRefused)} ${why(jobRefused.output)}`.trim() },
        proxyLines(),
        { method: 'POST', path: /\/v1\/jobs/ },
        refusal,
      ),
      verdict(
        'cli.through-proxy',
        mtls ? 'Flink\'s CLI presents its keystore to the proxy and lists jobs' : 'Flink\'s CLI sends the token (FLINK_REST_CLIENT_HEADERS) and lists jobs',
        listGood.exitCode === 0,
        `exit ${listGood.exitCode} ${listGood.exitCode === 0 ? listGood.output.trim().split('\n').slice(-1)[0] : why(listGood.output)}`,
      ),
      cliRefusedByProxy(
        'cli.refused-by-proxy',
        `Flink's CLI without the ${credentials} is refused by the proxy`,
        { ...listNone, said: `${hung(listNone)} ${why(listNone.output)}`.trim() },
        proxyLines(),
        { method: 'GET', path: /\/v1\/jobs\/overview/ },
        refusal,
      ),
      finding('proxy.auth-log', 'what the auth side logged', d.proxyLog().split('\n').filter((l) => /auth (allow|deny)|SSL|client sent no required/i.test(l)).slice(-4).join(' | ').slice(0, 400) || 'nothing'),
    ];
  });
  // Once the proxy's rows are done (its auth-log finding shows the clients', not these requests):
  // what Flink shows and logs of the secrets, read through the proxy as a client would.
  await d.refreshLogs?.();
  const exposure = await ctx.phase('checks', 'secrets: REST views through the proxy, logs, files', () =>
    secretExposureChecks(cluster, station, { scheme: 'https', caPem: ca, ...good, port: PROXY_PORT }, setup.secrets, { logOf: d.logOf }),
  );
  return [...checks, ...exposure];
}
