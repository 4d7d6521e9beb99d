import { k8sWildcardCerts } from '../../scenarios/k8s-wildcard-certs';
import { cliScenarioSuite } from '../helpers/cli-suite';

// On the suite's kind cluster: per run two namespaces, a cluster in each with the same
// wildcard certificate; names checked by a verifying client from a probe pod.
jest.setTimeout(40 * 60 * 1000);

cliScenarioSuite(k8sWildcardCerts, [
  'wildcard.taskmanager-names-verified',
  'wildcard.jobmanager-names-verified',
  'wildcard.other-names-refused',
  'wildcard.other-namespace-refused',
  'rest.hostname-verified',
  'wildcard.openssl-curl-agree',
  'cluster.taskmanagers-registered',
  'cluster.job-completes',
  'wildcard.flink-internal-names',
  'rest.cli-hostname-verification',
  'rest.cli-m-option',
]);
