import { k8sRbac } from '../../scenarios/k8s-rbac';
import { cliScenarioSuite } from '../helpers/cli-suite';

// On the suite's kind cluster: per run a namespace with a service account, the Flink pods
// running as it, and a job whose user code calls the Kubernetes API from a TaskManager.
jest.setTimeout(40 * 60 * 1000);

cliScenarioSuite(k8sRbac, ['rbac.user-code-reaches-api', 'rbac.user-code-cannot-list-secrets', 'rbac.user-code-cannot-create-pods', 'rbac.default-account']);
