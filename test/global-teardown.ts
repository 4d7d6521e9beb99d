import { removeBystanders } from './helpers/bystanders';
import { stopKubeBuild } from './helpers/kube-build';
import { removeSuiteClusters } from './helpers/kube-clusters';

/**
 * After every test: the background Kubernetes build if it still runs, the kind clusters the
 * Kubernetes files kept (and only those), then the
 * bystanders global setup started (by id), and nothing else.
 */
export default async function globalTeardown(): Promise<void> {
  stopKubeBuild();
  await removeSuiteClusters();
  await removeBystanders();
}
