/**
 * Docs: "Incorporating Security Features in a Running Cluster" › standalone mode (security
 * options on every node, the keytab at security.kerberos.login.keytab on every node), and the
 * Kubernetes write-up's Kafka part: "The Kafka security protocol is SASL_PLAINTEXT and requires
 * the Kerberos service name".
 *
 *   security.kerberos.login.use-ticket-cache: false
 *   security.kerberos.login.keytab: /opt/flink/ssl/flink.keytab        (the same file on every node)
 *   security.kerberos.login.principal: flink@SANDBOX.TEST
 *   security.kerberos.login.contexts: KafkaClient
 *   /etc/krb5.conf on every node
 *   connector: security.protocol=SASL_PLAINTEXT, sasl.mechanism=GSSAPI, sasl.kerberos.service.name=kafka
 *
 * Around it, real services: an MIT KDC, a KRaft Kafka broker with a Kerberos listener and a
 * SCRAM-over-TLS listener, ACLs, and internal SSL on the Flink cluster (the full stack).
 * Shown: the KDC issues tickets only for valid keys; the broker lets in only authenticated
 * clients and only authorised ones write; a Flink job reads a Kerberized topic with its keytab.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBMANAGER_HOST } from '../harness/config/cluster';
import { KAFKA_HOST, KAFKA_PORTS, KAFKA_PRINCIPAL, kraftClusterId } from '../harness/config/kafka';
import { keytabFiles, principal, PrincipalSpec, renderKrb5Conf } from '../harness/config/kerberos';
import { internalSsl } from '../harness/config/security';
import { kdcChecks, KerberosClients, kerberosListenerChecks, scramChecks } from '../harness/checks/kafka';
import { CheckResult, verdict } from '../harness/checks/model';
import { judgeTopicRead, kafkaReadJobArgs } from './lib/kafka-job';
import { secretsCheck } from '../harness/checks/secrets';
import { ConfiguredSecret, secretExposureChecks, secretIn } from '../harness/checks/secret-exposure';
import { mutualTlsEndpointChecks } from '../harness/checks/tls-endpoint';
import { Identity } from '../harness/pki';
import { FlinkCluster, taskManagerHost } from '../harness/runtime/flink-cluster';
import { setUpTopics, startBroker } from '../harness/runtime/kafka';
import { kcat, kcatCommand } from '../harness/runtime/kcat';
import { startKdc, waitForKdc } from '../harness/runtime/kerberos';
import { ProbeStation } from '../harness/runtime/probe-station';
import { progress } from '../harness/ui/progress';
import { clusterSpec, INTERNAL_ENDPOINTS, internalKeyPair, InternalKeyPair } from './lib/cluster';
import { Scenario } from './types';

// Demo values, printed in the README: never for real use.
const KAFKA_STORE_PASSWORD = 'kafka_store_password';
const KDC_MASTER_PASSWORD = 'kdc-master-demo-password';
const CLIENT_PASSWORD = 'client-demo-password';
const SCRAM_USER = { name: 'alice', password: 'alice-demo-password' };
/**
 * The secrets of this setup, for the exposure checks. Flink itself is given only the internal
 * store password (and a keytab path: a keytab is key material, its principal no secret); the
 * others must not reach Flink's REST, logs or files either.
 */
const configuredSecrets = (internalPassword: string): ConfiguredSecret[] => [
  secretIn('internal store password', internalPassword),
  secretIn('Kafka broker store password', KAFKA_STORE_PASSWORD),
  secretIn('SCRAM password', SCRAM_USER.password),
  secretIn('Kerberos client password', CLIENT_PASSWORD),
  secretIn('KDC master password', KDC_MASTER_PASSWORD),
];

const SSL = '/opt/flink/ssl';
const FLINK_KEYTAB = `${SSL}/flink.keytab`;
const KEYTABS = '/keytabs';
const SETUP_KRB5 = '/etc/fss/krb5-setup.conf';
const KAFKA_CA = '/etc/fss/kafka-ca.pem';
/** The topic the client checks write and read; the topic the Flink job reads. */
const TOPICS = { clients: 'events', flink: 'flink-input' };
const RECORDS = 100;

