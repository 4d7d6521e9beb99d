/**
 * Docs: "SSL Setup" › "Internal Connections", and the standalone example that goes with it.
 *
 *   keytool -genkeypair -alias flink.internal -keystore internal.keystore -dname "CN=flink.internal"
 *           -storepass internal_store_password -keyalg RSA -keysize 4096 -storetype PKCS12
 *
 *   security.ssl.internal.enabled: true
 *   security.ssl.internal.keystore / truststore: the same file
 *   security.ssl.internal.keystore-password / truststore-password / key-password
 *
 * What the docs promise: every internal channel (Pekko RPC, blob server, TaskManager data
 * plane) is encrypted and mutually authenticated; only holders of the shared key get in.
 * What they warn: internal SSL does not touch the REST endpoint.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBMANAGER_HOST, PORTS } from '../harness/config/cluster';
import { internalSsl } from '../harness/config/security';
import { CheckResult, verdict } from '../harness/checks/model';
import { mutualTlsEndpointChecks } from '../harness/checks/tls-endpoint';
import { clusterChecks } from '../harness/checks/cluster';
import { portInventoryCheck } from '../harness/checks/port-inventory';
import { secretsCheck } from '../harness/checks/secrets';
import { secretExposureChecks, secretIn } from '../harness/checks/secret-exposure';
import { FlinkConfig } from '../harness/config/flink-config';
import { Identity } from '../harness/pki';
import { HttpProbeResult, TlsProbeResult } from '../harness/probes/types';
import { FlinkCluster, taskManagerHost } from '../harness/runtime/flink-cluster';
import { ProbeStation } from '../harness/runtime/probe-station';
import { CHANNEL_FAULTS, channelFaultConfig, clusterSpec, DOCS_INTERNAL_PASSWORD, INTERNAL_ENDPOINTS, internalKeyPair } from './lib/cluster';
import { Scenario } from './types';

const KEYSTORE = '/opt/flink/ssl/internal.keystore';

interface Material {
  internal: Identity;
  intruder: Identity;
  password: string;
}

export const sslInternal: Scenario<Material> = {
  name: 'ssl-internal',
  title: 'Internal connections: mutual TLS with one self-signed key pair',
  docSection: 'Security › SSL Setup › Configuring SSL › Internal Connections (+ Example SSL Setup Standalone)',
  description: 'RPC, blob and data ports encrypted and mutually authenticated with one shared PKCS12 key pair; REST stays plain HTTP.',
  takesKeystore: 'security.ssl.internal.keystore',
  faults: {
    ...CHANNEL_FAULTS,
    'secret-in-jvm-opts': {
      setting: 'env.java.opts.all: -Djavax.net.ssl.keyStorePassword=<the store password>',
      description: 'the store password passed as a JVM option, a setting Flink does not mask',
      expectRed: ['secrets.rest-masked', 'secrets.not-in-logs', 'secrets.not-in-process-args'],
      evidence: {
        'secrets.not-in-process-args': /pid \d+ \(java\): -Djavax\.net\.ssl\.keyStorePassword=.{3}…/,
        'secrets.rest-masked': /\/jobmanager\/config: env\.java\.opts\.all = "-Djavax\.net\.ssl\.keyStorePassword=.{3}…"/,
        'secrets.not-in-logs': /JVM Options: -Djavax\.net\.ssl\.keyStorePassword=.{3}…/,
      },
    },
  },

  prepare(inputs) {
    // The docs' key pair (RSA 4096, CN=flink.internal, keystore = truststore), or the user's own.
    const { internal, internalPassword } = internalKeyPair(inputs);
    // An outsider with a perfectly good certificate the cluster has never seen (same CN, even).
    const intruder = Identity.selfSigned('intruder', { cn: 'flink.internal', ou: 'intruder' }, 2048);
    return { internal, intruder, password: internalPassword };
  },

  workshop: (ctx, port) => [
    `Try it:`,
    `  curl -s http://localhost:${port}/overview                          # REST: plain HTTP, as the docs say internal SSL leaves it`,
    `  docker exec ${ctx.sandbox.runId}-probe openssl s_client -connect ${JOBMANAGER_HOST}:${PORTS.blob} -brief </dev/null   # refused: no client certificate`,
    `  keytool -list -v -keystore ${ctx.pkiDir}/internal.keystore -storepass ${DOCS_INTERNAL_PASSWORD} | head   # the shared key pair (demo password)`,
  ],

  async run(ctx) {
    const { version, sandbox } = ctx;
    const { internal, intruder, password } = ctx.material;
    const keystore = internal.keystore(password);
    const hostCopy = join(ctx.pkiDir, 'internal.keystore');
    writeFileSync(hostCopy, keystore, { mode: 0o600 });

    const faultConfig: Record<string, FlinkConfig> = {
      ...channelFaultConfig(version),
      // As users do to hand a password to a library: Flink masks settings by name, not this one.
      'secret-in-jvm-opts': { 'env.java.opts.all': `-Djavax.net.ssl.keyStorePassword=${password}` },
    };
    const ssl = internalSsl({ keystore: { path: KEYSTORE, password }, truststore: { path: KEYSTORE, password } });
    const overlay = { ...ssl, ...(ctx.fault ? faultConfig[ctx.fault] : {}) };
    // The one secret this setup configures, and the settings that carry it.
    const secrets = [secretIn('internal store password', password, ssl)];

    const [cluster, station] = await ctx.phase('start', 'containers up (JobManager, 2 TaskManagers, probe)', () =>
      Promise.all([
        FlinkCluster.start(sandbox, clusterSpec(ctx, { overlay: () => overlay, files: [{ content: keystore, target: KEYSTORE, mode: 0o600 }] })),
        ProbeStation.start(sandbox, ctx.images.get('probe')),
      ]),
    );

    const overview = await ctx.phase('ready', 'cluster ready (2 TaskManagers registered)', () => cluster.waitForTaskManagers(station, { scheme: 'http' }));

    return ctx.phase('checks', 'job and probes', async () => {
      const asClient = (id: Identity, label: string) => ({ certPem: id.chainPem(), keyPem: id.keyPem(), label });
      // The job and the probes are independent: run them side by side.
      const own = asClient(internal, `cluster certificate (${internal.cert.subject.getField('CN')?.value ? `CN=${internal.cert.subject.getField('CN').value}` : 'own'})`);
      const nodes = [
        { host: JOBMANAGER_HOST, container: cluster.jobmanager },
        ...cluster.taskmanagers.map((c, i) => ({ host: taskManagerHost(i), container: c })),
      ];
      const [cluster_, endpoints, rest, inventory, modes] = await Promise.all([
        clusterChecks(cluster, station, overview, { scheme: 'http' }),
        mutualTlsEndpointChecks(station, INTERNAL_ENDPOINTS, {
          own,
          foreign: asClient(intruder, 'foreign self-signed certificate'),
          expectedServerSha1: internal.sha1(),
        }),
        restStaysPlaintext(station, JOBMANAGER_HOST),
        portInventoryCheck(
          station,
          [
            { host: JOBMANAGER_HOST, container: cluster.jobmanager, known: { [PORTS.rest]: 'REST', [PORTS.jobmanagerRpc]: 'RPC', [PORTS.blob]: 'blob' } },
            ...cluster.taskmanagers.map((c, i) => ({ host: taskManagerHost(i), container: c, known: { [PORTS.taskmanagerRpc]: 'RPC', [PORTS.taskmanagerData]: 'data' } })),
          ],
          own,
        ),
        secretsCheck(nodes, [KEYSTORE, `/opt/flink/conf/${version.configFileName}`], [hostCopy]),
      ]);
      // After the job: its views are part of what REST shows.
      const exposure = await secretExposureChecks(cluster, station, { scheme: 'http' }, secrets, { logOf: (n) => sandbox.logOf(n) });
      return [...cluster_, ...endpoints, rest, inventory, modes, ...exposure];
    });
  },
};

/** The docs: internal SSL does not cover REST. Plain HTTP answers with the cluster's JSON; TLS gets nowhere. */
export async function restStaysPlaintext(station: ProbeStation, host: string): Promise<CheckResult> {
  const [http, tls] = await station.run([
    { kind: 'http', url: `http://${host}:${PORTS.rest}/config` },
    { kind: 'tls', host, port: PORTS.rest },
  ]) as [HttpProbeResult, TlsProbeResult];
  const plain = http.status === 200 && typeof http.json === 'object';
  return verdict(
    'rest.plaintext',
    'REST stays plain HTTP with internal SSL alone (documented consequence)',
    plain && !tls.serverSpokeTls,
    `http://${host}:${PORTS.rest}/config → ${http.status ?? http.error}${plain ? ` (flink-version ${(http.json as Record<string, unknown>)['flink-version']})` : ''}; TLS client: ${tls.outcome}`,
  );
}
