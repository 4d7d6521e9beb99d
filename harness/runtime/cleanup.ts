import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from '../images/paths';
import { KIND_CLUSTER_LABEL } from '../kube/kind';
import { KubeApi } from '../kube/api';
import { docker, KEEP_LABEL, OWNER_LABEL, RUN_LABEL } from './docker';
import { CleanupChoice, CleanupPlan, planCleanup, RunState } from './cleanup-plan';
import { ownerState } from './owner';
import { removeByLabel } from './sandbox';

const FORMAT = `{{.Label "${RUN_LABEL}"}}\t{{.Label "${OWNER_LABEL}"}}\t{{.Label "${KEEP_LABEL}"}}`;

/**
 * Every run of this project on the engine: containers, networks and volumes that carry a run
 * label (a network or a volume alone is a run cut short before its first container). Nothing
 * without a run label is a run's: an image's inherited project label does not make a container
 * ours.
 */
export async function listRuns(): Promise<RunState[]> {
  const lines = async (args: string[]) => (await docker(args, { reject: false })).stdout.split('\n').filter(Boolean);
  const containers = await lines(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `${FORMAT}\t{{.State}}`]);
  const networks = await lines(['network', 'ls', '--filter', `label=${RUN_LABEL}`, '--format', FORMAT]);
  const volumes = await lines(['volume', 'ls', '--filter', `label=${RUN_LABEL}`, '--format', FORMAT]);
  const runs = new Map<string, RunState>();
  for (const line of [...containers, ...networks, ...volumes]) {
    const [runId, owner, keep, state] = line.split('\t');
    if (!runId) continue;
    const r = runs.get(runId) ?? { runId, owner: owner ? ownerState(owner) : 'none', ownerPid: owner?.split(':')[0], keep: false, running: false };
    r.keep ||= keep === 'true';
    r.running ||= state === 'running';
    runs.set(runId, r);
  }
  return [...runs.values()];
}

/** --cleanup: decides (planCleanup) and removes; returns the plan and what was removed. */
export async function cleanupRuns(choice: CleanupChoice): Promise<{ plan: CleanupPlan; removed: { containers: number; networks: number; volumes: number } }> {
  const plan = planCleanup(await listRuns(), choice);
  const removed = { containers: 0, networks: 0, volumes: 0 };
  for (const runId of plan.remove) {
    const n = await removeByLabel(`${RUN_LABEL}=${runId}`);
    removed.containers += n.containers;
    removed.networks += n.networks;
    removed.volumes += n.volumes;
  }
  await removeRunNamespaces(plan.remove);
  await pruneClusterState();
  return { plan, removed };
}

/** A removed run's namespace in a kind cluster that stays (a kept one): it goes too. */
async function removeRunNamespaces(runIds: string[]): Promise<void> {
  const dir = join(CACHE, 'kube', 'clusters');
  if (!runIds.length || !existsSync(dir)) return;
  const live = new Set((await docker(['ps', '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', `{{.Label "${KIND_CLUSTER_LABEL}"}}`], { reject: false })).stdout.split('\n'));
  for (const name of readdirSync(dir).filter((n) => live.has(n) && existsSync(join(dir, n, 'kubeconfig')))) {
    const api = await KubeApi.connect(join(dir, name, 'kubeconfig')).catch(() => undefined);
    const found = await api?.core.listNamespace({ labelSelector: `${RUN_LABEL} in (${runIds.join(',')})` }).catch(() => undefined);
    for (const ns of found?.items ?? []) await api?.deleteNamespace(ns.metadata?.name as string);
  }
}

/** A kind cluster's kubeconfig and wrapper folder outlives its nodes only until the next cleanup. */
async function pruneClusterState(): Promise<void> {
  const dir = join(CACHE, 'kube', 'clusters');
  if (!existsSync(dir)) return;
  const live = new Set((await docker(['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}`, '--format', `{{.Label "${KIND_CLUSTER_LABEL}"}}`], { reject: false })).stdout.split('\n'));
  for (const name of readdirSync(dir)) if (!live.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
}
