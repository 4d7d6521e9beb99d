/**
 * Docs: "Running a Secure Flink Cluster in YARN" (keystores distributed by the deployment phase)
 * and "Tips for a YARN Deployment":
 *
 *   Copy the keystore and truststore files into a local directory (i.e. deploy-keys/) and start
 *   the YARN session like this:  flink run -m yarn-cluster -yt deploy-keys/ flinkapp.jar
 *
 * Internal SSL and REST SSL, the store paths relative (deploy-keys/…), so they resolve in the
 * client's folder and in the working folder of every YARN container. The claims of ssl-internal
 * against the JobManager and TaskManager wherever YARN put them (ports found at run time), a
 * job across both NodeManagers, REST over TLS with the shipped truststore.
 */
import { HttpProbeResult, PlainProbeResult, TlsProbeResult } from '../harness/probes/types';
import { CheckResult, finding, verdict } from '../harness/checks/model';
import { hung, TLS_REFUSAL, why } from '../harness/checks/flink-cli';
import { judgeHoldingJob, judgeLocalized, localizedFiles } from '../harness/checks/yarn';
import { RESOURCE_MANAGER, RM_WEB_PORT, YARN_CLIENT } from '../harness/config/hadoop';
import { internalSsl } from '../harness/config/security';
import { Identity } from '../harness/pki';
import { ProbeStation } from '../harness/runtime/probe-station';
import { submitToYarn } from '../harness/runtime/yarn-flink';
import { internalKeyPair } from './lib/cluster';
import { CLIENT_DIR, clientFiles, containerLog, deployArgs, deployedCheck, deployOnYarn, DOCS_COMMAND, internalEndpointChecks, JOB_KEYS, JOB_N, NODE_MANAGERS, restStores, SHIP_DIR, shippedRestSsl, YarnRun, yarnFlinkBase } from './lib/yarn';
import { Scenario } from './types';


interface Material {
  internal: Identity;
  intruder: Identity;
  rest: Identity;
  password: string;
}

const shipped = (file: string) => `${SHIP_DIR}/${file}`;
/** A REST key pair naming both NodeManagers (the JobManager may land on either: the docs' tip). */
const restIdentity = () => Identity.selfSigned('flink.rest', { cn: NODE_MANAGERS[0], san: { dns: NODE_MANAGERS, ip: [] } }, 2048);

