import { k8sRestProxy } from '../../scenarios/k8s-rest-proxy';
import { cliScenarioSuite } from '../helpers/cli-suite';

// On the suite's kind cluster: per run a namespace with a JobManager pod (Flink + the nginx
// sidecar), two TaskManagers and a probe pod.
jest.setTimeout(40 * 60 * 1000);

cliScenarioSuite(k8sRestProxy, [
  'proxy.denies-anonymous',
  'proxy.denies-bad-credentials',
  'proxy.allows-valid-credentials',
  'proxy.no-direct-access',
  'proxy.tls',
  'proxy.no-plain-http',
  'proxy.job-through-proxy',
  'proxy.refuses-job-without-credentials',
  'cli.through-proxy',
  'cli.refused-by-proxy',
  'k8s.no-password-in-objects',
  'k8s.secret-files-not-world-readable',
  'secrets.rest-masked',
  'secrets.not-in-process-args',
]);
