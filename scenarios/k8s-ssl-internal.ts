/**
 * Docs: "Example SSL Setup for Standalone Deployment and Kubernetes Deployment", and the
 * Kubernetes blog's advice: keystores and passwords as Secrets mounted into the pods, the rest of
 * the configuration in a ConfigMap, a JobManager Service, TaskManagers in a StatefulSet.
 *
 *   security.ssl.internal.enabled: true
 *   security.ssl.internal.keystore / truststore: the same file (mounted from a Secret)
 *   security.ssl.internal.keystore-password / truststore-password / key-password (from a Secret)
 *
 * The claims of ssl-internal, probed from a pod at the pods' addresses, plus what Kubernetes
 * adds: no password in objects everyone with read access sees, key files not world-readable.
 */
import { PORTS } from '../harness/config/cluster';
import { internalSsl } from '../harness/config/security';
import { clusterChecks } from '../harness/checks/cluster';
import { noPasswordInObjects, secretFilesNotWorldReadable, taskManagersSpread } from '../harness/checks/kube-objects';
import { portInventoryCheck } from '../harness/checks/port-inventory';
import { secretExposureChecks, secretIn } from '../harness/checks/secret-exposure';
import { mutualTlsEndpointChecks } from '../harness/checks/tls-endpoint';
import { FlinkConfig } from '../harness/config/flink-config';
import { KubeFlink, K8S_SECRET_DIR } from '../harness/kube/flink-deployment';
import { kubectlLine } from '../harness/kube/run-context';
import { Identity } from '../harness/pki';
import { CHANNEL_FAULTS, channelFaultConfig, internalEndpoints, internalKeyPair } from './lib/cluster';
import { restStaysPlaintext } from './ssl-internal';
import { Scenario } from './types';

const KEYSTORE = `${K8S_SECRET_DIR}/internal.keystore`;

interface Material {
  internal: Identity;
  intruder: Identity;
  password: string;
}