export const yarnSslShipFiles: Scenario<Material> = {
  name: 'yarn-ssl-ship-files',
  runtime: 'yarn',
  title: 'YARN: internal and REST SSL, the stores shipped with the deployment (-yt deploy-keys/)',
  docSection: 'Security › Running a Secure Flink Cluster in YARN; SSL Setup › Tips for a YARN Deployment',
  description: 'Hadoop YARN (ResourceManager, 2 NodeManagers); the client ships deploy-keys/ with the docs\' command; internal mutual TLS and REST TLS checked against the containers wherever YARN placed them.',
  takesKeystore: 'security.ssl.internal.keystore',
  images: ['hadoop'],
  faults: {
    'ship-files-missing': {
      setting: `the docs' command without -yt ${SHIP_DIR}/ (2.x: without yarn.ship-files)`,
      description: 'the stores are not shipped: the relative paths lead nowhere in the YARN containers',
      expectRed: ['yarn.flink-deployed', 'yarn.stores-localized'],
      evidence: { 'yarn.stores-localized': /NoSuchFileException: deploy-keys\/internal\.keystore/ },
    },
    'internal-ssl-off': {
      setting: 'security.ssl.internal.enabled: false',
      description: 'internal SSL switched off; the stores are still shipped',
      expectRed: ['jm-rpc.*', 'tm-rpc.*', 'blob.*', 'data.*'],
    },
    'rest-ssl-off': {
      setting: 'security.ssl.rest.enabled: false',
      description: 'REST served over plain HTTP on the NodeManager the JobManager landed on',
      // Flink's CLI follows the same configuration and lists the job over plain HTTP.
      expectRed: ['rest.*'],
    },
    'rest-truststore-mismatch': {
      setting: `${SHIP_DIR}/rest.truststore holds another certificate than the REST keystore's`,
      description: 'the truststore shipped with the client does not hold the REST certificate',
      expectRed: ['rest.trusted-with-shipped-truststore', 'cli.list-with-shipped-truststore'],
    },
  },

  prepare(inputs) {
    const { internal, internalPassword } = internalKeyPair(inputs);
    const intruder = Identity.selfSigned('intruder', { cn: 'flink.internal', ou: 'intruder' }, 2048);
    // The JobManager may land on either NodeManager: the REST certificate names both (docs' tip).
    const rest = restIdentity();
    return { internal, intruder, rest, password: internalPassword };
  },

  workshop: (ctx) => [
    'Try it:',
    `  docker exec ${ctx.sandbox.runId}-${YARN_CLIENT} yarn application -list                 # the Flink application and its Tracking-URL`,
    `  docker exec ${ctx.sandbox.runId}-${YARN_CLIENT} yarn node -list -showDetails`,
    `  docker exec ${ctx.sandbox.runId}-probe curl -s http://${RESOURCE_MANAGER}:${RM_WEB_PORT}/ws/v1/cluster/apps | head -c 600`,
    `  docker exec -w ${CLIENT_DIR} ${ctx.sandbox.runId}-${YARN_CLIENT} ls -l ${SHIP_DIR}/                     # what the client ships`,
  ],

  async run(ctx) {
    const { version, fault } = ctx;
    const { internal, intruder, rest, password } = ctx.material;
    // What the clients trust: the REST certificate, or (fault) another one of the same names.
    const trusted = fault === 'rest-truststore-mismatch' ? restIdentity() : rest;
    const files: Record<string, Buffer> = { 'internal.keystore': internal.keystore(password), ...restStores(rest, trusted) };
    const conf = {
      ...yarnFlinkBase(),
      ...internalSsl({ keystore: { path: shipped('internal.keystore'), password }, truststore: { path: shipped('internal.keystore'), password } }),
      ...shippedRestSsl(),
      ...(fault === 'internal-ssl-off' ? { 'security.ssl.internal.enabled': false } : {}),
      ...(fault === 'rest-ssl-off' ? { 'security.ssl.rest.enabled': false } : {}),
    };
    const restOn = fault !== 'rest-ssl-off';
    const major = version.parts[0];
    const checks: CheckResult[] = [];

    const args = deployArgs(version, { ship: fault !== 'ship-files-missing', jobArgs: [String(JOB_N), String(JOB_KEYS)] });
    // Discovery trusts the REST certificate itself: what a fault does to the clients' truststore is the checks' business.
    const run = await deployOnYarn(ctx, { clientFiles: clientFiles(conf, version, { [CLIENT_DIR]: files }) }, args, { scheme: restOn ? 'https' : 'http', caPem: rest.certPem() });
    if (major >= 2) checks.push(await docsCommandOn2x(run));
    checks.push(deployedCheck(run, major >= 2 ? args.join(' ') : DOCS_COMMAND));
    const f = run.flink;
    // Flink did not come up: the JobManager's own word on a store it could not find is the evidence.
    if (!f) return [...checks, ...(missingStore(run.failure) ? [verdict('yarn.stores-localized', `the shipped ${SHIP_DIR}/ reached every Flink container`, false, `the JobManager could not open a shipped store: ${missingStore(run.failure)}`)] : [])];

    return ctx.phase('checks', 'localized stores, internal endpoints, REST, CLI and the job', async () => {
      const jm = f.jobManager;
      const [localized, endpoints, restChecks, cli] = await Promise.all([
        Promise.all(run.containers.map(async (c) => ({ c, ...(await localizedFiles(c, f.app.id, SHIP_DIR)) }))),
        internalEndpointChecks(run.station, f, internal, intruder),
        restTls(run.station, jm.host, jm.restPort, trusted.certPem()),
        cliList(run, major),
      ]);
      const job = await jobResult(run);
      return [...checks, judgeLocalized(SHIP_DIR, files, localized), ...endpoints, ...restChecks, cli, job];
    });
  },
};

/**
 * REST on the NodeManager the JobManager landed on: TLS only; a client with the shipped
 * truststore gets the cluster's JSON; one with the system CAs only is refused for trust.
 */
