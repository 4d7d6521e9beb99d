/**
 * Refusal checks against recorded outputs: each "wrong reason" below would have passed the
 * check before its criterion was sharpened (a dead port, a DNS failure, a KDC that is down, a
 * TLS error of the client's own); the real refusal next to it still passes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { weakSuitesVerdict, SuiteScan } from '../../harness/checks/ciphers';
import { curlRefusedByServer } from '../../harness/checks/doc-commands';
import { CLIENT_REFUSED_SERVER, SERVER_REFUSED_CLIENT } from '../../harness/checks/flink-cli';
import { kdcRefusal, unauthenticatedVerdict, unknownPrincipalVerdict } from '../../harness/checks/kafka';
import { cliRefusedByProxy } from '../../harness/checks/proxy';
import { TLS12_SUITES } from '../../harness/probes/suites';
import { kcatErrors } from '../../harness/runtime/kcat';

const recorded = (f: string) => readFileSync(join(__dirname, 'recorded', f), 'utf8');
const kcatRun = (output: string, exitCode = 1) => ({ exitCode, output, errors: kcatErrors(output) });

// kcat's real refusal by the SASL listener (librdkafka 2.0.2 as Debian ships it; the broker's line from the same run).
const disconnected = kcatRun(
  '%3|1796256090.100|FAIL|rdkafka#producer-1| [thrd:kafka.sandbox.test:9093/bootstrap]: kafka.sandbox.test:9093/bootstrap: Disconnected: verify that security.protocol is correctly configured, broker might require SASL authentication (after 2ms in state APIVERSION_QUERY)\n% ERROR: Failed to acquire metadata: Local: Timed out\n',
);
const brokerRefusal = ['org.apache.kafka.common.errors.InvalidRequestException: Unexpected Kafka request of type METADATA during SASL handshake.'];
const authenticated = kcatRun('Metadata for all topics (from broker 1: sasl_plaintext://kafka.sandbox.test:9093/1):\n 1 brokers:\n  broker 1 at kafka.sandbox.test:9093 (controller)\n 2 topics:\n', 0);

describe('kafka.rejects-unauthenticated', () => {
  test('the broker disconnected the client at the SASL handshake, and an authenticated client got in right after', () => {
    expect(unauthenticatedVerdict(disconnected, authenticated, brokerRefusal).status).toBe('PASS');
  });
  test.each([
    ['a name that does not resolve', 'kcat-dns-failure.txt'],
    ['a broker that is not listening', 'kcat-connection-refused.txt'],
  ])('%s is not a refusal (recorded)', (_what, file) => {
    const r = unauthenticatedVerdict(kcatRun(recorded(file)), authenticated, []);
    expect(r.status).toBe('FAIL');
    expect(r.evidence).toMatch(/logged no refusal/);
  });
  test('a broker line from before the check does not count; nor does a refusal while no authenticated client gets in', () => {
    expect(unauthenticatedVerdict(disconnected, authenticated, []).status).toBe('FAIL');
    expect(unauthenticatedVerdict(disconnected, kcatRun(recorded('kcat-connection-refused.txt')), brokerRefusal).status).toBe('FAIL');
  });
});

describe('kafka.rejects-unknown-principal', () => {
  const ghost = kcatRun(
    '%3|1796256090.200|SASLREFRESH|rdkafka#producer-1| [thrd:main]: Kerberos ticket refresh failed: kinit -R -t "/keytabs/ghost.keytab" -k ghost@SANDBOX.TEST || kinit -t "/keytabs/ghost.keytab" -k ghost@SANDBOX.TEST: exited with code 1\n',
  );
  const kdc = ['Dec 02 23:59:42 454268124c17 krb5kdc[1](info): AS_REQ (8 etypes {…}) 172.29.161.3: CLIENT_NOT_FOUND: ghost@SANDBOX.TEST for krbtgt/SANDBOX.TEST@SANDBOX.TEST, Client not found in Kerberos database'];
  test("the KDC's CLIENT_NOT_FOUND for that principal during the check", () => {
    expect(unknownPrincipalVerdict(ghost, 'ghost@SANDBOX.TEST', kdc).status).toBe('PASS');
  });
  test('a KDC that cannot be reached (recorded) is not that refusal', () => {
    expect(unknownPrincipalVerdict(kcatRun(recorded('kcat-kdc-down.txt')), 'ghost@SANDBOX.TEST', []).status).toBe('FAIL');
  });
  test("another principal's CLIENT_NOT_FOUND does not count", () => {
    expect(unknownPrincipalVerdict(ghost, 'ghost@SANDBOX.TEST', [kdc[0].replace('ghost@', 'ghost2@')]).status).toBe('FAIL');
  });
});

describe('kdc.refuses-*', () => {
  const wrong = { exitCode: 1, output: 'kinit: Password incorrect while getting initial credentials\n' };
  const line = 'krb5kdc[1](info): AS_REQ (8 etypes {…}) 172.29.161.3: PREAUTH_FAILED: client@SANDBOX.TEST for krbtgt/SANDBOX.TEST@SANDBOX.TEST, Preauthentication failed';
  test("kinit failed and the KDC logged PREAUTH_FAILED for that principal", () => {
    expect(kdcRefusal('kdc.refuses-wrong-password', 't', wrong, 'client@SANDBOX.TEST', [line]).status).toBe('PASS');
  });
  test('the client failing to decrypt a reply the KDC gave freely (no pre-authentication) is not a KDC refusal', () => {
    expect(kdcRefusal('kdc.refuses-wrong-password', 't', wrong, 'client@SANDBOX.TEST', []).status).toBe('FAIL');
    expect(kdcRefusal('kdc.refuses-wrong-password', 't', wrong, 'client@SANDBOX.TEST', [line.replace('client@', 'flink@')]).status).toBe('FAIL');
  });
});

describe('*.refuses-weak-suites', () => {
  const weak = TLS12_SUITES.filter((s) => s.weak).map((s) => s.iana);
  const scan = (s: Partial<SuiteScan>): SuiteScan => ({ endpoint: { id: 'blob', label: 'blob', host: 'jobmanager', port: 6124 }, accepted: [], untestable: [], refusedByAlert: [], unanswered: [], protocols: {}, ms: 1, ...s });
  test('every weak suite offered refused with an alert, by an endpoint that accepted the strong ones', () => {
    const r = weakSuitesVerdict(scan({ accepted: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], refusedByAlert: weak }));
    expect(r.status).toBe('PASS');
    // The evidence names what was actually offered.
    expect(r.evidence).toContain('TLS_RSA_WITH_NULL_SHA');
  });
  test('a dead port refuses every suite too: not this claim', () => {
    const all = [...TLS12_SUITES.map((s) => s.iana), 'TLSv1.2'];
    expect(weakSuitesVerdict(scan({ unanswered: all })).status).toBe('FAIL');
  });
  test('a weak suite that got no TLS answer (timeout) is not a refusal', () => {
    const r = weakSuitesVerdict(scan({ accepted: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], refusedByAlert: weak.slice(1), unanswered: [weak[0]] }));
    expect(r.status).toBe('FAIL');
  });
});

describe("the proxy's refusal of Flink's CLI", () => {
  const pkix = { exitCode: 124, output: 'javax.net.ssl.SSLHandshakeException: PKIX path building failed: unable to find valid certification path to requested target', said: 'PKIX path building failed' };
  const html401 = { exitCode: 124, output: 'ERROR org.apache.flink.runtime.rest.RestClient [] - Unexpected plain-text response: <html>\n<head><title>401 Authorization Required</title></head>', said: 'Unexpected plain-text response' };
  const access = ['172.29.133.2 - - [02/Dec/2026:23:57:35 +0000] "POST /v1/jobs HTTP/1.1" 401 179 "-" "-"'];
  test("the proxy logged the CLI's own request as refused", () => {
    const r = cliRefusedByProxy('proxy.refuses-job-without-credentials', 't', html401, access, { method: 'POST', path: /\/v1\/jobs/ }, [401, 403]);
    expect(r.status).toBe('PASS');
    expect(r.evidence).toMatch(/401 Authorization Required/);
  });
  test("a TLS error of the CLI's own (which said 'SSL' and passed before) is not the proxy's refusal", () => {
    expect(cliRefusedByProxy('x', 't', pkix, [], { method: 'POST', path: /\/v1\/jobs/ }, [401, 403]).status).toBe('FAIL');
  });
  test('a refusal of another request does not count', () => {
    expect(cliRefusedByProxy('x', 't', html401, access, { method: 'GET', path: /\/v1\/jobs\/overview/ }, [401, 403]).status).toBe('FAIL');
  });
});

test("curl refused by the REST server: the server's alert, not a connection or trust failure of curl's own", () => {
  expect(curlRefusedByServer(56, 'curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0')).toBe(true);
  expect(curlRefusedByServer(7, 'curl: (7) Failed to connect to jobmanager port 8081 after 1 ms: Couldn\'t connect to server')).toBe(false);
  expect(curlRefusedByServer(6, 'curl: (6) Could not resolve host: jobmanager')).toBe(false);
  expect(curlRefusedByServer(60, 'curl: (60) SSL certificate problem: self-signed certificate')).toBe(false);
});

describe("Flink's CLI: whose refusal it is", () => {
  // Lines as the JDK's TLS debug output printed them in ssl-rest-mutual and ssl-internal-pinned runs (1.20.5).
  const clientPkix = 'javax.net.ssl|ERROR|10|main|…|TransportContext.java:363|Fatal (CERTIFICATE_UNKNOWN): PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target (';
  const clientPin = 'javax.net.ssl|ERROR|10|main|…|TransportContext.java:363|Fatal (CERTIFICATE_UNKNOWN): server certificate with unknown fingerprint: CN=jobmanager (';
  const serverAlert = 'javax.net.ssl|ERROR|10|main|…|TransportContext.java:363|Fatal (HANDSHAKE_FAILURE): Received fatal alert: handshake_failure (';
  test('the CLI refusing the server: its trust or its pin', () => {
    expect(CLIENT_REFUSED_SERVER.test(clientPkix)).toBe(true);
    expect(CLIENT_REFUSED_SERVER.test(clientPin)).toBe(true);
    expect(CLIENT_REFUSED_SERVER.test(serverAlert)).toBe(false);
  });
  test('the server refusing the CLI: an alert it received (a trust failure of its own, which passed before, is not)', () => {
    expect(SERVER_REFUSED_CLIENT.test(serverAlert)).toBe(true);
    expect(SERVER_REFUSED_CLIENT.test(clientPkix)).toBe(false);
  });
});