export const k8sSslInternal: Scenario<Material> = {
  name: 'k8s-ssl-internal',
  runtime: 'kubernetes',
  title: 'Kubernetes: internal mutual TLS, key material and passwords from Secrets',
  docSection: 'Security › SSL Setup › Example SSL Setup for Standalone Deployment and Kubernetes Deployment (+ Kubernetes blog: Secrets, StatefulSet)',
  description: 'Standalone Kubernetes deployment (JobManager Deployment + Service, TaskManager StatefulSet on two workers); internal SSL with the keystore and its password in Secrets; REST stays plain HTTP.',
  takesKeystore: 'security.ssl.internal.keystore',
  faults: {
    ...CHANNEL_FAULTS,
    'secret-world-readable': {
      setting: 'Secret volume defaultMode: 0444',
      description: 'the keystore Secret mounted world-readable (Kubernetes\' default mode is 0644)',
      expectRed: ['k8s.secret-files-not-world-readable'],
    },
    'passwords-as-arguments': {
      setting: 'args: -Dsecurity.ssl.internal.*-password=$(ENV), the env from the Secret',
      description: 'the passwords handed over as dynamic properties from Secret-backed environment variables: the objects stay clean, the JVM command line does not',
      expectRed: ['secrets.not-in-process-args'],
      evidence: { 'secrets.not-in-process-args': /pid \d+ \(java\): -Dsecurity\.ssl\.internal\.\S*password=.{3}…/ },
    },
    'password-in-configmap': {
      setting: 'security.ssl.internal.*-password in the ConfigMap',
      description: 'the store password written into the ConfigMap with the rest of the configuration, as users do',
      expectRed: ['k8s.no-password-in-objects'],
      evidence: { 'k8s.no-password-in-objects': /ConfigMap\/flink-config-\w+ .*holds the internal store password/ },
    },
  },

  prepare(inputs) {
    const { internal, internalPassword } = internalKeyPair(inputs);
    const intruder = Identity.selfSigned('intruder', { cn: 'flink.internal', ou: 'intruder' }, 2048);
    return { internal, intruder, password: internalPassword };
  },

  workshop: (ctx) => {
    const kc = kubectlLine(ctx.kube);
    if (!kc) return [];
    return [
      'Try it (kubectl of the cluster\'s own build):',
      `  ${kc} get pods -o wide`,
      `  ${kc} exec probe -- curl -s http://jobmanager:${PORTS.rest}/overview          # REST: plain HTTP, as the docs say`,
      `  ${kc} exec probe -- openssl s_client -connect jobmanager:${PORTS.blob} -brief </dev/null   # refused: no client certificate`,
      `  ${kc} get configmap flink-config-jobmanager -o yaml | grep -i password          # only the Secret holds it`,
    ];
  },

  async run(ctx) {
    const kube = ctx.kube as NonNullable<typeof ctx.kube>;
    const { version } = ctx;
    const { internal, intruder, password } = ctx.material;
    const faultConfig: Record<string, FlinkConfig> = channelFaultConfig(version);
    const ssl = internalSsl({ keystore: { path: KEYSTORE, password }, truststore: { path: KEYSTORE, password } });
    const overlay = { ...ssl, ...(ctx.fault ? faultConfig[ctx.fault] : {}) };
    const secrets = [secretIn('internal store password', password, ssl)];

    const [flinkImage, probeImage] = await Promise.all([ctx.images.get('flink'), ctx.images.get('probe')]);
    await kube.load([flinkImage]);
    const [kf, station] = await ctx.phase('start', `pods up in namespace ${kube.namespace} (JobManager, 2 TaskManagers, probe)`, () =>
      Promise.all([
        KubeFlink.deploy(kube.api, {
          namespace: kube.namespace,
          image: flinkImage,
          version,
          taskManagers: 2,
          slotsPerTaskManager: 2,
          overlay: () => overlay,
          secretFiles: { 'internal.keystore': internal.keystore(password) },
          secretMode: ctx.fault === 'secret-world-readable' ? 0o444 : 0o440,
          passwords: ctx.fault === 'password-in-configmap' ? 'configmap' : ctx.fault === 'passwords-as-arguments' ? 'arguments' : 'file',
          skipPreflight: ctx.skipPreflight,
        }),
        kube.probeStation(probeImage),
      ]),
    );
    const cluster = kf.cluster;
    try {
      const overview = await ctx.phase('ready', 'cluster ready (2 TaskManagers registered)', () => cluster.waitForTaskManagers(station, { scheme: 'http' }));
      return await ctx.phase('checks', 'job and probes', async () => {
        const asClient = (id: Identity, label: string) => ({ certPem: id.chainPem(), keyPem: id.keyPem(), label });
        const own = asClient(internal, 'cluster certificate');
        const nodes = cluster.nodes();
        const [cluster_, endpoints, rest, inventory, spread, objects, files] = await Promise.all([
          clusterChecks(cluster, station, overview, { scheme: 'http' }),
          mutualTlsEndpointChecks(station, internalEndpoints(cluster.jobManagerHost, cluster.taskManagerHost(0)), { own, foreign: asClient(intruder, 'foreign self-signed certificate'), expectedServerSha1: internal.sha1() }),
          restStaysPlaintext(station, cluster.jobManagerHost),
          // By pod address: a Service forwards only the ports it names, not Flink's random ones.
          portInventoryCheck(
            station,
            nodes.map((n, i) => ({ host: kf.pods.ips[n.name], container: n.container, known: (i === 0 ? { [PORTS.rest]: 'REST', [PORTS.jobmanagerRpc]: 'RPC', [PORTS.blob]: 'blob' } : { [PORTS.taskmanagerRpc]: 'RPC', [PORTS.taskmanagerData]: 'data' }) as Record<number, string> })),
            own,
          ),
          taskManagersSpread(kube.api, kube.namespace, kf.pods.taskmanagers),
          noPasswordInObjects(kube.api, kube.namespace, [{ label: 'internal store password', value: password }]),
          secretFilesNotWorldReadable(kf.secretMounts()),
        ]);
        await kf.refreshLogs();
        const exposure = await secretExposureChecks(cluster, station, { scheme: 'http' }, secrets, { logOf: (n) => cluster.logOf(n) });
        return [...cluster_, ...endpoints, rest, inventory, spread, objects, files, ...exposure];
      });
    } finally {
      await kf.refreshLogs().catch(() => undefined);
      kf.saveLogs(ctx.logsDir);
    }
  },
};
