/**
 * Docs: "Running a Secure Flink Cluster in YARN" › Setting up Kerberos:
 *
 *   When deploying Flink on YARN, the Kerberos keytab is automatically copied from the client
 *   node to the Flink containers. […] configure the security.kerberos.krb5-conf.path setting to
 *   indicate the path of the Kerberos configuration file and Flink will copy this file to its
 *   containers/pods.
 *
 *   security.kerberos.login.keytab: /opt/flink/keytabs/flink.keytab     (on the client only)
 *   security.kerberos.login.principal: flink@SANDBOX.TEST
 *   security.kerberos.krb5-conf.path: /etc/krb5.conf                    (the nodes have none)
 *   security.kerberos.login.contexts: KafkaClient
 *
 * Around it: Hadoop in Kerberos mode (HDFS with SASL data transfer protection and HTTPS, YARN,
 * every daemon with its host's keytab from the run's KDC), the Kerberized Kafka of the
 * kerberos-kafka setup, internal SSL with the stores shipped in deploy-keys/. Shown: the keytab
 * and krb5.conf reach every Flink container, JobManager and TaskManagers log in with the keytab,
 * a job reads the Kerberized topic and another writes to and reads from HDFS.
 */
import { CheckResult, verdict } from '../harness/checks/model';
import { FlinkContainer, localizedFiles, sha256 } from '../harness/checks/yarn';
import { YARN_CLIENT } from '../harness/config/hadoop';
import { KAFKA_PORTS, kafkaPrincipal, kraftClusterId } from '../harness/config/kafka';
import { principal, PrincipalSpec } from '../harness/config/kerberos';
import { internalSsl } from '../harness/config/security';
import { Identity } from '../harness/pki';
import { documentedKerberosBroker, setUpTopics } from '../harness/runtime/kafka';
import { kcat } from '../harness/runtime/kcat';
import { internalKeyPair } from './lib/cluster';
import { judgeTopicRead, kafkaReadJobArgs } from './lib/kafka-job';
import { CLIENT_DIR, clientFiles, containerLog, internalEndpointChecks, SHIP_DIR, yarnFlinkBase } from './lib/yarn';
import { deployFailure, deploySession, hadoopTls, hdfsRoundTrip, kerberosWorkshop, REALM_HOSTS, REALM_KRB5, refusesWithoutTicket, runOnSession, startKerberizedYarn, yarnRealm } from './lib/yarn-kerberos';
import { Scenario } from './types';

const CLIENT_KEYTAB = `${CLIENT_DIR}/keytabs/flink.keytab`;
const CLIENT_KRB5 = '/etc/krb5.conf';
/** How Flink names the keytab in its containers (yarn.security.kerberos.localized-keytab-path). */
const LOCALIZED_KEYTAB = 'krb5.keytab';
const LOCALIZED_KRB5 = 'krb5.conf';
const TOPIC = 'flink-input';
const RECORDS = 100;
// Demo value (README): the Kafka broker's keystore password.
const KAFKA_STORE_PASSWORD = 'kafka_store_password';

const PRINCIPALS: PrincipalSpec[] = yarnRealm([
  { name: kafkaPrincipal(REALM_HOSTS.kafka), keytab: 'kafka.keytab' },
  { name: 'admin', keytab: 'admin.keytab' },
  { name: 'flink', keytab: 'flink.keytab' },
  { name: 'client', keytab: 'client.keytab' },
]);

interface Material {
  internal: Identity;
  intruder: Identity;
  password: string;
  tls: ReturnType<typeof hadoopTls>;
  kafkaCa: Identity;
  clusterId: string;
}

