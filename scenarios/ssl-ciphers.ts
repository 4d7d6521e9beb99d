/**
 * Docs: "Cipher suites" warning box — "choose strong cipher suites … RFC 7525":
 *
 *   security.ssl.algorithms: TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
 *                            TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
 *   security.ssl.protocol: TLSv1.2
 *
 * and "If these cipher suites are not supported in your setup, you will see that Flink
 * processes will not be able to connect to each other."
 *
 * Shown: per endpoint (REST, Pekko RPC, blob, data) which suites and versions the server
 * really accepts; a TaskManager with suites disjoint from the JobManager's never registers;
 * what the JDK disables, and what Flink's own default suite does on it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBMANAGER_HOST, PORTS } from '../harness/config/cluster';
import { FlinkConfig, mergeConfig } from '../harness/config/flink-config';
import { internalSsl, restSsl } from '../harness/config/security';
import { cipherPolicyChecks, scanSuites, SuiteScan } from '../harness/checks/ciphers';
import { KnownDeviation, sameSet } from '../harness/checks/deviations';
import { clusterChecks } from '../harness/checks/cluster';
import { CheckResult, finding, verdict } from '../harness/checks/model';
import { describeTls, Endpoint } from '../harness/checks/tls-endpoint';
import { Identity } from '../harness/pki';
import { secretExposureChecks, secretIn } from '../harness/checks/secret-exposure';
import { TlsProbeResult } from '../harness/probes/types';
import { FlinkCluster, FlinkClusterSpec } from '../harness/runtime/flink-cluster';
import { ProbeStation } from '../harness/runtime/probe-station';
import { clusterSpec, INTERNAL_ENDPOINTS, internalKeyPair, InternalKeyPair } from './lib/cluster';
import { Scenario } from './types';

/** The docs' RFC 7525 list. */
export const RFC7525 = [
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
];
const WEAK_ADDED = 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA';

/**
 * FLINK-39969: without client authentication the REST endpoint applies neither
 * security.ssl.algorithms nor security.ssl.protocol and serves the JDK's defaults. Identified by
 * exactly what it was seen to accept (Debian's OpenJDK 17.0.19, of the suites the probe offers):
 * any other set (an RC4, NULL or TLSv1 suite among them, say) is an ordinary FAIL.
 */
const REST_JDK_DEFAULTS = {
  suites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'],
  protocols: ['TLSv1.2', 'TLSv1.3'],
};
const restServesJdkDefaults = (c: CheckResult): boolean => {
  const scan = (c.data as { scan?: SuiteScan } | undefined)?.scan;
  if (!scan) return false;
  const protocols = Object.entries(scan.protocols).filter(([, ok]) => ok).map(([p]) => p);
  return sameSet(scan.accepted, REST_JDK_DEFAULTS.suites) && sameSet(protocols, REST_JDK_DEFAULTS.protocols);
};
const REST_DEVIATIONS: KnownDeviation[] = [
  {
    checks: ['rest.only-configured-suites', 'rest.refuses-weak-suites', 'rest.refuses-other-protocols'],
    seenOn: { from: '1.20.5', to: '2.3.0' },
    evidence: { text: `REST accepts exactly ${REST_JDK_DEFAULTS.suites.join(', ')} over ${REST_JDK_DEFAULTS.protocols.join(' and ')}`, matches: restServesJdkDefaults },
    upstream: 'FLINK-39969',
    reason: 'without client authentication the REST endpoint applies neither security.ssl.algorithms nor security.ssl.protocol (seen on 1.20.5, 2.1.1, 2.2.1, 2.3.0)',
  },
];
const PASSWORD = 'internal_store_password'; // demo value, of the REST stores (and the internal one unless --keystore)
const SSL = '/opt/flink/ssl';

// REST, Pekko RPC, blob and data: the TaskManager's RPC port is the same Pekko server as the JobManager's.
const ENDPOINTS: Endpoint[] = [{ id: 'rest', label: 'REST', host: JOBMANAGER_HOST, port: PORTS.rest }, ...INTERNAL_ENDPOINTS.filter((e) => e.id !== 'tm-rpc')];

