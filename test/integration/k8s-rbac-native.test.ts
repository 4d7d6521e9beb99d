import { k8sRbacNative } from '../../scenarios/k8s-rbac-native';
import { cliScenarioSuite } from '../helpers/cli-suite';

// On the suite's kind cluster: per run a namespace where a client pod runs kubernetes-session.sh
// and the JobManager creates the TaskManager pod the job's user code runs in.
jest.setTimeout(40 * 60 * 1000);

cliScenarioSuite(k8sRbacNative, [
  'native.taskmanagers-created-by-jobmanager',
  'native.jobmanager-account',
  'native.taskmanagers-own-account',
  'rbac.user-code-reaches-api',
  'rbac.user-code-cannot-list-secrets',
  'rbac.user-code-cannot-create-pods',
  'native.default-accounts',
]);