/** Every principal of the realm, and the keytab the KDC exports for it. */
const PRINCIPALS: PrincipalSpec[] = [
  { name: KAFKA_PRINCIPAL, keytab: 'kafka.keytab' },
  { name: 'admin', keytab: 'admin.keytab' },
  { name: 'flink', keytab: 'flink.keytab', staleKeytab: 'flink-stale.keytab' },
  { name: 'client', keytab: 'client.keytab', password: CLIENT_PASSWORD },
  { name: 'norights', keytab: 'norights.keytab' },
  { name: 'ghost', keytab: 'ghost.keytab', deleted: true },
];
const CLIENTS: KerberosClients = {
  good: { principal: 'client', keytab: `${KEYTABS}/client.keytab` },
  stale: { principal: 'flink', keytab: `${KEYTABS}/flink-stale.keytab` },
  noRights: { principal: 'norights', keytab: `${KEYTABS}/norights.keytab` },
  ghost: { principal: 'ghost', keytab: `${KEYTABS}/ghost.keytab` },
};

interface Material extends InternalKeyPair {
  intruder: Identity;
  kafkaCa: Identity;
  broker: Identity;
  clusterId: string;
}

export const kerberosKafka: Scenario<Material> = {
  name: 'kerberos-kafka',
  title: 'Kerberos towards Kafka: keytab login, SASL/GSSAPI listener, ACLs, plus SCRAM over TLS',
  docSection: 'Security › Incorporating Security Features in a Running Cluster (standalone, Kerberos keytab); Kafka connector with SASL_PLAINTEXT',
  description: 'MIT KDC, KRaft Kafka with a GSSAPI and a SCRAM/TLS listener and ACLs; a Flink job (internal SSL on) reads a Kerberized topic with its keytab.',
  images: ['kerberos', 'kafka', 'flink-kafka'],
  faults: {
    'wrong-keytab': {
      setting: 'security.kerberos.login.keytab: a keytab exported before the key changed',
      description: "Flink's keytab holds an old key of its principal",
      expectRed: ['flink.job-reads-kerberized-topic'],
      evidence: { 'flink.job-reads-kerberized-topic': /LoginException|KrbException|Pre-authentication/ },
    },
    'wrong-principal': {
      setting: 'security.kerberos.login.principal: flink/jobmanager@SANDBOX.TEST (not in the keytab)',
      description: 'Flink is told a principal its keytab has no key for',
      expectRed: ['flink.job-reads-kerberized-topic'],
      evidence: { 'flink.job-reads-kerberized-topic': /Unable to obtain password from user/ },
    },
    'plaintext-listener': {
      setting: 'listener.security.protocol.map: KERBEROS:PLAINTEXT',
      description: "the broker's Kerberos listener without SASL: anyone gets in",
      // GSSAPI clients now fail the SASL handshake, so the authorised ones are refused too.
      expectRed: ['kafka.rejects-unauthenticated', 'kafka.rejects-unauthorised-principal', 'kafka.accepts-keytab-client', 'flink.job-reads-kerberized-topic'],
      evidence: { 'kafka.rejects-unauthenticated': /got metadata/ },
    },
    'authorizer-off': {
      setting: 'authorizer.class.name unset (no StandardAuthorizer)',
      description: 'authenticated is enough: ACLs are not enforced',
      expectRed: ['kafka.rejects-unauthorised-principal'],
    },
    'scram-sasl-off': {
      setting: 'listener.security.protocol.map: SCRAM:SSL',
      description: 'the SCRAM listener keeps TLS but drops SASL: no password is asked for',
      expectRed: ['kafka.scram-accepts-valid', 'kafka.scram-rejects-wrong-password'],
    },
    'preauth-off': {
      setting: 'kdc.conf: default_principal_flags = -preauth',
      description: 'the KDC answers any AS request without pre-authentication (offline password guessing)',
      expectRed: ['kdc.refuses-wrong-password', 'kdc.refuses-stale-keytab'],
      evidence: { 'kdc.refuses-wrong-password': /no PREAUTH_FAILED/, 'kdc.refuses-stale-keytab': /no PREAUTH_FAILED/ },
    },
    'principal-kept': {
      setting: 'KDC: the departed principal ghost is not deleted (no delprinc after its keytab left)',
      description: "a keytab handed out earlier still logs in: the KDC knows its principal",
      expectRed: ['kafka.rejects-unknown-principal'],
      evidence: { 'kafka.rejects-unknown-principal': /exit 0/ },
    },
    'rdns-on': {
      setting: 'krb5.conf: rdns = true, dns_canonicalize_hostname = true',
      description: "clients canonicalise the broker's name by reverse DNS (the container's name, not kafka.sandbox.test)",
      // kcat (MIT krb5 via Cyrus SASL) asks for a ticket to the reverse-DNS name; Java's
      // Kerberos (Flink) keeps the configured name, so the job still reads.
      expectRed: ['kafka.accepts-keytab-client', 'kafka.rejects-unauthorised-principal'],
      evidence: { 'kafka.accepts-keytab-client': /not found in Kerberos database/ },
    },
  },

  takesKeystore: 'security.ssl.internal.keystore',
  prepare(inputs) {
    const kafkaCa = Identity.selfSigned('kafka-ca', { cn: 'Sandbox Kafka CA', isCa: true }, 2048);
    return {
      ...internalKeyPair(inputs),
      intruder: Identity.selfSigned('intruder', { cn: 'flink.internal', ou: 'intruder' }, 2048),
      kafkaCa,
      broker: Identity.signedBy(kafkaCa, 'kafka', { cn: KAFKA_HOST, san: { dns: [KAFKA_HOST] } }, 2048),
      clusterId: kraftClusterId(),
    };
  },

  workshop: (ctx, port) => {
    const exec = `docker exec ${ctx.sandbox.runId}-kafka-client`;
    const kerberos = (who: { principal: string; keytab: string }) => ({ kind: 'kerberos' as const, principal: who.principal, keytab: who.keytab });
    return [
      `Try it (keytabs are per-run random keys; passwords are demo values):`,
      `  ${exec} ${kcatCommand(kerberos(CLIENTS.good), ['-L'])}    # accepted: client@ with its keytab`,
      `  echo hi | docker exec -i ${ctx.sandbox.runId}-kafka-client ${kcatCommand(kerberos(CLIENTS.noRights), ['-P', '-t', TOPICS.clients])}    # Topic authorization failed`,
      `  ${exec} ${kcatCommand({ kind: 'none' }, ['-L', '-m', '5'])}    # refused: no SASL`,
      `  ${exec} kinit -kt ${CLIENTS.good.keytab} ${principal(CLIENTS.good.principal)}; ${exec} klist    # a ticket from the KDC`,
      `  curl -s http://localhost:${port}/overview    # Flink's REST (internal SSL does not cover it)`,
      `  keytabs and the broker's CA: ${ctx.pkiDir}`,
    ];
  },

  async run(ctx) {
    const { sandbox, version, fault, material: m } = ctx;
    const krb5Conf = renderKrb5Conf({ canonicalize: fault === 'rdns-on' });
    const internalKeystore = m.internal.keystore(m.internalPassword);
    writeFileSync(join(ctx.pkiDir, 'kafka-ca.pem'), m.kafkaCa.certPem(), { mode: 0o600 });

    // KDC, the client stations and the probe come up together, each as soon as its image is there
    // (on a cold run while Flink's still builds); Kafka and Flink need keytabs.
    const { kafkaClient, javaClient, station, cluster, broker } = await ctx.phase('start', 'KDC, then Kafka and Flink (JobManager, 2 TaskManagers) in parallel', async () => {
      const [kdcContainer, kafkaClient, javaClient, station] = await Promise.all([
        startKdc((s) => sandbox.start(s), ctx.images.get('kerberos'), fault === 'principal-kept' ? PRINCIPALS.map((p) => ({ ...p, deleted: false })) : PRINCIPALS, KDC_MASTER_PASSWORD, { preauth: fault !== 'preauth-off' }),
        sandbox.start({
          name: 'kafka-client',
          image: ctx.images.get('kerberos'),
          command: ['sh', '-c', 'echo client-ready; exec sleep infinity'],
          readyLog: /client-ready/,
          files: [
            { content: krb5Conf, target: '/etc/krb5.conf', mode: 0o644 },
            { content: renderKrb5Conf(), target: SETUP_KRB5, mode: 0o644 },
            { content: m.kafkaCa.certPem(), target: KAFKA_CA, mode: 0o644 },
          ],
        }),
        sandbox.start({ name: 'kafka-java-client', image: ctx.images.get('kafka'), command: ['idle'], readyLog: /kafka-client-ready/, files: [{ content: m.kafkaCa.certPem(), target: KAFKA_CA, mode: 0o644 }] }),
        ProbeStation.start(sandbox, ctx.images.get('probe')),
      ]);
      const t0 = Date.now();
      // Milestones of this phase as they happen (a line each in CI).
      const mark =
        <T>(what: string) =>
        (x: T): T => {
          progress.detail(`${what} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
          return x;
        };
      const keytabs = await waitForKdc(kdcContainer, kafkaClient, PRINCIPALS).then(mark('KDC answers on port 88; keytabs exported'));
      for (const [f, bytes] of Object.entries(keytabs)) writeFileSync(join(ctx.pkiDir, f), bytes, { mode: 0o600 });

      const flinkKeytab = keytabs[fault === 'wrong-keytab' ? 'flink-stale.keytab' : 'flink.keytab'];
      const overlay = {
        ...internalSsl({ keystore: { path: `${SSL}/internal.keystore`, password: m.internalPassword }, truststore: { path: `${SSL}/internal.keystore`, password: m.internalPassword } }),
        'security.kerberos.login.use-ticket-cache': false,
        'security.kerberos.login.keytab': FLINK_KEYTAB,
        'security.kerberos.login.principal': principal(fault === 'wrong-principal' ? 'flink/jobmanager' : 'flink'),
        'security.kerberos.login.contexts': 'KafkaClient',
      };
      const [broker, cluster] = await Promise.all([
        startBroker((s) => sandbox.start(s), {
          image: ctx.images.get('kafka'),
          clusterId: m.clusterId,
          kerberosListenerProtocol: fault === 'plaintext-listener' ? 'PLAINTEXT' : 'SASL_PLAINTEXT',
          scramListenerProtocol: fault === 'scram-sasl-off' ? 'SSL' : 'SASL_SSL',
          authorizer: fault !== 'authorizer-off',
          keystorePassword: KAFKA_STORE_PASSWORD,
          keystore: m.broker.keystore(KAFKA_STORE_PASSWORD),
          keytab: keytabs['kafka.keytab'],
          adminKeytab: keytabs['admin.keytab'],
          admin: 'admin',
          superUsers: ['admin', 'kafka'],
          krb5Conf: renderKrb5Conf(),
          scramUsers: [SCRAM_USER],
        }).then(mark('Kafka broker started')),
        FlinkCluster.start(
          sandbox,
          clusterSpec(ctx, {
            image: ctx.images.get('flink-kafka'),
            overlay: () => overlay,
            files: [
              { content: internalKeystore, target: `${SSL}/internal.keystore`, mode: 0o600 },
              { content: flinkKeytab, target: FLINK_KEYTAB, mode: 0o600 },
              { content: krb5Conf, target: '/etc/krb5.conf', mode: 0o644 },
            ],
          }),
        ).then(mark('Flink JobManager and TaskManagers started')),
        kafkaClient.copyContentToContainer(
          ['client.keytab', 'norights.keytab', 'ghost.keytab', 'flink-stale.keytab'].map((f) => ({ content: keytabs[f], target: `${KEYTABS}/${f}`, mode: 0o600 })),
        ),
      ]);
      return { kafkaClient, javaClient, station, cluster, broker };
    });

    // The Flink job's input, written by the harness as the good client with a correct
    // krb5.conf (whatever the fault): the job's own login is what is under test.
    const flinkRecords = Array.from({ length: RECORDS }, (_, i) => `flink-${sandbox.runId}-${i + 1}`);
    const [overview, seeded] = await ctx.phase('ready', 'cluster ready (2 TaskManagers), topics, ACLs and the job input in Kafka', () =>
      Promise.all([
        cluster.waitForTaskManagers(station, { scheme: 'http' }),
        (async () => {
          await setUpTopics(broker, Object.values(TOPICS), ['client', 'flink', SCRAM_USER.name], fault !== 'authorizer-off');
          const auth = { kind: 'kerberos' as const, principal: CLIENTS.good.principal, keytab: CLIENTS.good.keytab, krb5Conf: SETUP_KRB5 };
          return kcat(kafkaClient, fault === 'plaintext-listener' ? { kind: 'none' } : auth, ['-P', '-t', TOPICS.flink, '-X', 'message.timeout.ms=15000'], flinkRecords);
        })(),
      ]),
    );
    if (seeded.exitCode !== 0) throw new Error(`could not write the Flink job's input to ${TOPICS.flink}: ${seeded.errors.join(' | ') || seeded.output.trim().slice(-300)}`);

    return ctx.phase('checks', 'KDC, Kafka listeners, the Flink job, internal TLS', async () => {
      const ownPem = { certPem: m.internal.chainPem(), keyPem: m.internal.keyPem(), label: 'cluster certificate' };
      const nodes = [{ host: JOBMANAGER_HOST, container: cluster.jobmanager }, ...cluster.taskmanagers.map((c, i) => ({ host: taskManagerHost(i), container: c }))];
      const clientRecords = Array.from({ length: RECORDS }, (_, i) => `client-${sandbox.runId}-${i + 1}`);
      const [kdcCheck, listener, scram, job, tls, secrets] = await Promise.all([
        kdcChecks(kafkaClient, CLIENTS, () => sandbox.logOf('kdc')),
        kerberosListenerChecks({ station: kafkaClient, clients: CLIENTS, topic: TOPICS.clients, records: clientRecords, brokerLog: () => sandbox.logOf('kafka'), kdcLog: () => sandbox.logOf('kdc'), goodKrb5Conf: SETUP_KRB5 }),
        scramChecks(javaClient, kafkaClient, SCRAM_USER, KAFKA_CA, TOPICS.clients),
        flinkReadsTopic(cluster, flinkRecords),
        mutualTlsEndpointChecks(station, INTERNAL_ENDPOINTS, {
          own: ownPem,
          foreign: { certPem: m.intruder.chainPem(), keyPem: m.intruder.keyPem(), label: 'foreign self-signed certificate' },
          expectedServerSha1: m.internal.sha1(),
        }),
        secretsCheck(nodes, [FLINK_KEYTAB, `${SSL}/internal.keystore`, `/opt/flink/conf/${version.configFileName}`], keytabFiles(PRINCIPALS).map((f) => join(ctx.pkiDir, f))),
      ]);
      const ov = overview.json as { taskmanagers?: number } | undefined;
      const registered = verdict('cluster.taskmanagers-registered', '2 of 2 TaskManagers registered (internal SSL on)', ov?.taskmanagers === 2, `GET /overview: ${ov?.taskmanagers ?? overview.error ?? overview.status} TaskManagers`);
      // After the job: its views are part of what REST shows.
      const exposure = await secretExposureChecks(cluster, station, { scheme: 'http' }, configuredSecrets(m.internalPassword), { logOf: (n) => sandbox.logOf(n), keytab: FLINK_KEYTAB });
      return [...kdcCheck, ...listener, ...scram, job, registered, ...tls, secrets, ...exposure];
    });
  },
};

/** flink.job-reads-kerberized-topic: the job submitted with Flink's CLI from the JobManager container. */
async function flinkReadsTopic(cluster: FlinkCluster, expected: string[]): Promise<CheckResult> {
  const bootstrap = `${KAFKA_HOST}:${KAFKA_PORTS.kerberos}`;
  return judgeTopicRead(await cluster.cli(['run', ...kafkaReadJobArgs(bootstrap, TOPICS.flink)], undefined, 90_000), expected, bootstrap, TOPICS.flink);
}
