import { k8sRestProxy } from '../../scenarios/k8s-rest-proxy';
import { PROXY_CHECK_IDS } from '../../scenarios/lib/rest-proxy';
import { cliScenarioSuite } from '../helpers/cli-suite';

// On the suite's kind cluster: per run a namespace with a JobManager pod (Flink + the nginx
// sidecar), two TaskManagers and a probe pod.
jest.setTimeout(40 * 60 * 1000);

cliScenarioSuite(k8sRestProxy, [
  ...PROXY_CHECK_IDS,
  'k8s.no-password-in-objects',
  'k8s.secret-files-not-world-readable',
  'secrets.rest-masked',
  'secrets.not-in-process-args',
]);
