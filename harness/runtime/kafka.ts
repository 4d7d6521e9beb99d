import { Identity } from '../pki';
import { NodeHandle } from './node';
import { BrokerOptions, KAFKA_FILES, KAFKA_HOST, KAFKA_PORTS, renderAdminProperties, renderServerProperties } from '../config/kafka';
import { lastErrorLine } from './logs';
import { StartService } from './kerberos';
import { FileSpec } from './sandbox';

export interface BrokerSpec extends BrokerOptions {
  image: string | Promise<string>;
  clusterId: string;
  keytab: Buffer;
  adminKeytab: Buffer;
  admin: string;
  keystore: Buffer;
  krb5Conf: string;
  /** SCRAM users created when the storage is formatted. */
  scramUsers: Array<{ name: string; password: string }>;
}

export const SCRAM_MECHANISM = 'SCRAM-SHA-512';

/** A single KRaft node; ready when Kafka says so (the admin tools then prove it answers). */
export async function startBroker(start: StartService, s: BrokerSpec): Promise<NodeHandle> {
  const files: FileSpec[] = [
    { content: renderServerProperties(s), target: KAFKA_FILES.conf, mode: 0o600 },
    { content: renderAdminProperties(s, s.admin), target: KAFKA_FILES.adminConf, mode: 0o600 },
    { content: s.keytab, target: KAFKA_FILES.keytab, mode: 0o600 },
    { content: s.adminKeytab, target: KAFKA_FILES.adminKeytab, mode: 0o600 },
    { content: s.keystore, target: KAFKA_FILES.keystore, mode: 0o600 },
    { content: s.krb5Conf, target: '/etc/krb5.conf', mode: 0o644 },
  ];
  const scram = s.scramUsers.flatMap((u) => ['--add-scram', `${SCRAM_MECHANISM}=[name=${u.name},password=${u.password}]`]);
  return start({
    name: 'kafka',
    image: s.image,
    aliases: [s.host ?? KAFKA_HOST],
    ports: Object.values(KAFKA_PORTS),
    env: { KAFKA_CLUSTER_ID: s.clusterId },
    command: ['broker', ...scram],
    files,
    readyLog: /Kafka Server started/,
    startupTimeoutMs: 90_000,
  });
}

export interface ToolRun {
  exitCode: number;
  output: string;
}

/** One of Kafka's admin tools, run in the broker container as the admin principal. */
export async function adminTool(broker: NodeHandle, tool: 'TopicCommand' | 'AclCommand', args: string[], host = KAFKA_HOST): Promise<ToolRun> {
  const r = await broker.exec([
    'timeout', '60', '/opt/kafka/kafka-entrypoint', 'tool', `org.apache.kafka.tools.${tool}`,
    '--bootstrap-server', `${host}:${KAFKA_PORTS.kerberos}`, '--command-config', KAFKA_FILES.adminConf, ...args,
  ]);
  return { exitCode: r.exitCode, output: r.output };
}

/**
 * Topics, and ACLs giving each reader/writer principal (short name) produce and consume rights
 * (none without an authorizer: Kafka refuses ACLs it cannot enforce).
 */
export async function setUpTopics(broker: NodeHandle, topics: string[], allowed: string[], withAcls = true, host = KAFKA_HOST): Promise<void> {
  const acls = ['--add', ...allowed.flatMap((p) => ['--allow-principal', `User:${p}`]), '--producer', '--consumer', ...topics.flatMap((t) => ['--topic', t]), '--group', '*'];
  const runs = await Promise.all([
    ...topics.map((t) => adminTool(broker, 'TopicCommand', ['--create', '--topic', t, '--partitions', '2', '--replication-factor', '1'], host)),
    ...(withAcls ? [adminTool(broker, 'AclCommand', acls, host)] : []),
  ]);
  const failed = runs.find((r) => r.exitCode !== 0);
  if (failed) throw new Error(`Kafka set-up (topics, ACLs) failed: ${lastErrorLine(failed.output)}`);
}

/** A Java Kafka client (Kafka's own tools) as a client station: lists topics with given client settings. */
export async function javaClientListTopics(station: NodeHandle, bootstrap: string, clientProps: string): Promise<ToolRun> {
  const file = `/tmp/client-${Math.random().toString(36).slice(2)}.properties`;
  await station.copyContentToContainer([{ content: clientProps, target: file, mode: 0o600 }]);
  const r = await station.exec(['timeout', '60', '/opt/kafka/kafka-entrypoint', 'tool', 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', bootstrap, '--command-config', file, '--list']);
  return { exitCode: r.exitCode, output: r.output };
}

/**
 * The broker as the Kerberos scenarios document it: the GSSAPI listener SASL_PLAINTEXT, SCRAM
 * over TLS (no users), the StandardAuthorizer with `admin` and the broker as super users; its
 * keytabs `kafka.keytab` and `admin.keytab` from the run's KDC, its TLS key signed by `ca`.
 */
export function documentedKerberosBroker(
  start: StartService,
  o: { image: string | Promise<string>; host: string; clusterId: string; ca: Identity; keytabs: Record<string, Buffer>; krb5Conf: string; storePassword: string },
): Promise<NodeHandle> {
  return startBroker(start, {
    image: o.image,
    host: o.host,
    clusterId: o.clusterId,
    kerberosListenerProtocol: 'SASL_PLAINTEXT',
    scramListenerProtocol: 'SASL_SSL',
    authorizer: true,
    keystorePassword: o.storePassword,
    keystore: Identity.signedBy(o.ca, 'kafka', { cn: o.host, san: { dns: [o.host] } }, 2048).keystore(o.storePassword),
    keytab: o.keytabs['kafka.keytab'],
    adminKeytab: o.keytabs['admin.keytab'],
    admin: 'admin',
    superUsers: ['admin', 'kafka'],
    krb5Conf: o.krb5Conf,
    scramUsers: [],
  });
}
