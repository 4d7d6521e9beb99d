/**
 * Confluent: users who may deploy jobs run arbitrary code in the cluster, and "the standalone
 * Kubernetes deployment mode is recommended when running untrusted code inside the Flink
 * cluster, as there is no requirement for the Flink pod service account to have permissions to
 * launch additional pods". The Kubernetes blog: use RBAC.
 *
 *   standalone deployment (JobManager Deployment, TaskManager StatefulSet)
 *   the pods run as service account `flink`, token mounted, bound to no Role
 *
 * Shown: a job whose user code calls the API from a TaskManager with that token gets an answer
 * (the token authenticates as the pod's account), and the API refuses it the Namespace's Secrets
 * and creating a Pod (403 from RBAC, and the harness's own `kubectl auth can-i` agrees).
 */
import { describeDefaultAccount, serviceAccountUser } from '../harness/checks/kube-rbac';
import { KubeObject } from '../harness/kube/api';
import { KubeFlink } from '../harness/kube/flink-deployment';
import { OPERATOR_FLINK_ROLE_RULES, role, roleBinding, serviceAccount } from '../harness/kube/rbac';
import { kubectlLine } from '../harness/kube/run-context';
import { canI, KUBE_API_JOB, userCodeApiChecks } from './lib/user-code-api';
import { Scenario } from './types';

/** The pods' service account. */
const SA = 'flink';

/** RBAC objects of a run: the account, and what a fault grants it. */
function rbacObjects(namespace: string, fault?: string): KubeObject[] {
  const objs = [serviceAccount({ name: SA, namespace })];
  if (fault === 'flink-role-bound') objs.push(role({ name: 'flink', namespace }, OPERATOR_FLINK_ROLE_RULES), roleBinding({ name: `${SA}-flink`, namespace }, { kind: 'Role', name: 'flink' }, SA));
  if (fault === 'edit-role-bound') objs.push(roleBinding({ name: `${SA}-edit`, namespace }, { kind: 'ClusterRole', name: 'edit' }, SA));
  return objs;
}

export const k8sRbac: Scenario<Record<string, never>> = {
  name: 'k8s-rbac',
  runtime: 'kubernetes',
  title: 'Kubernetes: untrusted user code in a TaskManager cannot use the pod\'s service account',
  docSection: 'Confluent: How to Secure a Flink Job on Kubernetes (standalone mode for untrusted code, RBAC); Kubernetes blog: use RBAC',
  description: 'Standalone deployment whose pods run as an account bound to no Role; a job calls the Kubernetes API from a TaskManager with the pod\'s token: Secrets and Pod creation are refused by RBAC.',
  faults: {
    'flink-role-bound': {
      setting: 'RoleBinding flink → Role flink (the operator\'s rules: pods, configmaps, deployments)',
      description: 'the pods\' account gets what native mode\'s JobManager needs: user code in a TaskManager can then start Pods',
      expectRed: ['rbac.user-code-cannot-create-pods'],
    },
    'edit-role-bound': {
      setting: 'RoleBinding flink → ClusterRole edit',
      description: 'a broad grant, as "just make it work" does: user code reads the namespace\'s Secrets and starts Pods',
      expectRed: ['rbac.user-code-cannot-list-secrets', 'rbac.user-code-cannot-create-pods'],
    },
  },
  prepare: () => ({}),

  workshop: (ctx) => {
    const kc = kubectlLine(ctx.kube);
    if (!kc || !ctx.kube) return [];
    const user = serviceAccountUser(ctx.kube.namespace, SA);
    return [
      'Try it (kubectl of the cluster\'s own build):',
      `  ${kc} auth can-i list secrets --as ${user}          # no`,
      `  ${kc} auth can-i create pods --as ${user}           # no`,
      `  ${kc} exec taskmanager-0 -- sh -c 'curl -s --cacert /var/run/secrets/kubernetes.io/serviceaccount/ca.crt -H "Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)" https://kubernetes.default.svc/api/v1/namespaces/${ctx.kube.namespace}/secrets'   # 403`,
    ];
  },

  async run(ctx) {
    const kube = ctx.kube as NonNullable<typeof ctx.kube>;
    const ns = kube.namespace;
    const user = serviceAccountUser(ns, SA);
    const [flinkImage, probeImage] = await Promise.all([ctx.images.get('flink'), ctx.images.get('probe')]);
    await kube.load([flinkImage]);
    await kube.api.create(rbacObjects(ns, ctx.fault));
    const [kf, station] = await ctx.phase('start', `pods up in namespace ${ns} (JobManager, 2 TaskManagers as account ${SA}, probe)`, () =>
      Promise.all([
        KubeFlink.deploy(kube.api, {
          namespace: ns,
          image: flinkImage,
          version: ctx.version,
          taskManagers: 2,
          slotsPerTaskManager: 2,
          overlay: () => ({}),
          secretFiles: {},
          secretMode: 0o440,
          serviceAccount: { name: SA, automountToken: true },
          skipPreflight: ctx.skipPreflight,
        }),
        kube.probeStation(probeImage),
      ]),
    );
    try {
      await ctx.phase('ready', 'cluster ready (2 TaskManagers registered)', () => kf.cluster.waitForTaskManagers(station, { scheme: 'http' }));
      return await ctx.phase('checks', 'user code calls the Kubernetes API from a TaskManager', async () => {
        // The user's job, submitted as any user would; its calls run in a TaskManager.
        const job = await kf.cluster.cli(['run', KUBE_API_JOB, probeImage], undefined, 90_000);
        const [userCode, defSecrets, defPods, account] = await Promise.all([
          userCodeApiChecks(kube, job, user, /^taskmanager-\d+$/),
          canI(kube, 'list', 'secrets', serviceAccountUser(ns, 'default')),
          canI(kube, 'create', 'pods', serviceAccountUser(ns, 'default')),
          kube.api.list('v1', 'ServiceAccount', ns),
        ]);
        const defaultSa = account.find((a) => a.metadata?.name === 'default') as { automountServiceAccountToken?: boolean } | undefined;
        return [
          ...userCode,
          describeDefaultAccount(ns, [{ what: 'list secrets', canI: defSecrets }, { what: 'create pods', canI: defPods }], defaultSa?.automountServiceAccountToken === undefined ? 'unset, so mounted' : String(defaultSa.automountServiceAccountToken)),
        ];
      });
    } finally {
      await kf.refreshLogs().catch(() => undefined);
      kf.saveLogs(ctx.logsDir);
    }
  },
};
