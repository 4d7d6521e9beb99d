/**
 * Claims about what Flink's native Kubernetes mode made: who created the TaskManager pods, which
 * accounts its pods run as and what those may do (the API's authorizer answers, through
 * `kubectl auth can-i`), and what Flink does when the service-account settings are left out
 * (read from the release's own option definitions).
 */
import { CheckResult, finding, verdict } from './model';
import { serviceAccountUser } from './kube-rbac';

export interface PodFacts {
  name: string;
  serviceAccount: string;
  owners: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
}

/**
 * native.taskmanagers-created-by-jobmanager: every TaskManager pod is owned by the JobManager's
 * Deployment (Flink's owner reference, so deleting the Deployment removes them), the JobManager
 * logged creating each one, and the client could not have made them (its account may not
 * create pods).
 */
export function judgeCreatedByJobManager(tms: PodFacts[], deployment: { name: string; uid: string }, jmLog: string, clientCanCreatePods: string): CheckResult {
  const owned = (p: PodFacts) => p.owners.some((o) => o.kind === 'Deployment' && o.name === deployment.name && o.uid === deployment.uid);
  const logged = (p: PodFacts) => new RegExp(`Creating new TaskManager pod with name ${p.name}\\b`).test(jmLog);
  const ok = tms.length > 0 && tms.every((p) => owned(p) && logged(p)) && /^no\b/.test(clientCanCreatePods);
  const each = tms.map((p) => `${p.name}: owner ${p.owners.map((o) => `${o.kind}/${o.name}`).join(', ') || 'none'}${owned(p) ? '' : ` (expected Deployment/${deployment.name} uid ${deployment.uid.slice(0, 8)})`}, ${logged(p) ? 'JobManager logged "Creating new TaskManager pod"' : 'not in the JobManager\'s log'}`);
  return verdict(
    'native.taskmanagers-created-by-jobmanager',
    'the TaskManager pods were created by the JobManager (owner reference to its Deployment, its own log line), not by the client',
    ok,
    `${tms.length ? each.join('; ') : 'no TaskManager pod'}; client account may create pods: ${clientCanCreatePods}`,
  );
}

/** An account's answers: what it must be allowed and what it must not. */
export interface AccountAnswers {
  account: string;
  allowed: Array<{ what: string; canI: string }>;
  refused: Array<{ what: string; canI: string }>;
}

const answersText = (a: AccountAnswers) => [...a.allowed, ...a.refused].map((x) => `${x.what}: ${x.canI}`).join(', ');
const answersOk = (a: AccountAnswers) => a.allowed.every((x) => /^yes\b/.test(x.canI)) && a.refused.every((x) => /^no\b/.test(x.canI));

/**
 * native.jobmanager-account: the JobManager pod runs as the account bound to the operator's
 * rules: it may create pods (so TaskManagers appear) and nothing beyond, Secrets included.
 */
export function judgeJobManagerAccount(pod: PodFacts, expected: string, answers: AccountAnswers): CheckResult {
  return verdict(
    'native.jobmanager-account',
    "the JobManager runs as its own account with the operator's rules: it may create pods, it may not read Secrets",
    pod.serviceAccount === expected && answersOk(answers),
    `${pod.name} runs as ${pod.serviceAccount}${pod.serviceAccount === expected ? '' : ` (expected ${expected})`}; ${answersText(answers)}`,
  );
}

/**
 * native.taskmanagers-own-account: TaskManager pods run as another account than the JobManager
 * (kubernetes.taskmanager.service-account), one that may not create pods.
 */
export function judgeTaskManagerAccount(tms: PodFacts[], jmAccount: string, answers: AccountAnswers): CheckResult {
  const accounts = [...new Set(tms.map((p) => p.serviceAccount))];
  const separate = tms.length > 0 && accounts.length === 1 && accounts[0] === answers.account && accounts[0] !== jmAccount;
  return verdict(
    'native.taskmanagers-own-account',
    "TaskManager pods run under an account of their own, not the JobManager's, and it may not create pods",
    separate && answersOk(answers),
    `${tms.map((p) => `${p.name} runs as ${p.serviceAccount}`).join(', ') || 'no TaskManager pod'}${accounts.includes(jmAccount) ? ` (the JobManager's account)` : ''}; ${answersText(answers)}`,
  );
}

export interface OptionDefault {
  key: string;
  default: string;
  fallback: string[];
}

/** `FSS_OPTION <key> default=<v> fallback=<k1,k2|(none)>` lines of fixtures/flink/job/fss/OptionDefaults.java. */
export function parseOptionDefaults(output: string): Map<string, OptionDefault> {
  const out = new Map<string, OptionDefault>();
  for (const m of output.matchAll(/^FSS_OPTION (\S+) default=(\S+) fallback=(\S+)$/gm)) {
    out.set(m[1], { key: m[1], default: m[2], fallback: m[3] === '(none)' ? [] : m[3].split(',').map((k) => k.replace(/\(deprecated\)$/, '')) });
  }
  return out;
}

/** The value a key resolves to when it and its fallbacks are unset: its default, else the first fallback's. */
function resolvedDefault(key: string, options: Map<string, OptionDefault>, seen = new Set<string>()): string | undefined {
  const o = options.get(key);
  if (!o || seen.has(key)) return undefined;
  seen.add(key);
  if (o.default !== '(none)') return o.default;
  for (const f of o.fallback) {
    const v = resolvedDefault(f, options, seen);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * native.default-accounts (INFO): what the release does when neither account is set, from its
 * own option definitions; with the namespace's `default` account's rights as the API answers.
 */
export function describeDefaultAccounts(release: string, options: Map<string, OptionDefault>, jmKey: string, tmKey: string, namespace: string, defaultAnswers: Array<{ what: string; canI: string }>): CheckResult {
  const show = (k: string) => {
    const o = options.get(k);
    return o ? `${k} (default ${o.default}${o.fallback.length ? `, falls back to ${o.fallback.join(', ')}` : ''})` : `${k}: not defined by this release`;
  };
  const jm = resolvedDefault(jmKey, options);
  const tm = resolvedDefault(tmKey, options);
  const keys = [...new Set([jmKey, tmKey, ...[jmKey, tmKey].flatMap((k) => options.get(k)?.fallback ?? [])])];
  const shared = jm !== undefined && jm === tm;
  return finding(
    'native.default-accounts',
    'what Flink does when the service accounts are left out',
    `Flink ${release}: ${keys.map(show).join('; ')}. Unset, the JobManager runs as "${jm ?? '?'}" and the TaskManagers as "${tm ?? '?'}"${shared ? ': one account, so the rights the JobManager needs (create pods) reach the user code in every TaskManager' : ''}. ${serviceAccountUser(namespace, jm ?? 'default')}: ${defaultAnswers.map((a) => `${a.what}: ${a.canI}`).join(', ')}`,
  );
}
