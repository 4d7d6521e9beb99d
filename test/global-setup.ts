import { DEFAULT_FLINK_VERSION } from '../harness/config/version';
import { ensureKubeBinaries } from '../harness/kube/components';
import { ensureNodeImage } from '../harness/kube/node-image';
import { ensureBaseImage } from '../harness/images/base';
import { ensureFlinkImages } from '../harness/images/flink';
import { SCENARIOS } from '../scenarios';
import { ensureDockerEngine } from '../harness/runtime/engine';
import { removeBystanders, startBystanders } from './helpers/bystanders';
import { rememberKeptClusters } from './helpers/kube-clusters';

/**
 * Before any test: the Docker engine and every image the suite needs, with progress on stderr.
 * On a fresh machine this is the first-run cost; done here it shows in the CI log instead of
 * disappearing into the output a test captures from a child process.
 */
export default async function globalSetup(globalConfig: { testPathPattern?: string }): Promise<void> {
  // A record left by a suite that died before its teardown: its bystanders go, and the last
  // test must not find a stale record when this run starts none.
  await removeBystanders().catch(() => undefined);
  // Unit tests alone need no containers.
  const pattern = globalConfig.testPathPattern ?? '';
  if (pattern && !/integration/.test(pattern) && /unit/.test(pattern)) return;
  await ensureDockerEngine();
  // Every extra image any scenario of the catalogue asks for.
  const extra = [...new Set(SCENARIOS.flatMap((s) => s.images ?? []))];
  await ensureFlinkImages(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION, extra);
  // The Kubernetes scenarios run through the CLI (its output is captured): their first-run build
  // (Go binaries, the node image; ~20 min) happens here, where its progress reaches the log. In
  // the foreground on purpose: run beside the Docker scenarios at nice 19 it slowed them as much
  // as it saved (both are CPU-bound on two cores) and made a probe time out (docs/kubernetes.md).
  if (SCENARIOS.some((s) => s.runtime === 'kubernetes') && (!pattern || /k8s|integration/.test(pattern))) {
    await ensureNodeImage(await ensureKubeBinaries());
    await rememberKeptClusters();
  }
  // A container and a network that are not the suite's: test/bystanders.test.ts (run last)
  // checks they survive everything, global teardown removes them.
  await startBystanders(await ensureBaseImage());
}
