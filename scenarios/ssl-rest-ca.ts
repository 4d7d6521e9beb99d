/**
 * Docs: "Example SSL Setup" › "REST endpoint (with a self-signed CA)".
 *
 *   keytool -genkeypair -alias ca -keystore ca.keystore -dname "CN=Sample CA" … -ext "bc=ca:true"
 *   keytool -importcert -keystore ca.truststore -alias ca …                 (CA only, no key)
 *   keytool -genkeypair -alias flink.rest -keystore rest.signed.keystore -dname "CN=flink.company.org" …
 *   keytool -certreq … | keytool -gencert -alias ca … -ext "SAN=dns:…,ip:…"  (the CA signs the CSR)
 *   keytool -importcert -keystore rest.signed.keystore … ca.cer, then rest.cer  (CA + signed leaf)
 *
 *   security.ssl.rest.keystore: rest.signed.keystore, .truststore: ca.truststore
 *
 * What it adds to the self-signed case: clients trust the CA, not the certificate; the served
 * chain must lead to that CA, and a client trusting another CA must not accept the server.
 */
import { Identity } from '../harness/pki';
import { restWorkshop, runRestScenario, RestPki, RestVariant } from './lib/rest-ssl';
import { internalKeyPair, InternalKeyPair } from './lib/cluster';
import { REST_COMMON_FAULTS, REST_SSL_OFF } from './ssl-rest-selfsigned';
import { Scenario } from './types';

// The docs' example passwords: demo values.
const REST_KEYSTORE_PASSWORD = 'rest_keystore_password';
const CA_TRUSTSTORE_PASSWORD = 'ca_truststore_password';

function caRestPki(jm: { host: string; ip: string }, fault?: string): RestPki {
  const ca = Identity.selfSigned('ca', { cn: 'Sample CA', isCa: true });
  const other = Identity.selfSigned('other-ca', { cn: 'Some Other CA', isCa: true }, 2048);
  const san = { dns: [jm.host], ip: fault === 'cert-without-ip-san' ? [] : [jm.ip] };
  const server = Identity.signedBy(ca, 'flink.rest', { cn: jm.host, san });
  // wrong-truststore: the clients' truststore holds another CA than the one that signed.
  const trustedCa = fault === 'wrong-truststore' ? other : ca;
  return {
    server,
    keystore: { file: 'rest.signed.keystore', bytes: server.keystore(REST_KEYSTORE_PASSWORD, [ca]), password: REST_KEYSTORE_PASSWORD },
    truststore: { file: 'ca.truststore', bytes: trustedCa.truststore(CA_TRUSTSTORE_PASSWORD), password: CA_TRUSTSTORE_PASSWORD },
    trustPem: trustedCa.certPem(),
    ca: { identity: ca, other },
  };
}

const variant: RestVariant = { mutual: false, pki: caRestPki, faultConfig: { 'rest-ssl-off': REST_SSL_OFF } };

export const sslRestCa: Scenario<InternalKeyPair> = {
  name: 'ssl-rest-ca',
  title: 'REST endpoint with a certificate signed by a self-signed CA',
  docSection: 'Security › SSL Setup › Example SSL Setup › REST endpoint (with a self-signed CA)',
  description: 'REST over TLS with a CA-signed certificate; clients trust only the CA; another CA is not accepted.',
  faults: {
    ...REST_COMMON_FAULTS,
    'wrong-truststore': {
      setting: 'security.ssl.rest.truststore (ca.truststore) holds another CA',
      description: 'clients trust a CA that did not sign the server certificate',
      expectRed: ['rest.trusted-with-truststore', 'rest.san-*', 'cli.list-with-truststore', 'cluster.job-completes'],
    },
  },
  workshop: (ctx, port) => restWorkshop(ctx, port, 'rest.signed.keystore', REST_KEYSTORE_PASSWORD, false),
  takesKeystore: 'security.ssl.internal.keystore',
  prepare: internalKeyPair,
  run: (ctx) => runRestScenario(ctx, variant),
};
