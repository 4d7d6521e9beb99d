/**
 * "Running a Secure Flink Cluster in Kubernetes": in native Kubernetes mode the keytab is copied
 * from the client into the containers, and krb5.conf is uploaded when
 * security.kerberos.krb5-conf.path is set. Only the client has them:
 *
 *   security.kerberos.login.use-ticket-cache: false
 *   security.kerberos.login.keytab: /opt/flink/client-kerberos/flink.keytab
 *   security.kerberos.login.principal: flink@SANDBOX.TEST
 *   security.kerberos.login.contexts: KafkaClient
 *   security.kerberos.krb5-conf.path: /opt/flink/client-kerberos/krb5.conf
 *
 * Around it the services of kerberos-kafka as pods of the namespace: the MIT KDC and a KRaft
 * broker with a GSSAPI listener and ACLs, their principals for their Service names
 * (kafka/kafka.<ns>.svc.cluster.local). Shown: the objects Flink made for the files, the files
 * in the JobManager and TaskManager pods, a job reading a Kerberized topic with them, and that
 * another namespace cannot read the keytab Secret.
 */
import { createHash } from 'node:crypto';
import { KAFKA_PORTS, kafkaPrincipal, kraftClusterId } from '../harness/config/kafka';
import { PrincipalSpec, principal, realmHosts, renderKrb5Conf } from '../harness/config/kerberos';
import { describeModes, judgeMounted, judgeOutsiderRefused, judgeShipped, NamespacedObject, parseApiAnswer, PodFile, PodKerberos, shippedObject } from '../harness/checks/kube-kerberos';
import { serviceAccountUser } from '../harness/checks/kube-rbac';
import { KubeApi, KubeObject, PodHandle, waitForPods } from '../harness/kube/api';
import { NativeSession, nativeBase, nativeSelector } from '../harness/kube/native-session';
import { nativeAccounts, role, roleBinding } from '../harness/kube/rbac';
import { kubectlLine } from '../harness/kube/run-context';
import { namespaceDomain } from '../harness/kube/flink-deployment';
import { startServicePod } from '../harness/kube/service-pod';
import { Identity } from '../harness/pki';
import { documentedKerberosBroker, setUpTopics } from '../harness/runtime/kafka';
import { kcat } from '../harness/runtime/kcat';
import { startKdc, StartService, waitForKdc } from '../harness/runtime/kerberos';
import { preflightStores } from '../harness/runtime/preflight';
import { FileSpec } from '../harness/runtime/sandbox';
import { judgeTopicRead, kafkaReadJobArgs } from './lib/kafka-job';
import { canI } from './lib/user-code-api';
import { Scenario } from './types';

