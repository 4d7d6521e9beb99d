import { removeBystanders } from './helpers/bystanders';
import { removeSuiteClusters } from './helpers/kube-clusters';

/**
 * After every test: the kind clusters the Kubernetes files kept (and only those), then the
 * bystanders global setup started (by id), and nothing else.
 */
export default async function globalTeardown(): Promise<void> {
  await removeSuiteClusters();
  await removeBystanders();
}
