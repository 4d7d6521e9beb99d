import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from '../images/paths';
import { docker, KUBE_KEPT_LABEL, LABEL, OWNER_LABEL } from '../runtime/docker';
import { ownerState } from '../runtime/owner';
import { newRunId, Sandbox } from '../runtime/sandbox';
import { progress } from '../ui/progress';
import { KubeApi } from './api';
import { KubeCluster, startKubeCluster } from './cluster';
import { ensureKubeBinaries } from './components';
import { checkClusterHealth } from './health';
import { KIND_CLUSTER_LABEL, nodeMode } from './kind';

/** Per cluster: kubeconfig, kind's config and the docker wrapper (owner-only). */
export const clusterStateDir = (name: string) => join(CACHE, 'kube', 'clusters', name);

export interface KubeSession {
  cluster: KubeCluster;
  api: KubeApi;
  reused: boolean;
}

/** One per kind of cluster (with or without the NetworkPolicy enforcer). */
const sessions = new Map<string, Promise<KubeSession>>();

/**
 * A cluster kept by an earlier --keep-cluster run, still there, whose API answers. It is reused
 * as it is: a newer node image takes effect after `--cleanup`.
 */
async function keptCluster(variant: string): Promise<KubeSession | undefined> {
  const r = await docker(['ps', '--filter', `label=${LABEL}=true`, '--filter', `label=${KUBE_KEPT_LABEL}=${variant}`, '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', `{{.Label "${KIND_CLUSTER_LABEL}"}}\t{{.Label "${OWNER_LABEL}"}}`], { reject: false });
  // Never one another process is still making or using as its own (its owner runs).
  const names = r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')).filter(([, owner]) => ownerState(owner) !== 'alive').map(([n]) => n);
  for (const name of [...new Set(names)]) {
    const dir = clusterStateDir(name);
    if (!existsSync(join(dir, 'kubeconfig'))) continue;
    const bins = await ensureKubeBinaries();
    const image = (await docker(['inspect', '--format', '{{.Config.Image}}', `${name}-control-plane`], { reject: false })).stdout.trim();
    const cluster = new KubeCluster(name, join(dir, 'kubeconfig'), bins, (await nodeMode(image)).compat, dir, name);
    const ok = await cluster.kubectl(['get', '--raw', '/readyz'], { reject: false, timeout: 10_000 });
    if (ok.exitCode === 0) return { cluster, api: await KubeApi.connect(cluster.kubeconfig), reused: true };
  }
  return undefined;
}

/**
 * The one cluster of this process: a kept one when there is (--keep-cluster made it), else a new
 * one with its own network and run id, deleted when the process ends unless kept. `--all` and a
 * run's faults share it; each scenario run gets its own namespace.
 */
export function kubeSession(opts: { keepCluster: boolean; keep?: boolean; logsDir: string; probeImage: Promise<string>; enforcer?: boolean }): Promise<KubeSession> {
  const enforcer = opts.enforcer ?? true;
  // --keep leaves any cluster for poking; --keep-cluster only the ordinary one: a cluster without
  // the enforcer serves one fault, and idle it would burn the cores the next runs need.
  const keep = Boolean(opts.keep) || (opts.keepCluster && enforcer);
  // The label value says which kind of cluster was kept: only the same kind is reused.
  const variant = enforcer ? 'kept' : 'kept-no-enforcer';
  const existing = sessions.get(variant);
  if (existing) return existing;
  const session = (async () => {
    const kept = await keptCluster(variant);
    if (kept) {
      progress.info(`  ✔ reusing kept Kubernetes cluster ${kept.cluster.name} (kubeconfig ${kept.cluster.kubeconfig})`);
      await kept.cluster.load([await opts.probeImage]);
      return kept;
    }
    const sb = new Sandbox(newRunId(), opts.logsDir);
    await sb.createNetwork();
    const cluster = await startKubeCluster(sb, { stateDir: clusterStateDir(sb.runId), extraLabels: keep ? { [KUBE_KEPT_LABEL]: variant } : {}, enforcer });
    const probe = await opts.probeImage;
    await cluster.load([probe]);
    await checkClusterHealth(cluster, probe);
    if (keep) sb.keep();
    return { cluster, api: await KubeApi.connect(cluster.kubeconfig), reused: false };
  })();
  sessions.set(variant, session);
  return session;
}

