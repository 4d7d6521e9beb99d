/**
 * Docs: "Example SSL Setup" › "REST endpoint (with a simple self-signed certificate)".
 *
 *   keytool -genkeypair -alias flink.rest -keystore rest.keystore -dname "CN=myhost.company.org"
 *           -ext "SAN=dns:myhost.company.org,ip:10.0.2.15" -storepass rest_keystore_password
 *           -keyalg RSA -keysize 4096 -storetype PKCS12
 *   keytool -exportcert … -file flink.cer
 *   keytool -importcert -keystore rest.truststore -alias flink.rest -storepass rest_truststore_password …
 *
 *   security.ssl.rest.enabled: true, .keystore, .truststore, passwords as above
 *
 * Here the JobManager is "jobmanager" with a fixed address on the sandbox network, so the
 * certificate's DNS and IP SANs are both real. The truststore holds the certificate, no key.
 */
import { Identity } from '../harness/pki';
import { restWorkshop, runRestScenario, RestPki, RestVariant } from './lib/rest-ssl';
import { internalKeyPair, InternalKeyPair } from './lib/cluster';
import { Scenario } from './types';

// The docs' example passwords: demo values.
const KEYSTORE_PASSWORD = 'rest_keystore_password';
const TRUSTSTORE_PASSWORD = 'rest_truststore_password';

export const REST_SSL_OFF = { 'security.ssl.rest.enabled': false };

/** Faults every REST scenario knows, and the checks they must turn red. */
export const REST_COMMON_FAULTS = {
  'rest-ssl-off': {
    setting: 'security.ssl.rest.enabled: false',
    description: 'REST served over plain HTTP',
    // Every TLS claim about REST, curl and the CLI; converting the keystore (doc.openssl-pem) is
    // unaffected. The refusal checks go red too: a client failing on plain HTTP proves nothing
    // about trust.
    expectRed: ['rest.*', 'doc.curl-cacert', 'doc.curl-untrusted-without-cacert', 'doc.curl-refused-without-cert', 'cli.list-with-truststore', 'cli.refused-with-foreign-truststore', 'cli.refused-without-keystore', 'cluster.job-completes'],
  },
  'cert-without-ip-san': {
    setting: 'REST certificate SAN=dns:jobmanager only (no ip:)',
    description: 'the server certificate does not name the JobManager\'s IP address',
    expectRed: ['rest.san-matches-ip'],
  },
};

export function selfSignedRestPki(jm: { host: string; ip: string }, fault?: string): RestPki {
  const san = { dns: [jm.host], ip: fault === 'cert-without-ip-san' ? [] : [jm.ip] };
  const server = Identity.selfSigned('flink.rest', { cn: jm.host, san });
  // wrong-truststore: the truststore holds some other certificate than the server's.
  const trusted = fault === 'wrong-truststore' ? Identity.selfSigned('flink.rest', { cn: jm.host, san }, 2048) : server;
  return {
    server,
    keystore: { file: 'rest.keystore', bytes: server.keystore(KEYSTORE_PASSWORD), password: KEYSTORE_PASSWORD },
    truststore: { file: 'rest.truststore', bytes: trusted.truststore(TRUSTSTORE_PASSWORD), password: TRUSTSTORE_PASSWORD },
    trustPem: trusted.certPem(),
  };
}

const variant: RestVariant = {
  mutual: false,
  pki: selfSignedRestPki,
  faultConfig: {
    'rest-ssl-off': REST_SSL_OFF,
    'wrong-keystore-password': { 'security.ssl.rest.keystore-password': 'not-the-password', 'security.ssl.rest.key-password': 'not-the-password' },
    'missing-keystore': { 'security.ssl.rest.keystore': '/opt/flink/ssl/no-such.keystore' },
  },
};

export const sslRestSelfSigned: Scenario<InternalKeyPair> = {
  name: 'ssl-rest-selfsigned',
  title: 'REST endpoint with a self-signed certificate',
  docSection: 'Security › SSL Setup › Example SSL Setup › REST endpoint (with a simple self-signed certificate); Querying the REST endpoint with the cURL utility',
  description: 'REST over TLS with a self-signed certificate (DNS + IP SANs) and a key-less truststore; curl, openssl and the Flink CLI as the docs use them.',
  faults: {
    ...REST_COMMON_FAULTS,
    'wrong-truststore': {
      setting: 'security.ssl.rest.truststore holds another certificate',
      description: 'the truststore the clients use does not hold the server\'s certificate',
      expectRed: ['rest.trusted-with-truststore', 'rest.san-*', 'cli.list-with-truststore', 'cluster.job-completes'],
    },
    'wrong-keystore-password': {
      setting: 'security.ssl.rest.keystore-password: not-the-password',
      description: 'bad input: Flink is given a password that does not open the REST keystore',
      expectRed: [],
      badInput: {
        preflight: /^security\.ssl\.rest\.keystore-password: does not open \/opt\/flink\/ssl\/rest\.keystore$/,
        flink: /^jobmanager did not start: .*(PKCS12|password|keystore).*security\.ssl\.rest\.keystore=\/opt\/flink\/ssl\/rest\.keystore/,
      },
    },
    'missing-keystore': {
      setting: 'security.ssl.rest.keystore: /opt/flink/ssl/no-such.keystore',
      description: 'bad input: the REST keystore file does not exist',
      expectRed: [],
      badInput: {
        preflight: /^security\.ssl\.rest\.keystore names \/opt\/flink\/ssl\/no-such\.keystore, which does not exist in the container$/,
        flink: /^jobmanager did not start: .*NoSuchFileException: \/opt\/flink\/ssl\/no-such\.keystore \(set by security\.ssl\.rest\.keystore\)$/,
      },
    },
  },
  workshop: (ctx, port) => restWorkshop(ctx, port, 'rest.keystore', KEYSTORE_PASSWORD, false),
  takesKeystore: 'security.ssl.internal.keystore',
  prepare: internalKeyPair,
  run: (ctx) => runRestScenario(ctx, variant),
};
