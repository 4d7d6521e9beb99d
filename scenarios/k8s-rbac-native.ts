/**
 * Native Kubernetes session mode with the accounts split the way Confluent's advice implies:
 *
 *   client pod (account flink-client: Deployments, Services, ConfigMaps; no pods)
 *     └ kubernetes-session.sh → JobManager Deployment (account flink: the operator's `flink` Role)
 *                                 └ JobManager creates TaskManager pods (account flink-tm: no Role)
 *
 * Shown: the TaskManagers were made by the JobManager; the JobManager may create pods and read
 * no Secret; the same user code as in k8s-rbac, running in a TaskManager Flink created, is
 * refused by RBAC. And what the release does when the accounts are left out.
 */
import { describeDefaultAccounts, judgeCreatedByJobManager, judgeJobManagerAccount, judgeTaskManagerAccount, parseOptionDefaults, PodFacts } from '../harness/checks/kube-native';
import { serviceAccountUser } from '../harness/checks/kube-rbac';
import { KubeObject } from '../harness/kube/api';
import { NativeSession, nativeBase, nativeSelector } from '../harness/kube/native-session';
import { nativeAccounts } from '../harness/kube/rbac';
import { kubectlLine } from '../harness/kube/run-context';
import { canI, KUBE_API_JOB, userCodeApiChecks } from './lib/user-code-api';
import { Scenario } from './types';

const CLUSTER_ID = 'fss-native';
const JM_SA = 'flink';
const TM_SA = 'flink-tm';
const JM_KEY = 'kubernetes.jobmanager.service-account';
const TM_KEY = 'kubernetes.taskmanager.service-account';
const K8S_OPTIONS = 'org.apache.flink.kubernetes.configuration.KubernetesConfigOptions';

/** The accounts and the JobManager's Role (the operator's rules; a fault widens them). */
const rbacObjects = (namespace: string, fault?: string): KubeObject[] =>
  nativeAccounts(namespace, JM_SA, TM_SA, fault === 'role-widened-to-secrets' ? [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }] : []);

const facts = (p: { metadata?: { name?: string; ownerReferences?: PodFacts['owners'] }; spec?: { serviceAccountName?: string } }): PodFacts => ({
  name: p.metadata?.name as string,
  serviceAccount: p.spec?.serviceAccountName ?? 'default',
  owners: (p.metadata?.ownerReferences ?? []).map((o) => ({ kind: o.kind, name: o.name, uid: o.uid, controller: o.controller })),
});

