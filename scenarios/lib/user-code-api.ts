/**
 * The user-code side of the RBAC scenarios: what the job's calls from a TaskManager got back
 * (fixtures/flink/job/fss/KubeApiJob.java), judged against the API's authorizer as the harness
 * asks it (`kubectl auth can-i`), for standalone and native deployments alike.
 */
import { judgeRefusedCall, judgeWhoami, parseApiCalls } from '../../harness/checks/kube-rbac';
import { CheckResult } from '../../harness/checks/model';
import { KubeRunContext } from '../../harness/kube/run-context';

/** The authorizer's answer for `who` ("yes", "no", or kubectl's error line). */
export async function canI(kube: KubeRunContext, verb: string, resource: string, who: string): Promise<string> {
  const r = await kube.session.cluster.kubectl(['auth', 'can-i', verb, resource, '-n', kube.namespace, '--as', who], { reject: false });
  return (r.stdout || r.stderr || '').trim().split('\n')[0];
}

/** The job that calls the API from a TaskManager, as Flink's CLI runs it (its arguments: the Pod image). */
export const KUBE_API_JOB = '/opt/fss-job/kube-api-job.jar';

/**
 * rbac.user-code-reaches-api, rbac.user-code-cannot-list-secrets, rbac.user-code-cannot-create-pods
 * for a job run whose output is `job`; `user` is the account the TaskManagers run as.
 */
export async function userCodeApiChecks(kube: KubeRunContext, job: { exitCode: number; output: string }, user: string, tmHost: RegExp, asked?: { secrets: string; pods: string }): Promise<CheckResult[]> {
  const calls = parseApiCalls(job.output);
  // `asked`: the authorizer's answers for `user` when the caller has them already.
  const [secrets, pods, started] = await Promise.all([asked?.secrets ?? canI(kube, 'list', 'secrets', user), asked?.pods ?? canI(kube, 'create', 'pods', user), kube.api.pods(kube.namespace, 'fss-created-by=user-code')]);
  const madeAnyway = started.map((p) => `pod ${p.metadata?.name} (${p.status?.phase})`);
  const jobSaid = `; flink run exit ${job.exitCode}: ${job.output.split('\n').filter(Boolean).slice(-3).join(' | ').slice(0, 300)}`;
  return [
    judgeWhoami(calls.get('whoami'), user, tmHost, jobSaid),
    judgeRefusedCall('rbac.user-code-cannot-list-secrets', "user code in a TaskManager cannot list the namespace's Secrets with the pod's token", calls.get('list-secrets'), user, 'list', 'secrets', secrets),
    judgeRefusedCall('rbac.user-code-cannot-create-pods', "user code in a TaskManager cannot create a Pod with the pod's token", calls.get('create-pod'), user, 'create', 'pods', pods, madeAnyway),
  ];
}
