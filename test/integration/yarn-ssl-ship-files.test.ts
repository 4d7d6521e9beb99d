import { yarnSslShipFiles } from '../../scenarios/yarn-ssl-ship-files';
import { scenarioSuite } from '../helpers/scenario-suite';

// Real Hadoop YARN per run: a ResourceManager, two NodeManagers running Flink's containers, the
// client that ships deploy-keys/, and a probe station.
jest.setTimeout(15 * 60 * 1000);

scenarioSuite(yarnSslShipFiles, [
  'yarn.flink-deployed',
  'yarn.stores-localized',
  ...['jm-rpc', 'tm-rpc', 'blob', 'data'].flatMap((c) => [`${c}.requires-tls`, `${c}.requires-client-cert`, `${c}.rejects-foreign-cert`, `${c}.accepts-cluster-cert`]),
  'rest.requires-tls',
  'rest.trusted-with-shipped-truststore',
  'rest.untrusted-without-truststore',
  'cli.list-with-shipped-truststore',
  'cluster.job-crosses-nodemanagers',
]);
