import { sslInternal } from '../../scenarios/ssl-internal';
import { scenarioSuite } from '../helpers/scenario-suite';

// Real containers: a JobManager, two TaskManagers and a probe station per run.
jest.setTimeout(15 * 60 * 1000);

scenarioSuite(sslInternal, [
  'cluster.taskmanagers-registered',
  'cluster.job-completes',
  ...['jm-rpc', 'tm-rpc', 'blob', 'data'].flatMap((c) => [`${c}.requires-tls`, `${c}.requires-client-cert`, `${c}.rejects-foreign-cert`, `${c}.accepts-cluster-cert`]),
  'rest.plaintext',
  'inventory.no-unprotected-ports',
  'secrets.not-world-readable',
  'secrets.rest-masked',
  'secrets.not-in-logs',
  'secrets.not-in-process-args',
  'secrets.flink-files',
  'secrets.flink-files-owner-only',
]);
