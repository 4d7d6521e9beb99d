/**
 * What user code inside a TaskManager gets from the Kubernetes API with its pod's token
 * (fixtures/flink/job/fss/KubeApiJob.java prints one `FSS_API` line per call). A refusal counts
 * only as the API server's own authorization answer: HTTP 403 with a Status whose reason is
 * Forbidden and whose message names the pod's service account and the verb and resource asked
 * for. A connection error, a timeout, a 401 (no valid token) or an answer about someone else is
 * not the refusal the claim is about.
 */
import { CheckResult, finding, verdict } from './model';

export interface ApiCall {
  call: string;
  /** The pod the call ran in (its host name). */
  host: string;
  /** HTTP status, or "ERROR" when no answer came. */
  status: string;
  body: string;
}

export function parseApiCalls(output: string): Map<string, ApiCall> {
  const calls = new Map<string, ApiCall>();
  for (const m of output.matchAll(/^FSS_API (\S+) (\S+) (\S+) ?(.*)$/gm)) calls.set(m[1], { call: m[1], host: m[2], status: m[3], body: m[4] });
  return calls;
}

const json = (body: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** "system:serviceaccount:<namespace>:<name>" */
export const serviceAccountUser = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

/** An answer as evidence: a granted one by kind and names only (a Secret list carries the Secrets' data). */
const said = (c: ApiCall | undefined) => {
  if (!c) return 'no answer reported (the job did not run the call)';
  if (!/^2/.test(c.status)) return `${c.status} ${c.body.slice(0, 240)}`;
  const kind = /^\{"kind":"(\w+)"/.exec(c.body)?.[1] ?? 'answer';
  const names = [...c.body.matchAll(/"metadata":\{"name":"([^"]+)"/g)].map((m) => m[1]);
  return `${c.status} ${kind}${names.length ? ` (${names.join(', ')})` : ''}`;
};
const where = (c: ApiCall | undefined) => (c ? ` (from ${c.host})` : '');

/**
 * rbac.user-code-reaches-api: the twin that makes the refusals mean something: the same code,
 * token and network got an answer from the API server, which names the pod's account.
 */
export function judgeWhoami(c: ApiCall | undefined, user: string, tmHost: RegExp, jobSaid = ''): CheckResult {
  // The job cuts long answers (a review carries the pod's and node's names too): read the field itself.
  const username = c && /"userInfo":\{"username":"([^"]+)"/.exec(c.body)?.[1];
  return verdict(
    'rbac.user-code-reaches-api',
    'user code in a TaskManager reaches the API with its pod\'s token, which authenticates as the pod\'s service account',
    c?.status === '201' && username === user && tmHost.test(c.host),
    c?.status === '201' ? `SelfSubjectReview${where(c)}: authenticated as ${username ?? '?'}${username === user ? '' : ` (expected ${user})`}` : `SelfSubjectReview${where(c)}: ${said(c)}${c ? '' : jobSaid}`,
  );
}

/** A refusal by RBAC of `verb` on `resource` for `user`: the API server's 403 Status naming exactly that. */
export function isRbacRefusal(c: ApiCall | undefined, user: string, verb: string, resource: string): boolean {
  const j = c && json(c.body);
  const message = typeof j?.message === 'string' ? j.message : '';
  return c?.status === '403' && j?.kind === 'Status' && j.reason === 'Forbidden' && message.includes(`User "${user}"`) && message.includes(`cannot ${verb} resource "${resource}"`);
}

/**
 * A refused call as a check. `canI`: what the harness's own query of the authorizer said
 * (kubectl auth can-i), which must agree; `madeAnyway`: objects the call made all the same
 * (a 403 and yet a Pod is no refusal).
 */
export function judgeRefusedCall(id: string, title: string, c: ApiCall | undefined, user: string, verb: string, resource: string, canI: string, madeAnyway: string[] = []): CheckResult {
  const refused = isRbacRefusal(c, user, verb, resource);
  const message = (c && (json(c.body)?.message as string | undefined)) ?? '';
  return verdict(
    id,
    title,
    refused && /^no\b/.test(canI) && madeAnyway.length === 0,
    `${refused ? `403 Forbidden${where(c)}: "${message}"` : `${verb} ${resource}${where(c)}: ${said(c)}`}; kubectl auth can-i ${verb} ${resource} --as ${user}: ${canI}${madeAnyway.length ? `; made by the user code: ${madeAnyway.join(', ')}` : ''}`,
  );
}

/** rbac.default-account (INFO): what a namespace's `default` account may do, as the API's authorizer answers. */
export function describeDefaultAccount(namespace: string, answers: Array<{ what: string; canI: string }>, automount: string): CheckResult {
  return finding(
    'rbac.default-account',
    'what the default configuration gives a pod: the namespace\'s `default` service account',
    `${serviceAccountUser(namespace, 'default')}: ${answers.map((a) => `${a.what}: ${a.canI}`).join(', ')}; its token is mounted into every pod unless a pod or the account says otherwise (automountServiceAccountToken on the account: ${automount})`,
  );
}