export const k8sRbacNative: Scenario<Record<string, never>> = {
  name: 'k8s-rbac-native',
  runtime: 'kubernetes',
  title: 'Kubernetes native session mode: the JobManager may create pods, the TaskManagers it creates may not',
  docSection: 'Confluent: How to Secure a Flink Job on Kubernetes (native mode needs pod-creating rights: the operator\'s flink Role); Flink: Native Kubernetes › RBAC (kubernetes.jobmanager/taskmanager.service-account)',
  description: 'kubernetes-session.sh from a client pod; the JobManager (operator rules) creates the TaskManager pods, which run under an account without rights; user code there is refused Secrets and Pods.',
  faults: {
    'tm-shares-jm-account': {
      setting: `${TM_KEY}: ${JM_SA} (the JobManager's account)`,
      description: 'the TaskManagers run as the JobManager\'s account (what leaving both unset does): user code in a TaskManager starts Pods',
      expectRed: ['native.taskmanagers-own-account', 'rbac.user-code-cannot-create-pods'],
    },
    'role-widened-to-secrets': {
      setting: 'Role flink: + secrets get/list/watch',
      description: 'the JobManager\'s Role grants more than the operator\'s rules: its account reads every Secret of the namespace',
      expectRed: ['native.jobmanager-account'],
    },
  },
  prepare: () => ({}),

  workshop: (ctx) => {
    const kc = kubectlLine(ctx.kube);
    if (!kc || !ctx.kube) return [];
    return [
      'Try it (kubectl of the cluster\'s own build):',
      `  ${kc} get pods -l app=${CLUSTER_ID} -o custom-columns=NAME:.metadata.name,ACCOUNT:.spec.serviceAccountName,OWNER:.metadata.ownerReferences[0].name`,
      `  ${kc} auth can-i create pods --as ${serviceAccountUser(ctx.kube.namespace, JM_SA)}      # yes (the JobManager)`,
      `  ${kc} auth can-i create pods --as ${serviceAccountUser(ctx.kube.namespace, TM_SA)}   # no (the TaskManagers)`,
      `  ${kc} exec flink-client -- /opt/flink/bin/fss-entrypoint cli list --target kubernetes-session`,
    ];
  },

  async run(ctx) {
    const kube = ctx.kube as NonNullable<typeof ctx.kube>;
    const ns = kube.namespace;
    const [flinkImage, probeImage] = await Promise.all([ctx.images.get('flink'), ctx.images.get('probe')]);
    await kube.load([flinkImage]);
    await kube.api.create(rbacObjects(ns, ctx.fault));
    const config = {
      ...nativeBase({ namespace: ns, image: flinkImage, clusterId: CLUSTER_ID }),
      'taskmanager.numberOfTaskSlots': 1,
      [JM_KEY]: JM_SA,
      [TM_KEY]: ctx.fault === 'tm-shares-jm-account' ? JM_SA : TM_SA,
    };
    const [session, station] = await ctx.phase('start', `kubernetes-session.sh from a client pod in ${ns}; the JobManager pod up`, () =>
      Promise.all([
        (async () => {
          const s = await NativeSession.prepare(kube.api, { namespace: ns, image: flinkImage, version: ctx.version, clusterId: CLUSTER_ID, config });
          await s.deployOrFail();
          await s.jobManagerPod();
          return s;
        })(),
        kube.probeStation(probeImage),
      ]),
    );
    try {
      await ctx.phase('ready', 'REST answers on the Service Flink created', () => station.one({ kind: 'http', url: `http://${session.restHost}:8081/overview`, until: { path: 'slots-total', atLeast: 0, deadlineMs: 90_000 } }));
      return await ctx.phase('checks', 'the job runs in a TaskManager the JobManager created; who may do what', async () => {
        // The user's job: no TaskManager exists yet, the JobManager asks Kubernetes for one.
        const job = await session.run([KUBE_API_JOB, probeImage], 150_000);
        const [jmPod] = await kube.api.pods(ns, nativeSelector(CLUSTER_ID, 'jobmanager'));
        const tmPods = await kube.api.pods(ns, nativeSelector(CLUSTER_ID, 'taskmanager'));
        const deployment = (await kube.api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: CLUSTER_ID, namespace: ns } })) as KubeObject & { metadata: { uid: string } };
        const jm = facts(jmPod);
        const tms = tmPods.map(facts);
        const tmAccount = tms[0]?.serviceAccount ?? config[TM_KEY];
        const who = (sa: string) => serviceAccountUser(ns, sa);
        const [jmLog, clientPods, jmPods, jmSecrets, tmPodsAnswer, tmSecrets, defaults, defPods, defSecrets] = await Promise.all([
          kube.api.log(ns, jm.name, 'flink-main-container'),
          canI(kube, 'create', 'pods', who('flink-client')),
          canI(kube, 'create', 'pods', who(jm.serviceAccount)),
          canI(kube, 'list', 'secrets', who(jm.serviceAccount)),
          canI(kube, 'create', 'pods', who(tmAccount)),
          canI(kube, 'list', 'secrets', who(tmAccount)),
          session.client.exec(['java', '-cp', '/opt/fss-job/option-defaults.jar:/opt/flink/lib/*', 'fss.OptionDefaults', `${K8S_OPTIONS}#JOB_MANAGER_SERVICE_ACCOUNT`, `${K8S_OPTIONS}#TASK_MANAGER_SERVICE_ACCOUNT`, `${K8S_OPTIONS}#KUBERNETES_SERVICE_ACCOUNT`]),
          canI(kube, 'create', 'pods', who('default')),
          canI(kube, 'list', 'secrets', who('default')),
        ]);
        const userCode = await userCodeApiChecks(kube, job, who(tmAccount), new RegExp(`^${CLUSTER_ID}-taskmanager-\\d+-\\d+$`), { secrets: tmSecrets, pods: tmPodsAnswer });
        return [
          judgeCreatedByJobManager(tms, { name: CLUSTER_ID, uid: deployment.metadata.uid }, jmLog, clientPods),
          judgeJobManagerAccount(jm, JM_SA, { account: jm.serviceAccount, allowed: [{ what: 'create pods', canI: jmPods }], refused: [{ what: 'list secrets', canI: jmSecrets }] }),
          judgeTaskManagerAccount(tms, jm.serviceAccount, { account: TM_SA, allowed: [], refused: [{ what: 'create pods', canI: tmPodsAnswer }, { what: 'list secrets', canI: tmSecrets }] }),
          ...userCode,
          describeDefaultAccounts(ctx.version.text, parseOptionDefaults(defaults.output), JM_KEY, TM_KEY, ns, [
            { what: 'create pods', canI: defPods },
            { what: 'list secrets', canI: defSecrets },
          ]),
        ];
      });
    } finally {
      await session.saveLogs(ctx.logsDir);
    }
  },
};