const CLUSTER_ID = 'fss-krb';
const JM_SA = 'flink';
const TM_SA = 'flink-tm';
const OUTSIDER = 'outsider';
const CLIENT_DIR = '/opt/flink/client-kerberos';
const CLIENT_KEYTAB = `${CLIENT_DIR}/flink.keytab`;
const CLIENT_KRB5 = `${CLIENT_DIR}/krb5.conf`;
const KEYTABS = '/keytabs';
const TOPIC = 'flink-input';
const RECORDS = 100;
// Demo values: never for real use.
const KDC_MASTER_PASSWORD = 'kdc-master-demo-password';
const KAFKA_STORE_PASSWORD = 'kafka_store_password';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Material {
  kafkaCa: Identity;
  clusterId: string;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export const k8sKerberosNative: Scenario<Material> = {
  name: 'k8s-kerberos-native',
  runtime: 'kubernetes',
  title: 'Native Kubernetes mode ships the client\'s keytab and krb5.conf; a job reads a Kerberized Kafka topic with them',
  docSection: 'Security › Running a Secure Flink Cluster in Kubernetes (keytab copied from the client, krb5.conf uploaded with security.kerberos.krb5-conf.path); Kafka connector with SASL_PLAINTEXT',
  description: 'KDC and Kerberized Kafka as pods; only the client pod holds keytab and krb5.conf; Flink creates a Secret and a ConfigMap, mounts them into JobManager and TaskManager pods; the job reads all records; another namespace is refused the Secret.',
  images: ['kerberos', 'kafka', 'flink-kafka'],
  faults: {
    'krb5-conf-unset': {
      setting: 'security.kerberos.krb5-conf.path unset on the client',
      description: 'the client does not upload krb5.conf: the pods have none, so the Kafka client cannot find the realm\'s KDC',
      expectRed: ['native.krb5conf-configmap', 'native.kerberos-mounted', 'flink.job-reads-kerberized-topic'],
      evidence: { 'native.kerberos-mounted': /krb5\.conf \/etc\/krb5\.conf: missing/, 'flink.job-reads-kerberized-topic': /Cannot locate KDC/ },
    },
    'keytab-unset': {
      setting: 'security.kerberos.login.keytab, .principal and .use-ticket-cache unset on the client (the keytab file still there)',
      description: 'nothing tells Flink to ship the keytab: no Secret, no keytab in the pods, and the job cannot log in',
      expectRed: ['native.keytab-secret', 'native.kerberos-mounted', 'flink.job-reads-kerberized-topic'],
      evidence: { 'native.kerberos-mounted': /no keytab volume/ },
    },
    'wrong-principal': {
      setting: 'security.kerberos.login.principal: flink/jobmanager@SANDBOX.TEST (not in the keytab)',
      description: 'the shipped keytab has no key for the configured principal',
      expectRed: ['flink.job-reads-kerberized-topic'],
      evidence: { 'flink.job-reads-kerberized-topic': /Unable to obtain password from user|LoginException/ },
    },
    'keytab-missing-on-client': {
      setting: `security.kerberos.login.keytab: ${CLIENT_KEYTAB}, not on the client`,
      description: 'the client is told to ship a keytab it does not have: Flink 1.20.5\'s client refuses to deploy (not a warning and a later login failure)',
      expectRed: [],
      badInput: {
        preflight: /^security\.kerberos\.login\.keytab names \/opt\/flink\/client-kerberos\/flink\.keytab, which does not exist in the client pod$/,
        flink: /^kubernetes-session\.sh failed \(exit 1\): .*Kerberos login configuration is invalid: keytab \[\/opt\/flink\/client-kerberos\/flink\.keytab\] doesn't exist!/,
      },
    },
    'secret-granted-to-other-namespace': {
      setting: `RoleBinding in the job's namespace: get secrets for ${OUTSIDER}'s default account`,
      description: 'another namespace\'s account may read Secrets of this one: the keytab with them',
      expectRed: ['native.keytab-secret-other-namespace'],
      evidence: { 'native.keytab-secret-other-namespace': /200: the Secret, keytab included/ },
    },
  },

  prepare: () => ({ kafkaCa: Identity.selfSigned('kafka-ca', { cn: 'Sandbox Kafka CA', isCa: true }, 2048), clusterId: kraftClusterId() }),

  workshop: (ctx) => {
    const kc = kubectlLine(ctx.kube);
    if (!kc) return [];
    return [
      'Try it (kubectl of the cluster\'s own build; keytabs are per-run random keys):',
      `  ${kc} get secrets,configmaps -o custom-columns=KIND:.kind,NAME:.metadata.name,OWNER:.metadata.ownerReferences[0].name    # Flink's: owner ${CLUSTER_ID}`,
      `  ${kc} get pods -l app=${CLUSTER_ID} -o jsonpath='{range .items[*]}{.metadata.name}{": "}{.spec.containers[0].volumeMounts[*].mountPath}{"\\n"}{end}'`,
      `  ${kc} exec kafka-client -- klist -kt ${KEYTABS}/client.keytab`,
      `  ${kc} exec flink-client -- /opt/flink/bin/fss-entrypoint cli list --target kubernetes-session`,
    ];
  },

  async run(ctx) {
    const kube = ctx.kube as NonNullable<typeof ctx.kube>;
    const { fault, material: m } = ctx;
    const ns = kube.namespace;
    const hosts = realmHosts(namespaceDomain(ns));
    const kafkaPrincipalName = kafkaPrincipal(hosts.kafka);
    const principals: PrincipalSpec[] = [
      { name: kafkaPrincipalName, keytab: 'kafka.keytab' },
      { name: 'admin', keytab: 'admin.keytab' },
      { name: 'flink', keytab: 'flink.keytab' },
      { name: 'client', keytab: 'client.keytab' },
    ];
    const krb5Conf = renderKrb5Conf({ hosts });
    const bootstrap = `${hosts.kafka}:${KAFKA_PORTS.kerberos}`;
    const start: StartService = (s) => startServicePod(kube.api, ns, s);
    const [flinkImage, kerberosImage, kafkaImage, probeImage] = await Promise.all([ctx.images.get('flink-kafka'), ctx.images.get('kerberos'), ctx.images.get('kafka'), ctx.images.get('probe')]);
    const config = {
      ...nativeBase({ namespace: ns, image: flinkImage, clusterId: CLUSTER_ID }),
      'taskmanager.numberOfTaskSlots': 2,
      // One TaskManager pod from the start, whatever the job does: a job that fails on the
      // JobManager (a bad login) withdraws its slot request, often before the pod exists, and
      // the mounts could not be looked at.
      'slotmanager.number-of-slots.min': 2,
      'kubernetes.jobmanager.service-account': JM_SA,
      'kubernetes.taskmanager.service-account': TM_SA,
      // The fault leaves the login to Flink's default (the ticket cache), which no pod has.
      ...(fault === 'keytab-unset'
        ? {}
        : {
            'security.kerberos.login.use-ticket-cache': false,
            'security.kerberos.login.keytab': CLIENT_KEYTAB,
            'security.kerberos.login.principal': principal(fault === 'wrong-principal' ? 'flink/jobmanager' : 'flink'),
          }),
      'security.kerberos.login.contexts': 'KafkaClient',
      ...(fault === 'krb5-conf-unset' ? {} : { 'security.kerberos.krb5-conf.path': CLIENT_KRB5 }),
    };
    // Only the client holds keytab and krb5.conf (the fault: no keytab there).
    const clientFiles = (keytab: Buffer): FileSpec[] => [
      ...(fault === 'keytab-missing-on-client' ? [] : [{ content: keytab, target: CLIENT_KEYTAB, mode: 0o440 }]),
      { content: krb5Conf, target: CLIENT_KRB5, mode: 0o440 },
    ];
    // Before anything starts: the configuration names files the client has.
    if (!ctx.skipPreflight) preflightStores(config, clientFiles(Buffer.alloc(0)), 'the client pod');
    await kube.load([flinkImage, kerberosImage, kafkaImage, probeImage]);

    const { session, broker, kafkaClient, outsider, deployed, keytab } = await ctx.phase('start', `KDC, Kafka and kubernetes-session.sh (keytab and krb5.conf on the client only) in ${ns}`, async () => {
      await kube.api.create(nativeAccounts(ns, JM_SA, TM_SA));
      const [kdc, kafkaClient, outsider] = await Promise.all([
        startKdc(start, kerberosImage, principals, KDC_MASTER_PASSWORD, { hosts }),
        start({ name: 'kafka-client', image: kerberosImage, command: ['sh', '-c', 'echo client-ready; exec sleep infinity'], readyLog: /client-ready/, files: [{ content: krb5Conf, target: '/etc/krb5.conf', mode: 0o644 }] }),
        (async () => {
          // A pod of another namespace calling the API with its own (default) account's token.
          const namespace = await kube.extraNamespace(OUTSIDER);
          return { namespace, station: await kube.probeStation(probeImage, { name: OUTSIDER, namespace, labels: { role: OUTSIDER }, serviceAccountToken: true }) };
        })(),
      ]);
      const keytabs = await waitForKdc(kdc, kafkaClient, principals, 30_000, hosts);
      if (fault === 'secret-granted-to-other-namespace') {
        await kube.api.create([
          role({ name: 'read-secrets', namespace: ns }, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
          roleBinding({ name: 'read-secrets', namespace: ns }, { kind: 'Role', name: 'read-secrets' }, 'default', outsider.namespace),
        ]);
      }
      const [broker, [session, deployed]] = await Promise.all([
        documentedKerberosBroker(start, { image: kafkaImage, host: hosts.kafka, clusterId: m.clusterId, ca: m.kafkaCa, keytabs, krb5Conf, storePassword: KAFKA_STORE_PASSWORD }),
        (async () => {
          const s = await NativeSession.prepare(kube.api, {
            namespace: ns,
            image: flinkImage,
            version: ctx.version,
            clusterId: CLUSTER_ID,
            config,
            // Flink's client creates the keytab Secret (the ConfigMaps are in the base rules).
            clientRules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create'] }],
            clientFiles: clientFiles(keytabs['flink.keytab']),
          });
          const d = await s.deployOrFail();
          await s.jobManagerPod();
          return [s, d] as const;
        })(),
        kafkaClient.copyContentToContainer([{ content: keytabs['client.keytab'], target: `${KEYTABS}/client.keytab`, mode: 0o600 }]),
      ]);
      return { session, broker, kafkaClient, outsider, deployed, keytab: keytabs['flink.keytab'] };
    });

    try {
      const records = Array.from({ length: RECORDS }, (_, i) => `native-${ns}-${i + 1}`);
      await ctx.phase('ready', 'topic, ACLs and the job input in Kafka; REST answers on the Service Flink created', async () => {
        const station = await kube.probeStation(probeImage);
        await Promise.all([
          station.one({ kind: 'http', url: `http://${session.restHost}:8081/overview`, until: { path: 'slots-total', atLeast: 0, deadlineMs: 90_000 } }),
          setUpTopics(broker, [TOPIC], ['client', 'flink'], true, hosts.kafka),
        ]);
        const w = await kcat(kafkaClient, { kind: 'kerberos', principal: 'client', keytab: `${KEYTABS}/client.keytab`, broker: hosts.kafka }, ['-P', '-t', TOPIC, '-X', 'message.timeout.ms=15000'], records);
        if (w.exitCode !== 0) throw new Error(`could not write the job's input to ${TOPIC}: ${w.errors.join(' | ') || w.output.trim().slice(-300)}`);
      });

      return await ctx.phase('checks', 'Flink\'s Secret and ConfigMap, the files in its pods, the job, another namespace', async () => {
        // The job, then what Flink made: its Secret and ConfigMap, the files in its pods.
        const job = await session.run(kafkaReadJobArgs(bootstrap, TOPIC), 150_000);
        const deployment = (await kube.api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: CLUSTER_ID, namespace: ns } })) as KubeObject & { metadata: { uid: string } };
        const owner = { kind: 'Deployment', name: CLUSTER_ID, uid: deployment.metadata.uid };
        const objects = await namespacedObjects(kube.api, ns);
        const keytabB64 = keytab.toString('base64');
        // Flink's (owned by its Deployment), not the client's own Secret with the same keytab.
        const secret = shippedObject(objects, owner, 'Secret', keytabB64)?.object;
        const configMap = shippedObject(objects, owner, 'ConfigMap', krb5Conf)?.object;
        // The TaskManager the minimum slots asked for may still be starting: look into it once it runs.
        const tmPods = await waitForPods(kube.api, ns, nativeSelector(CLUSTER_ID, 'taskmanager'), 1, 60_000, 'TaskManager pod').catch(() => []);
        const pods = [...(await kube.api.pods(ns, nativeSelector(CLUSTER_ID, 'jobmanager'))), ...tmPods];
        const secretName = secret?.name ?? `kerberos-keytab-${CLUSTER_ID}`;
        const outsiderUser = serviceAccountUser(outsider.namespace, 'default');
        const [podFacts, answer, canIOutsider] = await Promise.all([
          Promise.all(pods.map((p) => podKerberos(kube.api, ns, p, { secret: secret?.name, configMap: configMap?.name, keytabSha: sha(keytab), krb5Sha: sha(krb5Conf) }))),
          outsider.station.sh(`curl -sS -m 10 -w '\\n%{http_code}' --cacert ${SA_DIR}/ca.crt -H "Authorization: Bearer $(cat ${SA_DIR}/token)" https://kubernetes.default.svc/api/v1/namespaces/${ns}/secrets/${secretName}`),
          canI(kube, 'get', `secrets/${secretName}`, outsiderUser),
        ]);
        // What kubernetes-session.sh warned about a file (Flink logs a missing one as WARN).
        const clientSaid = (re: RegExp) => deployed.output.split('\n').filter((l) => /\b(WARN|ERROR)\b/.test(l) && re.test(l)).slice(-1)[0]?.replace(/^.*?(WARN|ERROR)\s+\S+\s+\[\]\s+-\s+/, '$1 ').trim().slice(0, 300) ?? '';
        return [
          judgeShipped('native.keytab-secret', 'Flink created a Secret holding the client\'s keytab, owned by the JobManager Deployment', objects, owner, 'Secret', keytabB64, 'keytab', clientSaid(/keytab/i)),
          judgeShipped('native.krb5conf-configmap', 'Flink created a ConfigMap holding the client\'s krb5.conf, owned by the JobManager Deployment', objects, owner, 'ConfigMap', krb5Conf, 'krb5.conf', clientSaid(/krb5/i)),
          judgeMounted(podFacts),
          describeModes(podFacts),
          judgeTopicRead(job, records, bootstrap, TOPIC),
          // curl's own error (stderr) before the body and the code (stdout), as parseApiAnswer reads them.
          judgeOutsiderRefused(secretName, outsiderUser, parseApiAnswer(answer.stderr + answer.stdout), canIOutsider),
        ];
      });
    } finally {
      await session.saveLogs(ctx.logsDir);
    }
  },
};

