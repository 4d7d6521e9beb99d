import { KubeApi, KubeObject } from '../kube/api';
import { NodeHandle } from '../runtime/node';
import { CheckResult, verdict } from './model';

/** Where a string occurs in an object (JSON paths), searched as it is and base64-encoded. */
export function findSecret(obj: unknown, secret: string, path = ''): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  if (typeof obj === 'string') return obj.includes(secret) || obj.includes(b64) ? [path || '.'] : [];
  if (Array.isArray(obj)) return obj.flatMap((v, i) => findSecret(v, secret, `${path}[${i}]`));
  if (obj && typeof obj === 'object') return Object.entries(obj).flatMap(([k, v]) => findSecret(v, secret, `${path}.${k}`));
  return [];
}

/** Objects everyone with read access to the namespace sees (`kubectl get -o yaml`); Secrets are the exception by design. */
const VISIBLE: Array<[string, string]> = [
  ['v1', 'ConfigMap'],
  ['v1', 'Pod'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['v1', 'Service'],
];

/**
 * k8s.no-password-in-objects: no configured password appears in any ConfigMap, pod spec (its
 * environment included), Deployment, StatefulSet or Service of the namespace, neither in clear
 * nor base64-encoded: the pods name a Secret and Kubernetes hands the value over.
 */
export async function noPasswordInObjects(api: KubeApi, namespace: string, secrets: Array<{ label: string; value: string }>): Promise<CheckResult> {
  const objs: KubeObject[] = (await Promise.all(VISIBLE.map(([v, k]) => api.list(v, k, namespace).then((items) => items.map((o) => ({ ...o, kind: k })))))).flat();
  const hits = objs.flatMap((o) => secrets.flatMap((s) => findSecret(o, s.value).map((p) => `${o.kind}/${o.metadata?.name}${p.replace(/^\.?/, ' ')} holds the ${s.label}`)));
  const refs = objs
    .filter((o) => o.kind === 'Pod')
    .flatMap((o) => JSON.stringify(o).match(/"secretKeyRef":\{[^}]*\}/g) ?? [])
    .slice(0, 1);
  return verdict(
    'k8s.no-password-in-objects',
    'no password in any ConfigMap, pod spec or environment that `kubectl get -o yaml` shows',
    hits.length === 0,
    hits.length ? hits.slice(0, 4).join('; ') : `${objs.length} objects searched (${VISIBLE.map(([, k]) => k).join(', ')}; clear text and base64): none holds a password${refs.length ? `; pods reference it: ${refs[0]}` : ''}`,
    { hits },
  );
}

/** `stat -L` output lines: "<octal mode> <owner>:<group> <path>". */
export function worldReadable(statLines: string): string[] {
  return statLines
    .split('\n')
    .filter((l) => /^\d+ /.test(l))
    .filter((l) => (parseInt(l.split(' ')[0], 8) & 0o004) !== 0);
}

/**
 * k8s.secret-files-not-world-readable: the key material Kubernetes mounted from Secrets is
 * readable by its owner and the pod's group (fsGroup) only, seen from inside each container, in
 * every folder that container mounts (one it cannot stat is a failure, not a pass).
 */
export async function secretFilesNotWorldReadable(mounts: Array<{ name: string; container: NodeHandle; dirs: string[] }>): Promise<CheckResult> {
  const seen = await Promise.all(
    mounts.map(async (n) => {
      const r = await n.container.exec(['sh', '-c', `stat -L -c '%a %U:%G %n' ${n.dirs.map((d) => `${d}/*`).join(' ')}`]);
      return { name: n.name, text: r.stdout.trim(), ok: r.exitCode === 0 && n.dirs.length > 0 };
    }),
  );
  const open = seen.flatMap((s) => worldReadable(s.text).map((l) => `${s.name}: ${l}`));
  const missing = seen.filter((s) => !s.ok || !s.text);
  return verdict(
    'k8s.secret-files-not-world-readable',
    'key material mounted from the Secret is not world-readable inside the pods',
    open.length === 0 && missing.length === 0,
    missing.length ? `could not stat the Secret folders of ${missing.map((m) => m.name).join(', ')}` : open.length ? `world-readable: ${open.join('; ')}` : seen.map((s) => `${s.name}: ${s.text.split('\n').join(', ')}`).join('; '),
  );
}

/** k8s.taskmanagers-on-different-nodes: the job's records really cross the network between workers. */
export async function taskManagersSpread(api: KubeApi, namespace: string, pods: string[]): Promise<CheckResult> {
  const all = await api.pods(namespace);
  const where = pods.map((p) => `${p} on ${all.find((x) => x.metadata?.name === p)?.spec?.nodeName ?? '?'}`);
  const nodes = new Set(pods.map((p) => all.find((x) => x.metadata?.name === p)?.spec?.nodeName));
  return verdict('k8s.taskmanagers-on-different-nodes', 'precondition: the TaskManagers run on different workers (required anti-affinity; no fault of its own)', nodes.size === pods.length && !nodes.has(undefined), where.join(', '));
}