export const sslCiphers: Scenario<InternalKeyPair & { rest: Identity }> = {
  name: 'ssl-ciphers',
  title: 'Cipher suites and protocol: the RFC 7525 list, enforced per endpoint',
  docSection: 'Security › SSL Setup › Cipher suites (warning box); security.ssl.algorithms, security.ssl.protocol',
  description: 'Enumerates accepted suites and TLS versions on REST, RPC, blob and data ports; shows that disjoint suites keep a TaskManager out; reports the JDK\'s disabled algorithms and Flink\'s default suite on it.',
  knownDeviations: REST_DEVIATIONS,
  faults: {
    'weak-suite-allowed': {
      setting: `security.ssl.algorithms: <RFC 7525 list>,${WEAK_ADDED}`,
      description: 'a CBC/SHA-1 suite added to the allowed list',
      expectRed: ['*.refuses-weak-suites', '*.only-configured-suites'],
    },
    'protocol-widened': {
      setting: 'security.ssl.protocol: TLSv1.2,TLSv1.3 (and TLS 1.3 suites added)',
      description: 'bad input: TLS 1.3 allowed beside TLSv1.2 — Flink takes one version only',
      expectRed: [],
      badInput: {
        preflight: /^security\.ssl\.protocol: "TLSv1\.2,TLSv1\.3" is a list/,
        // 1.20.5 splices the value into Pekko's HOCON unescaped; the JobManager does not start.
        flink: /^jobmanager did not start: .*ConfigException\$Parse.*TLSv1\.3/,
      },
    },
  },
  takesKeystore: 'security.ssl.internal.keystore',
  prepare: (inputs) => ({
    ...internalKeyPair(inputs),
    rest: Identity.selfSigned('flink.rest', { cn: JOBMANAGER_HOST, san: { dns: [JOBMANAGER_HOST] } }),
  }),

  async run(ctx) {
    const { sandbox } = ctx;
    const { internal, internalPassword, rest } = ctx.material;
    // The documented policy the checks hold every endpoint to; a fault changes only Flink's config.
    const policy = { algorithms: RFC7525, protocol: 'TLSv1.2' };
    const algorithms = ctx.fault === 'weak-suite-allowed' ? [...RFC7525, WEAK_ADDED] : ctx.fault === 'protocol-widened' ? [...RFC7525, 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'] : RFC7525;
    const protocol = ctx.fault === 'protocol-widened' ? 'TLSv1.2,TLSv1.3' : 'TLSv1.2';
    writeFileSync(join(ctx.pkiDir, 'internal.keystore'), internal.keystore(internalPassword), { mode: 0o600 });
    const stores = (p: { algorithms?: string[]; protocol?: string }) =>
      mergeConfig(
        internalSsl({ keystore: { path: `${SSL}/internal.keystore`, password: internalPassword }, truststore: { path: `${SSL}/internal.keystore`, password: internalPassword }, ...p }),
        restSsl({ keystore: { path: `${SSL}/rest.keystore`, password: PASSWORD }, truststore: { path: `${SSL}/rest.truststore`, password: PASSWORD }, ...p }),
      );
    const spec = (overlay: FlinkClusterSpec['overlay'], containerPrefix = ''): FlinkClusterSpec =>
      clusterSpec(ctx, {
        overlay,
      files: [
        { content: internal.keystore(internalPassword), target: `${SSL}/internal.keystore`, mode: 0o600 },
        { content: rest.keystore(PASSWORD), target: `${SSL}/rest.keystore`, mode: 0o600 },
        { content: rest.truststore(PASSWORD), target: `${SSL}/rest.truststore`, mode: 0o600 },
      ],
      containerPrefix,
    });
    const own = { certPem: internal.certPem(), keyPem: internal.keyPem(), label: 'cluster certificate' };
    const ready = { scheme: 'https' as const, insecure: true };
    const secrets = [secretIn('internal store password', internalPassword, stores({})), secretIn('REST store password', PASSWORD, stores({}))];

    const [cluster, station] = await ctx.phase('start', 'containers up (cluster with the RFC 7525 suites, probe)', () =>
      Promise.all([FlinkCluster.start(sandbox, spec(() => stores({ algorithms, protocol }))), ProbeStation.start(sandbox, ctx.images.get('probe'))]),
    );
    const overview = await ctx.phase('ready', 'cluster ready', () => cluster.waitForTaskManagers(station, ready));

    const main = await ctx.phase('checks', 'job, suite and protocol enumeration', async () => {
      const [clusterResults, scan, jdk] = await Promise.all([
        clusterChecks(cluster, station, overview, ready),
        scanSuites(station, ENDPOINTS, own),
        cluster.jobmanager.exec(['sh', '-c', 'java -version 2>&1 | head -1; grep -A4 "^jdk.tls.disabledAlgorithms" "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/conf/security/java.security"']),
      ]);
      const exposure = await secretExposureChecks(cluster, station, ready, secrets, { logOf: (n) => sandbox.logOf(n) });
      const timing = scan.scans.map((s) => `${s.endpoint.id} ${(s.ms / 1000).toFixed(1)}s`).join(', ');
      return [
        ...clusterResults,
        ...cipherPolicyChecks(scan.scans, policy),
        finding('ciphers.enumeration-time', `${scan.handshakes} handshakes over ${ENDPOINTS.length} endpoints`, `all in parallel: ${(scan.totalMs / 1000).toFixed(1)}s in all; slowest handshake per endpoint: ${timing}`),
        finding('jdk.disabled-algorithms', 'the Java runtime\'s own TLS restrictions', jdk.stdout.replace(/\\\n\s*/g, ' ').replace(/\s+/g, ' ').trim()),
        ...exposure,
      ];
    });

    // The documented failure: JobManager and TaskManagers with disjoint suites.
    const disjoint = await ctx.phase('checks', 'disjoint suites: JobManager AES-128-GCM only, TaskManagers AES-256-GCM only', async () => {
      await cluster.remove(sandbox);
      const c = await FlinkCluster.start(sandbox, spec((n) => stores({ algorithms: [n.role === 'jobmanager' ? RFC7525[1] : RFC7525[3]] }), 'disjoint-'));
      const ov = await c.waitForTaskManagers(station, ready, 25_000);
      const registered = (ov.json as { taskmanagers?: number } | undefined)?.taskmanagers ?? -1;
      const log = sandbox.logOf('disjoint-taskmanager-1');
      const why = log.split('\n').find((l) => /no cipher suites in common|handshake_failure|SSLHandshakeException|Handshake failed/i.test(l))?.replace(/^\S+\s+\S+\s+/, '').trim();
      await c.remove(sandbox);
      return verdict(
        'cluster.mismatched-suites-cannot-connect',
        'with suites disjoint from the JobManager\'s, a TaskManager cannot connect (as the docs warn)',
        registered === 0 && !!why,
        `after 25s ${registered} of 2 TaskManagers registered; TaskManager log: ${why?.slice(0, 300) ?? 'no handshake failure logged'}`,
      );
    });

    // Flink's code default for security.ssl.algorithms on this JDK.
    const defaults = await ctx.phase('checks', 'Flink\'s default suite (security.ssl.algorithms unset) on this JDK', async () => {
      const noAlgorithms = (): FlinkConfig => {
        const conf = stores({});
        delete conf['security.ssl.algorithms'];
        return conf;
      };
      const c = await FlinkCluster.start(sandbox, spec(noAlgorithms, 'default-'));
      const ov = await c.waitForTaskManagers(station, ready, 25_000);
      const registered = (ov.json as { taskmanagers?: number } | undefined)?.taskmanagers ?? -1;
      const rpc = await station.one<TlsProbeResult>({ kind: 'tls', host: JOBMANAGER_HOST, port: PORTS.jobmanagerRpc, client: own });
      const why = sandbox.logOf('default-taskmanager-1').split('\n').find((l) => /no cipher suites in common|SSLHandshakeException|Handshake failed/i.test(l))?.replace(/^\S+\s+\S+\s+/, '').trim();
      return finding(
        'flink.default-suite-on-this-jdk',
        'a cluster without security.ssl.algorithms (Flink\'s default TLS_RSA_WITH_AES_128_CBC_SHA)',
        `${registered} of 2 TaskManagers registered after ${(ov.elapsedMs / 1000).toFixed(0)}s; JobManager RPC to a modern client: ${describeTls(rpc)}${why ? `; TaskManager log: ${why.slice(0, 200)}` : ''}`,
      );
    });
    return [...main, disjoint, defaults] as CheckResult[];
  },
};