/** Secrets and ConfigMaps of the namespace with their owners and values. */
async function namespacedObjects(api: KubeApi, ns: string): Promise<NamespacedObject[]> {
  const [secrets, maps] = await Promise.all([api.list('v1', 'Secret', ns), api.list('v1', 'ConfigMap', ns)]);
  const owners = (o: KubeObject) => ((o.metadata?.ownerReferences ?? []) as Array<{ kind: string; name: string; uid: string }>).map((r) => ({ kind: r.kind, name: r.name, uid: r.uid }));
  return [
    ...secrets.map((o) => ({ kind: 'Secret' as const, name: o.metadata?.name as string, owners: owners(o), data: (o.data ?? {}) as Record<string, string> })),
    ...maps.map((o) => ({ kind: 'ConfigMap' as const, name: o.metadata?.name as string, owners: owners(o), data: (o.data ?? {}) as Record<string, string> })),
  ];
}

type Pod = Awaited<ReturnType<KubeApi['pods']>>[number];

/**
 * Where the pod spec mounts Flink's keytab Secret and krb5.conf ConfigMap in the main container,
 * and what is at those paths inside it (mode, owner, checksum), plus the keytab path the pod's
 * own Flink configuration names.
 */
async function podKerberos(api: KubeApi, ns: string, pod: Pod, want: { secret?: string; configMap?: string; keytabSha: string; krb5Sha: string }): Promise<PodKerberos> {
  const name = pod.metadata?.name as string;
  const container = pod.spec?.containers?.find((c) => c.name === 'flink-main-container') ?? pod.spec?.containers?.[0];
  const volumes = pod.spec?.volumes ?? [];
  const mountOf = (volume?: string) => container?.volumeMounts?.find((v) => v.name === volume);
  const keytabVol = volumes.find((v) => want.secret && v.secret?.secretName === want.secret);
  const krb5Vol = volumes.find((v) => want.configMap && v.configMap?.name === want.configMap);
  const keytabMount = mountOf(keytabVol?.name);
  const krb5Mount = mountOf(krb5Vol?.name);
  const keytabPath = keytabMount && (keytabMount.subPath ? keytabMount.mountPath : `${keytabMount.mountPath}/${keytabVol?.secret?.items?.[0]?.path ?? 'flink.keytab'}`);
  // Without Flink's ConfigMap the JVM would still look at /etc/krb5.conf: report what is there.
  const krb5Path = krb5Mount?.mountPath ?? '/etc/krb5.conf';
  const h = new PodHandle(api, ns, name, container?.name as string);
  const paths = [keytabPath ?? '/nonexistent', krb5Path];
  const r = await h.exec(['sh', '-c', 'for f in "$@"; do if [ -e "$f" ]; then echo "$(stat -L -c "%a %U:%G" "$f") $(sha256sum < "$f" | cut -d" " -f1)"; else echo missing; fi; done; grep -h "keytab" /opt/flink/conf/config.yaml /opt/flink/conf/flink-conf.yaml 2>/dev/null || true', 'sh', ...paths]);
  const lines = r.stdout.split('\n');
  const file = (i: number, path: string | undefined, source: string | undefined, sum: string): PodFile | undefined => {
    if (!path) return undefined;
    // "<mode> <user>:<group> <sha256>"; anything else (no file, a failed exec) is no file.
    const m = /^(\d+) (\S+) ([0-9a-f]{64})$/.exec(lines[i] ?? '');
    return m ? { path, source, mode: m[1], owner: m[2], same: m[3] === sum } : { path, source, same: false };
  };
  const configured = /keytab:\s*"?([^"\s]+)"?/.exec(lines.slice(2).join('\n'))?.[1];
  return {
    pod: name,
    role: pod.metadata?.labels?.component === 'jobmanager' ? 'JobManager' : 'TaskManager',
    keytab: file(0, keytabPath, keytabVol ? `Secret ${want.secret}` : undefined, want.keytabSha),
    krb5: file(1, krb5Path, krb5Vol ? `ConfigMap ${want.configMap}` : undefined, want.krb5Sha),
    configuredKeytab: configured,
  };
}