export const yarnKerberosKeytab: Scenario<Material> = {
  name: 'yarn-kerberos-keytab',
  runtime: 'yarn',
  title: 'YARN with Kerberos: the keytab and krb5.conf only on the client, shipped to every Flink container',
  docSection: 'Security › Running a Secure Flink Cluster in YARN › Setting up Kerberos',
  description: 'Kerberized HDFS and YARN (KDC, service principals per host); a session deployed with the client\'s keytab; the keytab and krb5.conf localized, logins in JobManager and TaskManagers, a Kerberized Kafka topic read, HDFS written and read.',
  takesKeystore: 'security.ssl.internal.keystore',
  images: ['hadoop', 'kerberos', 'kafka'],
  faults: {
    'keytab-not-shipped': {
      setting: 'yarn.security.kerberos.ship-local-keytab: false',
      description: 'the keytab stays on the client: the containers look for it at the client\'s path, which their nodes do not have',
      expectRed: ['yarn.flink-deployed', 'kerberos.keytab-localized', 'kerberos.krb5-conf-shipped', 'kerberos.keytab-login', 'flink.job-reads-kerberized-topic', 'hdfs.job-round-trip', 'jm-rpc.*', 'tm-rpc.*', 'blob.*', 'data.*'],
      evidence: { 'yarn.flink-deployed': /keytab \[\S+\] doesn't exist/ },
    },
    'wrong-principal': {
      setting: 'security.kerberos.login.principal: flink/jobmanager@SANDBOX.TEST (not in the keytab)',
      description: 'the client is told a principal its keytab has no key for',
      expectRed: ['yarn.flink-deployed', 'kerberos.keytab-localized', 'kerberos.krb5-conf-shipped', 'kerberos.keytab-login', 'flink.job-reads-kerberized-topic', 'hdfs.job-round-trip', 'jm-rpc.*', 'tm-rpc.*', 'blob.*', 'data.*'],
      evidence: { 'yarn.flink-deployed': /Unable to obtain password from user/ },
    },
    'krb5-conf-unset': {
      setting: 'security.kerberos.krb5-conf.path unset (the NodeManagers\' nodes have no krb5.conf)',
      description: 'Flink ships no krb5.conf: the containers do not know the realm',
      expectRed: ['yarn.flink-deployed', 'kerberos.keytab-localized', 'kerberos.krb5-conf-shipped', 'kerberos.keytab-login', 'flink.job-reads-kerberized-topic', 'hdfs.job-round-trip', 'jm-rpc.*', 'tm-rpc.*', 'blob.*', 'data.*'],
      evidence: { 'yarn.flink-deployed': /KrbException: Cannot locate default realm/ },
    },
    'hadoop-auth-simple': {
      setting: 'hadoop.security.authentication: simple (core-site.xml of every Hadoop node and the client)',
      description: 'Hadoop without Kerberos: anyone who names a user gets in',
      expectRed: ['hadoop.refuses-without-ticket', 'kerberos.keytab-login'],
    },
  },

  prepare(inputs) {
    const { internal, internalPassword } = internalKeyPair(inputs);
    return {
      internal,
      password: internalPassword,
      intruder: Identity.selfSigned('intruder', { cn: 'flink.internal', ou: 'intruder' }, 2048),
      tls: hadoopTls(),
      kafkaCa: Identity.selfSigned('kafka-ca', { cn: 'Sandbox Kafka CA', isCa: true }, 2048),
      clusterId: kraftClusterId(),
    };
  },

  workshop: (ctx) => [...kerberosWorkshop(ctx.sandbox.runId), `  docker exec ${ctx.sandbox.runId}-${YARN_CLIENT} ls -l ${CLIENT_KEYTAB}    # the only keytab of flink@ (the client's)`],

  async run(ctx) {
    const { fault, version, material: m } = ctx;
    const bootstrap = `${REALM_HOSTS.kafka}:${KAFKA_PORTS.kerberos}`;
    const deployKeys: Record<string, Buffer> = { 'internal.keystore': m.internal.keystore(m.password) };
    const store = `${SHIP_DIR}/internal.keystore`;
    const conf = {
      ...yarnFlinkBase({ stagingOnVolume: false }),
      ...internalSsl({ keystore: { path: store, password: m.password }, truststore: { path: store, password: m.password } }),
      'security.kerberos.login.use-ticket-cache': false,
      'security.kerberos.login.keytab': CLIENT_KEYTAB,
      'security.kerberos.login.principal': principal(fault === 'wrong-principal' ? 'flink/jobmanager' : 'flink'),
      'security.kerberos.login.contexts': 'KafkaClient',
      ...(fault === 'krb5-conf-unset' ? {} : { 'security.kerberos.krb5-conf.path': CLIENT_KRB5 }),
      ...(fault === 'keytab-not-shipped' ? { 'yarn.security.kerberos.ship-local-keytab': false } : {}),
      // Both TaskManagers from the start (2 slots each): what is localized in them can be looked at before any job.
      'slotmanager.number-of-slots.min': 4,
    };
    const records = Array.from({ length: RECORDS }, (_, i) => `yarn-kerberos-${i + 1}`);
    const k = await startKerberizedYarn(ctx, {
      principals: PRINCIPALS,
      tls: m.tls,
      authentication: fault === 'hadoop-auth-simple' ? 'simple' : 'kerberos',
      clientFiles: (keytabs) => [...clientFiles(conf, version, { [CLIENT_DIR]: deployKeys }), { content: keytabs['flink.keytab'], target: CLIENT_KEYTAB, mode: 0o600 }],
      alongside: async (keytabs, kerberosClient) => {
        const broker = await documentedKerberosBroker((s) => ctx.sandbox.start(s), { image: ctx.images.get('kafka'), host: REALM_HOSTS.kafka, clusterId: m.clusterId, ca: m.kafkaCa, keytabs, krb5Conf: REALM_KRB5, storePassword: KAFKA_STORE_PASSWORD });
        await Promise.all([setUpTopics(broker, [TOPIC], ['client', 'flink'], true, REALM_HOSTS.kafka), kerberosClient.copyContentToContainer([{ content: keytabs['client.keytab'], target: '/keytabs/client.keytab', mode: 0o600 }])]);
        const w = await kcat(kerberosClient, { kind: 'kerberos', principal: 'client', keytab: '/keytabs/client.keytab', broker: REALM_HOSTS.kafka }, ['-P', '-t', TOPIC, '-X', 'message.timeout.ms=15000'], records);
        if (w.exitCode !== 0) throw new Error(`could not write the job's input to ${TOPIC}: ${w.errors.join(' | ') || w.output.trim().slice(-300)}`);
      },
    });
    const keytab = k.keytabs['flink.keytab'];
    const session = await deploySession(ctx, k, [`yarn.ship-files=${SHIP_DIR}`, 'yarn.application.name=fss-kerberos-keytab'], 2);
    const refusal = await refusesWithoutTicket(k.yarn);
    const f = session.flink;
    if (!f) {
      const why = await deployFailure(session);
      const red = (id: string, title: string) => verdict(id, title, false, `Flink did not come up: ${why}`);
      return [
        verdict('yarn.flink-deployed', 'yarn-session.sh deployed Flink with the client\'s keytab', false, why),
        refusal,
        red('kerberos.keytab-localized', `the client's keytab reached every Flink container as ${LOCALIZED_KEYTAB}`),
        red('kerberos.krb5-conf-shipped', `the client's krb5.conf reached every Flink container as ${LOCALIZED_KRB5}`),
        red('kerberos.keytab-login', 'JobManager and TaskManagers log in with the shipped keytab'),
        red('flink.job-reads-kerberized-topic', `a Flink job logs in with its keytab and reads all ${RECORDS} records of ${TOPIC}`),
        red('hdfs.job-round-trip', 'a job writes to HDFS and reads it back'),
        ...['jm-rpc', 'tm-rpc', 'blob', 'data'].map((id) => red(`${id}.requires-client-cert`, 'internal endpoint refuses clients without the cluster certificate')),
      ];
    }

    return ctx.phase('checks', 'localized keytab and krb5.conf, logins, the Kafka job, the HDFS job, internal SSL', async () => {
      const jm = f.jobManager;
      const [localized, logins, endpoints] = await Promise.all([
        Promise.all(session.containers.map(async (c) => ({ c, ...(await localizedFiles(c, f.app.id, '.')) }))),
        Promise.all(session.containers.map(async (c) => ({ c, log: await containerLog(c, f.app.id, c.role === 'JobManager' ? 'jobmanager.log' : 'taskmanager.log') }))),
        internalEndpointChecks(k.station, f, m.internal, m.intruder),
      ]);
      const topic = await runOnSession(k, f.app.id, kafkaReadJobArgs(bootstrap, TOPIC), 150_000);
      const { check: hdfs } = await hdfsRoundTrip(k, f.app.id, `/user/flink/fss-${ctx.sandbox.runId}`, 'the TaskManagers\' keytab login and the tokens Flink obtained with it');
      return [
        verdict('yarn.flink-deployed', 'yarn-session.sh deployed Flink with the client\'s keytab', true, `${f.app.id} RUNNING; JobManager on ${jm.host}; TaskManagers on ${f.taskManagers.map((t) => t.host).join(', ')}`),
        refusal,
        sameFileEverywhere('kerberos.keytab-localized', `the client's keytab reached every Flink container as ${LOCALIZED_KEYTAB}`, LOCALIZED_KEYTAB, keytab, localized),
        sameFileEverywhere('kerberos.krb5-conf-shipped', `the client's krb5.conf reached every Flink container as ${LOCALIZED_KRB5}`, LOCALIZED_KRB5, Buffer.from(k.krb5Conf), localized),
        keytabLogins(logins),
        judgeTopicRead(topic, records, bootstrap, TOPIC),
        hdfs,
        ...endpoints,
      ];
    });
  },
};

/** Every Flink container holds `name` in its working folder, byte for byte the client's file; its mode reported. */
function sameFileEverywhere(id: string, title: string, name: string, want: Buffer, seen: Array<{ c: FlinkContainer; files: Array<{ name: string; sha256: string; mode: string; owner: string }>; error?: string }>): CheckResult {
  const sha = sha256(want);
  const notes = seen.map(({ c, files, error }) => {
    const f = files.find((x) => x.name === name);
    return { ok: !error && f?.sha256 === sha, text: `${c.role} on ${c.host}: ${error ?? (f ? `${name} ${f.sha256 === sha ? 'the client\'s bytes' : 'DIFFERENT bytes'}, mode ${f.mode} ${f.owner}` : `no ${name}`)}` };
  });
  return verdict(id, title, seen.length >= 3 && notes.every((n) => n.ok), notes.map((n) => n.text).join('; ') || 'no Flink container found');
}

/** Flink's own login lines (KerberosLoginProvider) and Hadoop's, in the JobManager's and each TaskManager's log. */
function keytabLogins(logs: Array<{ c: FlinkContainer; log: string }>): CheckResult {
  const notes = logs.map(({ c, log }) => {
    const attempt = /Attempting to login to KDC using principal: (\S+) keytab: (\S+)/.exec(log);
    const done = /Successfully logged into KDC/.test(log);
    const hadoop = /Login successful for user (\S+) using keytab file (\S+?)\.? /.exec(log);
    const user = principal('flink');
    const ok = attempt?.[1] === user && attempt[2].endsWith(`/${LOCALIZED_KEYTAB}`) && done && hadoop?.[1] === user && hadoop[2] === LOCALIZED_KEYTAB;
    return { ok, text: `${c.role} on ${c.host}: ${attempt ? `"login to KDC using principal ${attempt[1]} keytab …/${attempt[2].split('/').slice(-2).join('/')}"` : 'no keytab login attempt'}${done ? ', "Successfully logged into KDC"' : ''}${hadoop ? `; Hadoop: "Login successful for user ${hadoop[1]} using keytab file ${hadoop[2]}"` : '; no Hadoop keytab login'}` };
  });
  return verdict('kerberos.keytab-login', 'JobManager and TaskManagers log in with the shipped keytab', logs.length >= 3 && notes.every((n) => n.ok), notes.map((n) => n.text).join('; ') || 'no Flink container found');
}

