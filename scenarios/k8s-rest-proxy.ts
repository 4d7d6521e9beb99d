/**
 * Confluent's advice for Kubernetes: "bind the REST endpoint to the pod-local interface" and put
 * an authenticating proxy beside it, in the same pod. The claims of rest-proxy, on Kubernetes:
 *
 *   rest.bind-address: 127.0.0.1                      (the pod's loopback)
 *   JobManager pod: containers flink + proxy (nginx auth_request → the auth service, on 8443)
 *   Service jobmanager: rpc, blob and the proxy; not the REST port
 *   the proxy's certificate, key and credentials: Secrets (the token reaches it by secretKeyRef)
 *
 * Shown: anonymous and wrong credentials get 401 from the proxy, the token gets Flink's JSON, a
 * job and Flink's CLI go through the proxy (the CLI in the JobManager pod, through the Service),
 * and the pod's own address refuses the REST port to another pod.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBMANAGER_HOST } from '../harness/config/cluster';
import { noPasswordInObjects, secretFilesNotWorldReadable } from '../harness/checks/kube-objects';
import { KubeFlink } from '../harness/kube/flink-deployment';
import { PodHandle } from '../harness/kube/api';
import { kubectlLine } from '../harness/kube/run-context';
import { AUTH_OFF_RED, DEMO_TOKEN, PROXY_PORT, proxyChecks, proxyMaterial, ProxyMaterial, proxySetup } from './lib/rest-proxy';
import { Scenario } from './types';

export const k8sRestProxy: Scenario<ProxyMaterial> = {
  name: 'k8s-rest-proxy',
  runtime: 'kubernetes',
  title: 'Kubernetes: REST on the pod-local interface behind an authenticating sidecar (nginx auth_request)',
  docSection: 'Confluent: How to Secure a Flink Job ("bind REST to the pod-local interface", NGINX with MOD_AUTH); Security › SSL Setup › External Connections',
  description: 'JobManager pod with an nginx sidecar: REST bound to the pod\'s loopback, the Service exposes only the proxy; only the token gets in, the pod address refuses the REST port.',
  images: ['proxy'],
  faults: {
    'rest-bind-all': {
      setting: 'rest.bind-address: 0.0.0.0',
      description: 'the bypass: REST listens on the pod\'s address too, so any pod can walk around the proxy',
      expectRed: ['proxy.no-direct-access'],
    },
    'auth-off': {
      setting: 'nginx without auth_request',
      description: 'the sidecar forwards everything',
      expectRed: AUTH_OFF_RED,
    },
  },
  takesKeystore: 'security.ssl.internal.keystore',
  prepare: (inputs) => proxyMaterial(inputs),

  workshop: (ctx) => {
    const kc = kubectlLine(ctx.kube);
    if (!kc) return [];
    const curl = `curl -s -o /dev/null -w '%{http_code}\\n' --cacert /tmp/proxy-ca.pem`;
    return [
      'Try it (kubectl of the cluster\'s own build; the token is a demo value):',
      `  ${kc} cp ${ctx.pkiDir}/proxy-ca.pem probe:/tmp/proxy-ca.pem`,
      `  ${kc} exec probe -- ${curl} https://${JOBMANAGER_HOST}:${PROXY_PORT}/overview                                        # 401`,
      `  ${kc} exec probe -- ${curl} -H 'Authorization: Bearer ${DEMO_TOKEN}' https://${JOBMANAGER_HOST}:${PROXY_PORT}/overview  # 200`,
      `  ${kc} get svc ${JOBMANAGER_HOST} -o wide                                                  # no REST port on the Service`,
    ];
  },

  async run(ctx) {
    const kube = ctx.kube as NonNullable<typeof ctx.kube>;
    const m = ctx.material;
    const setup = proxySetup(ctx, { auth: 'auth_request', faults: { bindAll: 'rest-bind-all', authOff: 'auth-off' } });
    const [flinkImage, proxyImage, probeImage] = await Promise.all([ctx.images.get('flink'), ctx.images.get('proxy'), ctx.images.get('probe')]);
    await kube.load([flinkImage, proxyImage]);
    const [kf, station] = await ctx.phase('start', `pods up in namespace ${kube.namespace} (JobManager + proxy sidecar, 2 TaskManagers, probe)`, () =>
      Promise.all([
        KubeFlink.deploy(kube.api, {
          namespace: kube.namespace,
          image: flinkImage,
          version: ctx.version,
          taskManagers: 2,
          slotsPerTaskManager: 2,
          overlay: () => setup.overlay,
          secretFiles: { 'internal.keystore': m.internal.keystore(m.internalPassword) },
          secretMode: 0o440,
          jobmanagerFiles: setup.jobmanagerFiles,
          sidecar: { name: 'proxy', image: proxyImage, env: setup.proxyEnv, files: setup.proxyFiles, port: PROXY_PORT },
          exposeRest: false,
          skipPreflight: ctx.skipPreflight,
        }),
        kube.probeStation(probeImage),
      ]),
    );
    const jm = kf.pods.jobmanager;
    const proxyLog = await kf.followLog(jm, 'proxy');
    try {
      const proxy = new PodHandle(kube.api, kube.namespace, jm, 'proxy');
      const checks = await proxyChecks(ctx, setup, {
        cluster: kf.cluster,
        station,
        proxyExec: (cmd) => proxy.exec(cmd),
        proxyLog: proxyLog.text,
        directHost: kf.pods.ips[jm],
        logOf: (n) => kf.cluster.logOf(n),
        refreshLogs: () => kf.refreshLogs(),
      });
      const objects = await ctx.phase('checks', 'Kubernetes objects and mounted secrets', () =>
        Promise.all([
          noPasswordInObjects(kube.api, kube.namespace, [
            { label: 'internal store password', value: m.internalPassword },
            { label: 'proxy bearer token', value: DEMO_TOKEN },
          ]),
          secretFilesNotWorldReadable(kf.secretMounts()),
        ]),
      );
      return [...checks, ...objects];
    } finally {
      proxyLog.stop();
      await kf.refreshLogs().catch(() => undefined);
      kf.saveLogs(ctx.logsDir);
      writeFileSync(join(ctx.logsDir, `${jm}-proxy.log`), proxyLog.text());
    }
  },
};
