/**
 * Native Kubernetes mode shipping Kerberos material: the keytab and krb5.conf the client alone
 * holds must reach the JobManager and TaskManager pods through objects Flink creates, and stay
 * out of reach of other namespaces. Pure judgements over facts the scenario collected.
 */
import { CheckResult, finding, verdict } from './model';

export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
}

/** A Secret or ConfigMap of the namespace: its values as text (Secrets: still base64). */
export interface NamespacedObject {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  owners: OwnerRef[];
  data: Record<string, string>;
}

/** The objects a Deployment owns (by uid: a same-named owner of an older deployment does not count). */
export const ownedBy = (objects: NamespacedObject[], owner: { uid: string }) => objects.filter((o) => o.owners.some((r) => r.uid === owner.uid));

/** The object of `kind` owned by `owner` that holds `value` under some key, and that key. */
export function shippedObject(objects: NamespacedObject[], owner: { uid: string }, kind: NamespacedObject['kind'], value: string): { object: NamespacedObject; key: string } | undefined {
  for (const object of ownedBy(objects, owner).filter((o) => o.kind === kind)) {
    const key = Object.keys(object.data).find((k) => object.data[k] === value);
    if (key !== undefined) return { object, key };
  }
  return undefined;
}

/**
 * native.keytab-secret / native.krb5conf-configmap: an object of `kind`, owned by the JobManager
 * Deployment, holds `value` (the client's file) under some key. `clientSaid`: what the client
 * logged about the file, for the evidence when it is missing.
 */
export function judgeShipped(id: string, title: string, objects: NamespacedObject[], owner: OwnerRef, kind: NamespacedObject['kind'], value: string, what: string, clientSaid: string): CheckResult {
  const hit = shippedObject(objects, owner, kind, value);
  if (hit) return verdict(id, title, true, `${kind} ${hit.object.name} (key ${hit.key}), owner ${owner.kind}/${owner.name}: the client's ${what}, byte for byte`);
  const made = ownedBy(objects, owner).map((o) => `${o.kind} ${o.name}`).join(', ') || 'nothing';
  return verdict(id, title, false, `no ${kind} owned by ${owner.kind}/${owner.name} holds the client's ${what}; Flink created ${made}${clientSaid ? `; the client logged: ${clientSaid}` : ''}`);
}

/** One file as found in a pod. */
export interface PodFile {
  path: string;
  /** Where the volume comes from (Secret x, ConfigMap y), or undefined when no volume of Flink's is there. */
  source?: string;
  /** `stat -L`: octal mode and owner; undefined when the file is not there. */
  mode?: string;
  owner?: string;
  /** Same bytes as the client's file. */
  same: boolean;
}

export interface PodKerberos {
  pod: string;
  role: 'JobManager' | 'TaskManager';
  keytab?: PodFile;
  krb5?: PodFile;
  /** security.kerberos.login.keytab in the pod's own Flink configuration. */
  configuredKeytab?: string;
}

const fileSaid = (what: string, f?: PodFile) =>
  !f ? `no ${what} volume` : f.mode === undefined ? `${f.path}${f.source ? ` (${f.source})` : ''}: missing` : `${f.path} (${f.source ?? 'not a volume of Flink\'s'}, mode ${f.mode} ${f.owner}${f.same ? ', same bytes' : ', DIFFERENT bytes'})`;

/**
 * native.kerberos-mounted: in the JobManager and every TaskManager pod the keytab and krb5.conf
 * are there with the client's bytes, and the pod's configuration logs in with that keytab file.
 */
export function judgeMounted(pods: PodKerberos[]): CheckResult {
  const ok = (p: PodKerberos) => !!p.keytab?.same && !!p.krb5?.same && p.configuredKeytab === p.keytab.path;
  const roles = new Set(pods.map((p) => p.role));
  const pass = roles.has('JobManager') && roles.has('TaskManager') && pods.every(ok);
  const said = pods.map((p) => `${p.pod} (${p.role}): keytab ${fileSaid('keytab', p.keytab)}, krb5.conf ${fileSaid('krb5.conf', p.krb5)}; security.kerberos.login.keytab: ${p.configuredKeytab ?? 'unset'}`);
  if (!roles.has('TaskManager')) said.push('no TaskManager pod to look into');
  return verdict('native.kerberos-mounted', 'the keytab and krb5.conf reach the JobManager and TaskManager pods, and Flink logs in with that keytab there', pass, said.join('; '));
}

/** native.kerberos-file-modes (INFO): how the shipped files are readable inside the pods. */
export function describeModes(pods: PodKerberos[]): CheckResult {
  const modes = [...new Set(pods.flatMap((p) => (p.keytab?.mode ? [`${p.keytab.mode} ${p.keytab.owner}`] : [])))];
  const worldReadable = modes.some((m) => /^\d*[4-7]$/.test(m.split(' ')[0]));
  return finding(
    'native.kerberos-file-modes',
    'file modes of the keytab Flink mounts into its pods',
    modes.length
      ? `keytab ${modes.join(', ')}${worldReadable ? ': readable by every user in the container (Flink sets no defaultMode on the keytab Secret volume, so Kubernetes\' 0644 applies)' : ''}; krb5.conf ${[...new Set(pods.flatMap((p) => (p.krb5?.mode ? [`${p.krb5.mode} ${p.krb5.owner}`] : [])))].join(', ') || 'absent'}`
      : 'no keytab mounted in any pod',
  );
}

/** An API answer to a request with a pod's own token (the Status object on refusal). */
export interface ApiAnswer {
  httpCode: number;
  reason?: string;
  message?: string;
}

/**
 * native.keytab-secret-other-namespace: a pod of another namespace, with its own account's token,
 * asks the API for the keytab Secret and is refused by the authorizer (403 Forbidden: the API
 * answered, not a network or name failure), as `kubectl auth can-i` says it must be.
 */
export function judgeOutsiderRefused(secret: string, outsider: string, answer: ApiAnswer, canIOutsider: string): CheckResult {
  const refused = answer.httpCode === 403 && answer.reason === 'Forbidden' && canIOutsider === 'no';
  const got = answer.httpCode === 200 ? '200: the Secret, keytab included' : `${answer.httpCode}${answer.reason ? ` ${answer.reason}` : ''}${answer.message ? `: "${answer.message.slice(0, 200)}"` : ''}`;
  return verdict('native.keytab-secret-other-namespace', 'a pod in another namespace cannot read the keytab Secret with its own token', refused, `GET secrets/${secret} as ${outsider}: ${got}; kubectl auth can-i get secrets/${secret} --as ${outsider}: ${canIOutsider}`);
}

/** The API's answer as curl printed it: the body, then the HTTP code on its own last line. */
export function parseApiAnswer(output: string): ApiAnswer {
  const lines = output.trim().split('\n');
  const httpCode = Number(lines.pop());
  try {
    const body = JSON.parse(lines.join('\n')) as { reason?: string; message?: string; kind?: string };
    return { httpCode, reason: body.reason, message: body.message };
  } catch {
    return { httpCode, message: lines.join(' ').slice(0, 200) || undefined };
  }
}
