import { randomBytes } from 'node:crypto';
import { principal, SANDBOX_HOSTS } from './kerberos';

/**
 * The broker's server.properties: one combined KRaft node (broker + controller), a Kerberos
 * listener (SASL_PLAINTEXT with GSSAPI: the setup Flink's docs describe), a SCRAM listener over
 * TLS (SASL_SSL: the common alternative), and the controller on a listener of its own.
 */
export const KAFKA_HOST = SANDBOX_HOSTS.kafka;
export const KAFKA_PORTS = { kerberos: 9092, scram: 9093, controller: 9094 };
export const KAFKA_SERVICE = 'kafka';
/** The broker's service principal for the name clients reach it by (no realm). */
export const kafkaPrincipal = (host: string) => `${KAFKA_SERVICE}/${host}`;
export const KAFKA_PRINCIPAL = kafkaPrincipal(KAFKA_HOST);
export const KAFKA_FILES = {
  conf: '/etc/kafka/server.properties',
  keytab: '/etc/kafka/kafka.keytab',
  keystore: '/etc/kafka/kafka.keystore',
  adminKeytab: '/etc/kafka/admin.keytab',
  adminConf: '/etc/kafka/admin.properties',
};

export interface BrokerOptions {
  /** SASL_PLAINTEXT as documented; PLAINTEXT is the fault that drops authentication. */
  kerberosListenerProtocol: 'SASL_PLAINTEXT' | 'PLAINTEXT';
  /** SASL_SSL; SSL is the fault: TLS without SCRAM. */
  scramListenerProtocol?: 'SASL_SSL' | 'SSL';
  /** false is the fault: no authorizer, so ACLs are not enforced. */
  authorizer?: boolean;
  keystorePassword: string;
  /** Short names (Kafka's DEFAULT principal mapping) allowed everything. */
  superUsers: string[];
  /** The name the broker advertises and its principal carries (default: the Docker sandbox's). */
  host?: string;
}

const jaasKeytab = (keytab: string, name: string) =>
  `com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="${keytab}" principal="${principal(name)}";`;

export function renderServerProperties(o: BrokerOptions): string {
  const p = KAFKA_PORTS;
  const host = o.host ?? KAFKA_HOST;
  const props: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${host}:${p.controller}`],
    ['listeners', `KERBEROS://:${p.kerberos},SCRAM://:${p.scram},CONTROLLER://:${p.controller}`],
    ['advertised.listeners', `KERBEROS://${host}:${p.kerberos},SCRAM://${host}:${p.scram}`],
    ['listener.security.protocol.map', `KERBEROS:${o.kerberosListenerProtocol},SCRAM:${o.scramListenerProtocol ?? 'SASL_SSL'},CONTROLLER:PLAINTEXT`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'KERBEROS'],
    ['sasl.mechanism.inter.broker.protocol', 'GSSAPI'],
    ['sasl.kerberos.service.name', KAFKA_SERVICE],
    ['listener.name.kerberos.sasl.enabled.mechanisms', 'GSSAPI'],
    ['listener.name.kerberos.gssapi.sasl.jaas.config', jaasKeytab(KAFKA_FILES.keytab, kafkaPrincipal(host))],
    ['listener.name.scram.sasl.enabled.mechanisms', 'SCRAM-SHA-512'],
    ['listener.name.scram.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
    ['ssl.keystore.type', 'PKCS12'],
    ['ssl.keystore.location', KAFKA_FILES.keystore],
    ['ssl.keystore.password', o.keystorePassword],
    // Authorisation: nothing is allowed unless an ACL says so.
    ...(o.authorizer === false ? [] : ([['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer']] as Array<[string, string]>)),
    ['allow.everyone.if.no.acl.found', 'false'],
    // The controller listener is PLAINTEXT inside the container, so the broker reaches its own
    // controller as ANONYMOUS; no client can, as no client-facing listener is PLAINTEXT.
    ['super.users', [...o.superUsers, 'ANONYMOUS'].map((u) => `User:${u}`).join(';')],
    ['log.dirs', '/var/lib/kafka/data'],
    ['num.partitions', 2],
    ['auto.create.topics.enable', 'false'],
    ['offsets.topic.replication.factor', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
  ];
  return props.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** The admin tools' client settings (a super user, over the Kerberos listener). */
export function renderAdminProperties(o: Pick<BrokerOptions, 'kerberosListenerProtocol'>, admin: string): string {
  if (o.kerberosListenerProtocol === 'PLAINTEXT') return 'security.protocol=PLAINTEXT\n';
  return [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=GSSAPI',
    `sasl.kerberos.service.name=${KAFKA_SERVICE}`,
    `sasl.jaas.config=${jaasKeytab(KAFKA_FILES.adminKeytab, admin)}`,
    '',
  ].join('\n');
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64. Never one that starts with '-': the
 * storage tool would read it as an option (1 in 64 random ids did; Kafka's own generator skips them).
 */
export function kraftClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
