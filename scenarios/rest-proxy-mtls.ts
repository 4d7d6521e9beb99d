/**
 * The proxy of rest-proxy, authenticating clients by certificate instead of a token:
 *
 *   ssl_client_certificate <our CA>;  ssl_verify_client on;
 *
 * nginx completes the TLS handshake either way and answers a client without (or with a
 * foreign) certificate with HTTP 400, so the checks read the HTTP answer, not the handshake.
 * Flink's CLI authenticates with its REST keystore (security.ssl.rest.keystore +
 * authentication-enabled) — the proxy, not Flink, checks it.
 */
import { JOBMANAGER_HOST } from '../harness/config/cluster';
import { AUTH_OFF_RED, PROXY_PORT, proxyMaterial, ProxyMaterial, runProxyScenario } from './lib/rest-proxy';
import { Scenario } from './types';

export const restProxyMtls: Scenario<ProxyMaterial> = {
  name: 'rest-proxy-mtls',
  title: 'Sidecar proxy authenticating REST clients by certificate (nginx ssl_verify_client)',
  docSection: 'Security › SSL Setup › External Connections ("secured via a proxy"); Confluent: How to Secure a Flink Job',
  description: 'REST bound to loopback; nginx beside it requires a client certificate from our CA: none or a foreign one gets 400, the right one gets Flink\'s JSON.',
  images: ['proxy'],
  frontDoor: PROXY_PORT,
  faults: {
    'rest-bind-all': {
      setting: 'rest.bind-address: 0.0.0.0',
      description: 'the bypass: REST listens on every interface',
      expectRed: ['proxy.no-direct-access'],
    },
    'verify-client-off': {
      setting: 'nginx without ssl_verify_client',
      description: 'the proxy no longer asks for client certificates',
      expectRed: AUTH_OFF_RED,
    },
  },
  takesKeystore: 'security.ssl.internal.keystore',
  prepare: (inputs) => proxyMaterial(inputs),
  run: (ctx) => runProxyScenario(ctx, { auth: 'mtls', faults: { bindAll: 'rest-bind-all', authOff: 'verify-client-off' } }),
  workshop: (ctx, port) => {
    const curl = `curl -s -o /dev/null -w '%{http_code}\\n' --cacert ${ctx.pkiDir}/proxy-ca.pem --resolve ${JOBMANAGER_HOST}:${port}:127.0.0.1`;
    return [
      `Try it (client.pem holds the demo client key and certificate):`,
      `  ${curl} https://${JOBMANAGER_HOST}:${port}/overview                                  # 400: no client certificate`,
      `  ${curl} --cert ${ctx.pkiDir}/client.pem https://${JOBMANAGER_HOST}:${port}/overview   # 200: Flink's JSON`,
    ];
  },
};
