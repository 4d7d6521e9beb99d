import { randomBytes } from 'node:crypto';
import { LABEL, RUN_LABEL } from '../runtime/docker';
import { ProbeStation } from '../runtime/probe-station';
import { Sandbox } from '../runtime/sandbox';
import { KubeApi, PodHandle } from './api';
import { KubeSession } from './session';

/** What a Kubernetes scenario gets: the shared cluster and a namespace of its own. */
export interface KubeRunContext {
  session: KubeSession;
  api: KubeApi;
  namespace: string;
  /** Another namespace of this run (an outsider's), deleted with it. */
  extraNamespace(tag: string): Promise<string>;
  /** The project's images into the workers (skipped where they are already). */
  load(images: string[]): Promise<void>;
  /** A probe pod in the namespace (same image and probe modules as the Docker probe station). */
  probeStation(image: string, opts?: { name?: string; namespace?: string; labels?: Record<string, string>; serviceAccountToken?: boolean }): Promise<ProbeStation>;
}

/** For --keep: the cluster's own kubectl with its kubeconfig and the run's namespace, to copy and paste. */
export function kubectlLine(k: KubeRunContext | undefined): string | undefined {
  return k && `${k.session.cluster.kubectlPath} --kubeconfig ${k.session.cluster.kubeconfig} -n ${k.namespace}`;
}

/** Kubernetes names: lower case, digits and dashes, at most 63 characters. */
export function namespaceName(scenario: string, fault?: string): string {
  const base = `${scenario}${fault ? `-${fault}` : ''}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `${base.slice(0, 56)}-${randomBytes(3).toString('hex')}`;
}

export async function openKubeRun(sandbox: Sandbox, session: KubeSession, scenario: string, fault?: string): Promise<KubeRunContext> {
  const { api } = session;
  const namespace = namespaceName(scenario, fault);
  const labels = { [LABEL]: 'true', [RUN_LABEL]: sandbox.runId };
  const open = async (name: string) => {
    await api.create([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }]);
    // The namespace goes with the run (its pods, Secrets, policies); the cluster stays for the next.
    sandbox.onTeardown(() => api.deleteNamespace(name));
  };
  await open(namespace);
  return {
    session,
    api,
    namespace,
    async extraNamespace(tag) {
      const name = namespaceName(tag);
      await open(name);
      return name;
    },
    load: (images) => session.cluster.load(images),
    async probeStation(image, opts = {}) {
      const ns = opts.namespace ?? namespace;
      const name = opts.name ?? 'probe';
      await api.create([
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: ns, labels: { ...labels, ...(opts.labels ?? { role: 'probe' }) } },
          spec: {
            terminationGracePeriodSeconds: 0,
            // No token unless asked for (a pod that calls the API as its namespace's default account).
            automountServiceAccountToken: opts.serviceAccountToken ?? false,
            containers: [{ name: 'probe', image, imagePullPolicy: 'Never', command: ['sleep', 'infinity'] }],
          },
        },
      ]);
      for (let i = 0; ; i++) {
        const p = (await api.pods(ns)).find((x) => x.metadata?.name === name);
        if (p?.status?.phase === 'Running') break;
        if (i > 120) throw new Error(`probe pod ${ns}/${name} not running after 60 s: ${p?.status?.phase} ${p?.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      return ProbeStation.attach(new PodHandle(api, ns, name, 'probe'));
    },
  };
}