async function restTls(station: ProbeStation, host: string, port: number, trustPem: string): Promise<CheckResult[]> {
  const url = `https://${host}:${port}/overview`;
  const [tls, plain, trusted, untrusted] = (await station.run([
    { kind: 'tls', host, port, caPem: trustPem },
    { kind: 'plain', host, port },
    { kind: 'http', url, caPem: trustPem },
    { kind: 'http', url },
  ])) as [TlsProbeResult, PlainProbeResult, HttpProbeResult, HttpProbeResult];
  const tms = (trusted.json as { taskmanagers?: number } | undefined)?.taskmanagers;
  return [
    // Flink answers plain HTTP on its TLS port with a redirect to https: no API data, so that
    // passes; a 2xx (the API over plain HTTP) does not.
    verdict(
      'rest.requires-tls',
      'REST speaks TLS with the shipped certificate; plain HTTP gets no API answer',
      tls.outcome === 'established' && tls.serverSpokeTls && plain.connected && !(plain.looksLikeHttp && /^HTTP\/1\.[01] 2\d\d/.test(plain.httpStatusLine ?? '')),
      `${host}:${port}: TLS ${tls.outcome}${tls.peer ? `, server certificate ${tls.peer.subject} (SAN ${tls.peer.san ?? '-'})` : ''}${tls.error ? `: ${tls.error}` : ''}; plain HTTP: ${plain.connected ? (plain.looksLikeHttp ? `"${plain.httpStatusLine}"${plain.location ? `, Location: ${plain.location}` : ''}` : `${plain.bytes} bytes, no HTTP`) : `no connection (${plain.error})`}`,
    ),
    verdict('rest.trusted-with-shipped-truststore', 'a client with the shipped truststore gets the cluster\'s JSON (name verified)', trusted.status === 200 && tms === 2, `${url}: ${trusted.status !== undefined ? `HTTP ${trusted.status}, ${tms} TaskManagers` : `${trusted.code ?? ''} ${trusted.error ?? ''}`}`),
    verdict(
      'rest.untrusted-without-truststore',
      'a client with only the system CAs is refused for trust (not for a dead port)',
      untrusted.status === undefined && /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED/.test(untrusted.code ?? ''),
      `${url}: ${untrusted.status !== undefined ? `HTTP ${untrusted.status}` : `${untrusted.code ?? ''} ${untrusted.error ?? ''}`}`,
    ),
  ];
}

/** Flink's CLI lists the job through the cluster's REST API, with the shipped truststore (relative path). */
async function cliList(run: YarnRun, major: number): Promise<CheckResult> {
  const app = run.flink?.app.id as string;
  const args = major >= 2 ? ['list', '-t', 'yarn-application', `-Dyarn.application.id=${app}`] : ['list', '-m', 'yarn-cluster', '-yid', app];
  // Flink's REST client retries a refused handshake until stopped: stop it at the refusal.
  const r = await submitToYarn(run.yarn, args, { cwd: CLIENT_DIR, timeoutMs: 45_000, tlsDebug: true, until: TLS_REFUSAL });
  const listed = /fss-cross-tm-holding \(RUNNING\)/.test(r.output);
  return verdict(
    'cli.list-with-shipped-truststore',
    `\`flink ${args.join(' ')}\` lists the running job over REST`,
    listed && r.exitCode === 0,
    listed ? `exit ${r.exitCode}: ${r.output.match(/^.*fss-cross-tm-holding.*$/m)?.[0].trim()}` : `exit ${r.exitCode}: ${why(r.output)}${hung(r)}`,
  );
}

/** The TaskManagers' stdout (YARN keeps it in the container's log folder), polled until every key's final sum is there. */
async function jobResult(run: YarnRun): Promise<CheckResult> {
  const app = run.flink?.app.id as string;
  const tms = run.containers.filter((c) => c.role === 'TaskManager');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const outs = await Promise.all(tms.map(async (c) => ({ id: c.id, host: c.host, stdout: await containerLog(c, app, 'taskmanager.out') })));
    const judged = judgeHoldingJob(JOB_N, JOB_KEYS, outs);
    if (judged.status === 'PASS' || Date.now() > deadline) return judged;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The exception a JobManager logs for a store path under the shipped folder that is not there. */
function missingStore(failure?: string): string | undefined {
  return new RegExp(`\\b(?:NoSuchFileException|FileNotFoundException): ${SHIP_DIR}/\\S+`).exec(failure ?? '')?.[0];
}

/** Flink 2.x: the docs' per-job command is gone; what the client says when given it. */
async function docsCommandOn2x(run: YarnRun): Promise<CheckResult> {
  const r = await submitToYarn(run.yarn, ['run', '-m', 'yarn-cluster', '-yt', `${SHIP_DIR}/`, '-d', '/opt/fss-job/holding-cross-tm-job.jar'], { cwd: CLIENT_DIR, timeoutMs: 60_000 });
  // The client's own complaint, not its log of the arguments it was given.
  const lines = r.output.split('\n').map((l) => l.trim()).filter((l) => l && !/^\d{4}-\d\d-\d\d [\d:,]+\s+INFO /.test(l));
  const said = lines.filter((l) => /^Caused by: /.test(l)).pop() ?? lines.find((l) => /Unrecognized option|Exception: |Could not|invalid/i.test(l)) ?? lines.pop();
  return finding('doc.command-removed', `the docs' \`${DOCS_COMMAND}\` on Flink 2 (per-job mode and -y options removed)`, `exit ${r.exitCode}: ${said?.slice(0, 240)}; used instead: flink run -t yarn-application -Dyarn.ship-files=${SHIP_DIR}`);
}
