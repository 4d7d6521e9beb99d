/**
 * Docs: "the REST endpoint does not authenticate clients and typically needs to be secured via
 * a proxy" — Flink's SSL page; and the Confluent guide: bind REST to the loopback (or pod-local)
 * interface and put an authenticating proxy beside it ("NGINX with MOD_AUTH").
 *
 *   rest.bind-address: 127.0.0.1                       (JobManager)
 *   nginx sidecar in the JobManager's network namespace: listen 8443 ssl; auth_request /_auth;
 *   proxy_pass http://127.0.0.1:8081;                  (auth_request → our auth service)
 *
 * Shown: the proxy is the only way in — anonymous and wrong credentials get 401, the right
 * token gets Flink's JSON, the REST port itself refuses connections from the network, and a job
 * (and Flink's own CLI, sending the token via FLINK_REST_CLIENT_HEADERS) goes through the proxy.
 */
import { JOBMANAGER_HOST } from '../harness/config/cluster';
import { AUTH_OFF_RED, DEMO_TOKEN, PROXY_PORT, proxyMaterial, ProxyMaterial, runProxyScenario } from './lib/rest-proxy';
import { Scenario } from './types';

export const restProxy: Scenario<ProxyMaterial> = {
  name: 'rest-proxy',
  title: 'Authenticating sidecar proxy (nginx auth_request) in front of the REST API',
  docSection: 'Security › SSL Setup › External Connections ("secured via a proxy"); Confluent: How to Secure a Flink Job (NGINX with MOD_AUTH)',
  description: 'REST bound to loopback; nginx beside it terminates TLS and asks an auth service (auth_request); only the proxy, with a token, gets in.',
  images: ['proxy'],
  frontDoor: PROXY_PORT,
  faults: {
    'rest-bind-all': {
      setting: 'rest.bind-address: 0.0.0.0',
      description: 'the bypass: REST listens on every interface, so the proxy can be walked around',
      expectRed: ['proxy.no-direct-access'],
    },
    'auth-off': {
      setting: 'nginx without auth_request',
      description: 'the proxy forwards everything',
      expectRed: AUTH_OFF_RED,
    },
  },
  takesKeystore: 'security.ssl.internal.keystore',
  prepare: (inputs) => proxyMaterial(inputs),
  run: (ctx) => runProxyScenario(ctx, { auth: 'auth_request', faults: { bindAll: 'rest-bind-all', authOff: 'auth-off' } }),
  workshop: (ctx, port) => {
    const curl = `curl -s -o /dev/null -w '%{http_code}\\n' --cacert ${ctx.pkiDir}/proxy-ca.pem --resolve ${JOBMANAGER_HOST}:${port}:127.0.0.1`;
    return [
      `Try it (the token is a demo value):`,
      `  ${curl} https://${JOBMANAGER_HOST}:${port}/overview                                        # 401: no credentials`,
      `  ${curl} -H 'Authorization: Bearer wrong' https://${JOBMANAGER_HOST}:${port}/overview       # 401: wrong token`,
      `  ${curl} -H 'Authorization: Bearer ${DEMO_TOKEN}' https://${JOBMANAGER_HOST}:${port}/overview  # 200: Flink's JSON`,
      `  docker exec ${ctx.sandbox.runId}-probe curl -sS http://${JOBMANAGER_HOST}:8081/overview    # refused: REST only listens on loopback`,
    ];
  },
};
