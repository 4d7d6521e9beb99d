import { KAFKA_HOST, kraftClusterId, renderAdminProperties, renderServerProperties } from '../../harness/config/kafka';
import { DOMAIN, REALM, renderKdcConf, renderKdcInit, renderKrb5Conf } from '../../harness/config/kerberos';
import { kafkaConnectorFor } from '../../harness/images/kafka';
import { kcatCommand, kcatErrors } from '../../harness/runtime/kcat';
import { causes } from '../../harness/runtime/logs';

const props = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

test('krb5.conf: no DNS canonicalisation by default, TCP, the realm of the sandbox domain', () => {
  const conf = renderKrb5Conf();
  expect(conf).toMatch(/rdns = false/);
  expect(conf).toMatch(/dns_canonicalize_hostname = false/);
  expect(conf).toMatch(/udp_preference_limit = 1/);
  expect(conf).toContain(`.${DOMAIN} = ${REALM}`);
  expect(renderKrb5Conf({ canonicalize: true })).toMatch(/rdns = true[\s\S]*dns_canonicalize_hostname = true/);
});

test('the KDC script exports every keytab, a stale one before the key changes, and checks they exist', () => {
  const s = renderKdcInit(
    [
      { name: 'flink', keytab: 'flink.keytab', staleKeytab: 'flink-stale.keytab' },
      { name: 'client', keytab: 'client.keytab', password: "it's" },
      { name: 'ghost', keytab: 'ghost.keytab', deleted: true },
    ],
    'master',
  );
  const stale = s.indexOf('ktadd -k /keytabs/flink-stale.keytab');
  const fresh = s.indexOf('ktadd -k /keytabs/flink.keytab');
  expect(stale).toBeGreaterThan(0);
  expect(fresh).toBeGreaterThan(stale);
  // A password principal keeps its password's key in the keytab.
  expect(s).toContain('ktadd -norandkey -k /keytabs/client.keytab');
  expect(s).toContain(`'addprinc -pw it'\\''s client@${REALM}'`);
  expect(s.indexOf('delprinc -force ghost@')).toBeGreaterThan(s.indexOf('ktadd -k /keytabs/ghost.keytab'));
  expect(s).toMatch(/for f in flink-stale\.keytab flink\.keytab client\.keytab ghost\.keytab; do \[ -s/);
  expect(s.trim().split('\n').at(-1)).toBe('exec krb5kdc -n');
});

test('server.properties: Kerberos listener SASL_PLAINTEXT, SCRAM over TLS, a separate controller, deny by default', () => {
  const p = props(renderServerProperties({ kerberosListenerProtocol: 'SASL_PLAINTEXT', keystorePassword: 'pw', superUsers: ['admin', 'kafka'] }));
  expect(p['listener.security.protocol.map']).toBe('KERBEROS:SASL_PLAINTEXT,SCRAM:SASL_SSL,CONTROLLER:PLAINTEXT');
  expect(p['advertised.listeners']).toBe(`KERBEROS://${KAFKA_HOST}:9092,SCRAM://${KAFKA_HOST}:9093`);
  expect(p['controller.listener.names']).toBe('CONTROLLER');
  expect(p['listener.name.kerberos.gssapi.sasl.jaas.config']).toContain(`principal="kafka/${KAFKA_HOST}@${REALM}"`);
  expect(p['allow.everyone.if.no.acl.found']).toBe('false');
  expect(p['super.users']).toBe('User:admin;User:kafka;User:ANONYMOUS');
  expect(props(renderServerProperties({ kerberosListenerProtocol: 'PLAINTEXT', keystorePassword: 'pw', superUsers: [] }))['listener.security.protocol.map']).toMatch(/^KERBEROS:PLAINTEXT,/);
  expect(renderAdminProperties({ kerberosListenerProtocol: 'PLAINTEXT' }, 'admin')).toBe('security.protocol=PLAINTEXT\n');
  // The faults: no authorizer; TLS without SASL on the SCRAM listener.
  const faulty = props(renderServerProperties({ kerberosListenerProtocol: 'SASL_PLAINTEXT', scramListenerProtocol: 'SSL', authorizer: false, keystorePassword: 'pw', superUsers: [] }));
  expect(faulty['authorizer.class.name']).toBeUndefined();
  expect(faulty['listener.security.protocol.map']).toBe('KERBEROS:SASL_PLAINTEXT,SCRAM:SSL,CONTROLLER:PLAINTEXT');
});

test('kdc.conf requires pre-authentication unless the fault says otherwise', () => {
  expect(renderKdcConf()).toContain('default_principal_flags = +preauth');
  expect(renderKdcConf({ preauth: false })).toContain('default_principal_flags = -preauth');
});

test('the Kafka connector release follows the Flink minor version', () => {
  expect(kafkaConnectorFor('1.20.5')).toBe('3.4.0-1.20');
  expect(kafkaConnectorFor('2.1.1')).toBe('5.0.0-2.1');
  expect(() => kafkaConnectorFor('1.14.6')).toThrow(/no Flink Kafka connector known for Flink 1\.14\.6/);
});

test('kcat errors lose librdkafka log prefixes and repeat counters', () => {
  const out = [
    '%3|1795706585.891|FAIL|rdkafka#producer-1| [thrd:sasl_ssl://kafka.sandbox.test:9093/bootstrap]: sasl_ssl://kafka.sandbox.test:9093/bootstrap: SASL authentication error: invalid credentials (after 308ms in state AUTH_REQ)',
    '%3|1795706586.475|FAIL|rdkafka#producer-1| [thrd:sasl_ssl://kafka.sandbox.test:9093/bootstrap]: sasl_ssl://kafka.sandbox.test:9093/bootstrap: SASL authentication error: invalid credentials (after 308ms in state AUTH_REQ, 1 identical error(s) suppressed)',
    '% ERROR: Failed to acquire metadata: Local: Broker transport failure',
  ].join('\n');
  expect(kcatErrors(out)).toEqual(['SASL authentication error: invalid credentials', 'ERROR: Failed to acquire metadata: Local: Broker transport failure']);
});

test('a kcat command for the hand-out names the listener, the principal and its keytab', () => {
  const cmd = kcatCommand({ kind: 'kerberos', principal: 'client', keytab: '/keytabs/client.keytab' }, ['-L']);
  expect(cmd).toMatch(/^kcat -b kafka\.sandbox\.test:9092 -X security\.protocol=SASL_PLAINTEXT -X sasl\.mechanisms=GSSAPI /);
  expect(cmd).toContain('sasl.kerberos.keytab=/keytabs/client.keytab');
  expect(cmd).toContain(`sasl.kerberos.principal=client@${REALM}`);
});

test("a failed job's cause chain keeps the login's links", () => {
  const out = [
    'org.apache.flink.client.program.ProgramInvocationException: The main method caused an error',
    'Caused by: org.apache.flink.runtime.client.JobExecutionException: Job execution failed.',
    'Caused by: org.apache.kafka.common.KafkaException: Failed to create new KafkaAdminClient',
    'Caused by: javax.security.auth.login.LoginException: Unable to obtain password from user',
    '\tat somewhere',
  ].join('\n');
  expect(causes(out, /Login|Krb/)).toBe('javax.security.auth.login.LoginException: Unable to obtain password from user');
  expect(causes(out, /nothing-matches/)).toBe('javax.security.auth.login.LoginException: Unable to obtain password from user');
  expect(causes('', /x/)).toBe('');
});

test("a KRaft cluster id never starts with '-' (the storage tool would take it for an option)", () => {
  // 0xf8… encodes to "-…" in URL-safe base64: the first draw is skipped.
  const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x11)];
  expect(draws[0].toString('base64url').startsWith('-')).toBe(true);
  const id = kraftClusterId(() => draws.shift() as Buffer);
  expect(id).toBe(Buffer.alloc(16, 0x11).toString('base64url'));
  expect(id).toHaveLength(22);
});
