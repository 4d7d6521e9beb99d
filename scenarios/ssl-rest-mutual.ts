/**
 * Docs: "Configuring SSL for External Connectivity (REST Endpoints)" with
 * security.ssl.rest.authentication-enabled: true — "the keystore and the truststore are used by
 * both the server endpoints and the REST clients" — and "If mutual SSL is enabled:
 * curl --cacert rest.pem --cert rest.pem flink_url".
 *
 * The self-signed REST key pair of the simple example serves both sides: the server presents
 * it, and so must every client; the truststore (the certificate) decides whom the server admits.
 */
import { restWorkshop, runRestScenario, RestVariant } from './lib/rest-ssl';
import { internalKeyPair, InternalKeyPair } from './lib/cluster';
import { REST_COMMON_FAULTS, REST_SSL_OFF, selfSignedRestPki } from './ssl-rest-selfsigned';
import { Scenario } from './types';

const variant: RestVariant = {
  mutual: true,
  pki: selfSignedRestPki,
  faultConfig: {
    'rest-ssl-off': REST_SSL_OFF,
    'client-auth-off': { 'security.ssl.rest.authentication-enabled': false },
  },
};

export const sslRestMutual: Scenario<InternalKeyPair> = {
  name: 'ssl-rest-mutual',
  title: 'REST endpoint with mutual TLS',
  docSection: 'Security › SSL Setup › Configuring SSL for External Connectivity (REST Endpoints), security.ssl.rest.authentication-enabled; cURL with --cert',
  description: 'REST requires a client certificate: no or a foreign certificate is refused, the REST key pair gets in; curl and the CLI with keystore.',
  faults: {
    ...REST_COMMON_FAULTS,
    'client-auth-off': {
      setting: 'security.ssl.rest.authentication-enabled: false',
      description: 'the REST endpoint no longer asks for client certificates',
      expectRed: ['rest.requires-client-cert', 'rest.rejects-foreign-cert', 'doc.curl-refused-without-cert', 'cli.refused-without-keystore'],
    },
  },
  workshop: (ctx, port) => restWorkshop(ctx, port, 'rest.keystore', 'rest_keystore_password', true),
  takesKeystore: 'security.ssl.internal.keystore',
  prepare: internalKeyPair,
  run: (ctx) => runRestScenario(ctx, variant),
};
