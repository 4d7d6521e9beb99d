import { k8sNetworkPolicy } from '../../scenarios/k8s-network-policy';
import { cliScenarioSuite } from '../helpers/cli-suite';

// The shared kind cluster (kube-router enforcing), and for enforcer-absent a second cluster
// whose kube-router runs without its firewall.
jest.setTimeout(40 * 60 * 1000);

const cells = ['taskmanager', 'gateway', 'unlabelled', 'other-ns'].flatMap((s) => ['jm-rpc', 'blob', 'rest', 'tm-rpc', 'tm-data'].map((t) => `${s}-to-${t}`));

cliScenarioSuite(k8sNetworkPolicy, [
  'cluster.taskmanagers-registered',
  'cluster.job-completes',
  // Every cell of the table is a check, whatever its expectation.
  ...cells.map((c) => expect.stringMatching(new RegExp(`^netpol\\.(allow|deny)\\.${c}$`)) as unknown as string),
  'netpol.table',
]);
