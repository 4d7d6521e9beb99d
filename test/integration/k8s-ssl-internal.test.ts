import { k8sSslInternal } from '../../scenarios/k8s-ssl-internal';
import { cliScenarioSuite } from '../helpers/cli-suite';

// A kind cluster (built on first use: minutes), then per run a namespace with a JobManager, two
// TaskManagers on different workers and a probe pod.
jest.setTimeout(40 * 60 * 1000);

cliScenarioSuite(k8sSslInternal, [
  'cluster.taskmanagers-registered',
  'cluster.job-completes',
  ...['jm-rpc', 'tm-rpc', 'blob', 'data'].flatMap((c) => [`${c}.requires-tls`, `${c}.requires-client-cert`, `${c}.rejects-foreign-cert`, `${c}.accepts-cluster-cert`]),
  'rest.plaintext',
  'inventory.no-unprotected-ports',
  'k8s.taskmanagers-on-different-nodes',
  'k8s.no-password-in-objects',
  'k8s.secret-files-not-world-readable',
  'secrets.rest-masked',
  'secrets.not-in-logs',
  'secrets.not-in-process-args',
  'secrets.flink-files-owner-only',
]);
