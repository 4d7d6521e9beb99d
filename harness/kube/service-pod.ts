/**
 * A sandbox service (the KDC, the Kafka broker, a client station) as a pod, started from the same
 * ServiceSpec the Docker sandbox takes, so the code that starts a service serves both runtimes.
 * The service is found by its headless Service's DNS name, `<name>.<namespace>.svc.cluster.local`
 * (the pod's own address: no ClusterIP hairpin when a broker dials itself).
 */
import { LABEL } from '../runtime/docker';
import { NodeHandle } from '../runtime/node';
import { ServiceSpec } from '../runtime/sandbox';
import { KubeApi, KubeObject, PodHandle, waitForPods } from './api';

/**
 * The pod, its files (one Secret, each file mounted on its own path with its own mode, owner
 * root: the images' services run as root and read 0600 files) and a headless Service with every
 * port the spec names.
 */
export function servicePodObjects(namespace: string, s: ServiceSpec & { image: string }): KubeObject[] {
  const ports = s.ports ?? [];
  const labels = { [LABEL]: 'true', 'fss-service': s.name };
  const files = s.files ?? [];
  const secret = `${s.name}-files`;
  const key = (i: number) => `f${i}`;
  return [
    ...(files.length
      ? [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: secret, namespace, labels }, type: 'Opaque', data: Object.fromEntries(files.map((f, i) => [key(i), Buffer.from(f.content).toString('base64')])) }]
      : []),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: s.name, namespace, labels },
      // Resolvable before the pod is ready: a broker resolves its own name while it starts.
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { 'fss-service': s.name }, ports: ports.map((p) => ({ name: `p${p}`, port: p, targetPort: p })) },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: s.name, namespace, labels },
      spec: {
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
        automountServiceAccountToken: false,
        containers: [
          {
            name: s.name,
            image: s.image,
            imagePullPolicy: 'Never',
            ...(s.command ? { args: s.command } : {}),
            env: Object.entries(s.env ?? {}).map(([name, value]) => ({ name, value })),
            volumeMounts: files.map((f, i) => ({ name: 'files', mountPath: f.target, subPath: key(i), readOnly: true })),
          },
        ],
        volumes: files.length ? [{ name: 'files', secret: { secretName: secret, items: files.map((f, i) => ({ key: key(i), path: key(i), mode: f.mode })) } }] : [],
      },
    },
  ] as KubeObject[];
}

/** Starts a service pod and waits for its ready log line (a container that cannot start fails at once). */
export async function startServicePod(api: KubeApi, namespace: string, spec: ServiceSpec): Promise<NodeHandle> {
  const image = await spec.image;
  await api.create(servicePodObjects(namespace, { ...spec, image }));
  const deadline = spec.startupTimeoutMs ?? 60_000;
  const t0 = Date.now();
  await waitForPods(api, namespace, `fss-service=${spec.name}`, 1, deadline, `${spec.name} pod`);
  if (spec.readyLog) {
    for (;;) {
      const log = await api.log(namespace, spec.name, spec.name);
      if (spec.readyLog.test(log)) break;
      const [pod] = await api.pods(namespace, `fss-service=${spec.name}`);
      const ended = pod?.status?.containerStatuses?.[0]?.state?.terminated ?? pod?.status?.containerStatuses?.[0]?.lastState?.terminated;
      if (ended) throw new Error(`${spec.name} exited (${ended.exitCode}) before it was ready: ${log.trim().split('\n').slice(-3).join(' | ')}`);
      if (Date.now() - t0 > deadline) throw new Error(`${spec.name} not ready after ${deadline / 1000} s (no ${spec.readyLog.source} in its log): ${log.trim().split('\n').slice(-3).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return new PodHandle(api, namespace, spec.name, spec.name);
}
