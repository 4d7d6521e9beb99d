import execa from 'execa';
import { KUBE_KEPT_LABEL, RUN_LABEL } from '../../harness/runtime/docker';
import { runCli } from './cli';

/** Run ids of the kind clusters kept for reuse (--keep-cluster) on the engine now. */
export async function keptClusters(): Promise<string[]> {
  const r = await execa('docker', ['ps', '-a', '--filter', `label=${KUBE_KEPT_LABEL}`, '--format', `{{.Label "${RUN_LABEL}"}}`], { reject: false });
  return [...new Set(r.stdout.split('\n').filter(Boolean))];
}

// Global setup and teardown run in one process: what was kept before the suite is remembered here.
const KEY = '__fssKeptClustersBeforeSuite';

/** Called by global setup: the clusters a user kept before the suite stay theirs. */
export async function rememberKeptClusters(): Promise<void> {
  (globalThis as Record<string, unknown>)[KEY] = await keptClusters();
}

/** Called by global teardown: removes the kept clusters the suite made (through --cleanup). */
export async function removeSuiteClusters(): Promise<void> {
  const before = (globalThis as Record<string, unknown>)[KEY] as string[] | undefined;
  if (!before) return;
  for (const id of (await keptClusters()).filter((c) => !before.includes(c))) await runCli(['--cleanup', '--run', id]);
}
