import { Writable } from 'node:stream';
import type * as K8s from '@kubernetes/client-node';
import { rootCause } from '../runtime/logs';
import { ExecResult, NodeHandle } from '../runtime/node';

type Client = typeof K8s;
let client: Promise<Client> | undefined;

/**
 * @kubernetes/client-node 1.x is an ES module; this project compiles to CommonJS, whose
 * `import()` would turn into require(). A real dynamic import keeps it an ES module load.
 */
export function k8sClient(): Promise<Client> {
  client ??= (new Function('m', 'return import(m)') as (m: string) => Promise<Client>)('@kubernetes/client-node');
  return client;
}

export type KubeObject = K8s.KubernetesObject & Record<string, unknown>;

/** The harness's view of one cluster's API: apply, read, exec, logs. */
export class KubeApi {
  private constructor(
    private readonly k: Client,
    readonly config: K8s.KubeConfig,
    readonly core: K8s.CoreV1Api,
    readonly objects: K8s.KubernetesObjectApi,
  ) {}

  static async connect(kubeconfig: string): Promise<KubeApi> {
    const k = await k8sClient();
    const kc = new k.KubeConfig();
    kc.loadFromFile(kubeconfig);
    return new KubeApi(k, kc, kc.makeApiClient(k.CoreV1Api), k.KubernetesObjectApi.makeApiClient(kc));
  }

  /**
   * Creates each object in order (a namespace first, then what lives in it). The client
   * serializes through its generated models, which name some fields differently (a
   * NetworkPolicy rule's `from` is `_from`): a plain object loses such a field without a word.
   * So each goes through the client's own YAML loader into its model first, and is refused if a
   * key would still not reach the API.
   */
  async create(objs: KubeObject[]): Promise<void> {
    for (const o of objs) {
      const model = this.k.loadYaml<K8s.KubernetesObject>(JSON.stringify(o));
      const lost = droppedKeys(o, this.k.dumpYaml(model));
      if (lost.length) throw new Error(`${o.kind}/${o.metadata?.name}: the Kubernetes client would drop ${lost.join(', ')}`);
      await this.objects.create(model);
    }
  }

  async read<T extends KubeObject>(o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): Promise<T> {
    return (await this.objects.read(o)) as T;
  }

  async list(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<KubeObject[]> {
    const r = await this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
    return r.items as KubeObject[];
  }

  async pods(namespace: string, labelSelector?: string): Promise<K8s.V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace, labelSelector })).items;
  }

  async deleteNamespace(name: string): Promise<void> {
    await this.core.deleteNamespace({ name }).catch(() => undefined);
  }

  async log(namespace: string, pod: string, container?: string, previous = false): Promise<string> {
    return this.core.readNamespacedPodLog({ name: pod, namespace, container, previous }).catch((e: Error) => `(no log: ${e.message.split('\n')[0]})`);
  }

  /** A command in a pod's container through the API's exec subresource; the exit code from its status. */
  async exec(namespace: string, pod: string, container: string, command: string[]): Promise<ExecResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const all: Buffer[] = [];
    const sink = (into: Buffer[]) =>
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          into.push(chunk);
          all.push(chunk);
          cb();
        },
      });
    let status: K8s.V1Status | undefined;
    const ws = await new this.k.Exec(this.config).exec(namespace, pod, container, command, sink(out), sink(err), null, false, (s) => (status = s));
    await new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) resolve();
      else ws.on('close', () => resolve());
    });
    const exitCode = status?.status === 'Success' ? 0 : Number(status?.details?.causes?.find((c) => c.reason === 'ExitCode')?.message ?? (status ? 1 : 255));
    if (!status && exitCode === 255) err.push(Buffer.from('exec: the API closed the stream without a status'));
    return { exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), output: Buffer.concat(all).toString() };
  }
}

/** Keys of an object (at any depth) that do not appear in its serialized YAML. */
export function droppedKeys(o: unknown, yaml: string): string[] {
  const keys = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        keys.add(k);
        walk(x);
      }
  };
  walk(o);
  const seen = new Set([...yaml.matchAll(/^[\s-]*([^\s:'"]+|'[^']*'|"[^"]*"):/gm)].map((m) => m[1].replace(/^['"]|['"]$/g, '')));
  return [...keys].filter((k) => !seen.has(k));
}

/** A pod's container as a node of the seam (harness/runtime/node.ts). */
export class PodHandle implements NodeHandle {
  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
    readonly pod: string,
    readonly container: string,
  ) {}

  exec(command: string[], opts: { env?: Record<string, string> } = {}): Promise<ExecResult> {
    // The exec subresource has no environment of its own: env(1) sets it for the command.
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
    return this.api.exec(this.namespace, this.pod, this.container, env.length ? ['env', ...env, ...command] : command);
  }

  /** Files written through exec (base64 in arguments, in chunks below the kernel's argument limit). */
  async copyContentToContainer(files: Array<{ content: string | Buffer; target: string; mode?: number }>): Promise<void> {
    for (const f of files) {
      const b64 = Buffer.from(f.content).toString('base64');
      const chunks = b64.match(/.{1,100000}/gs) ?? [''];
      for (let i = 0; i < chunks.length; i++) {
        const r = await this.exec(['sh', '-c', `mkdir -p "$(dirname "$1")" && printf %s "$2" | base64 -d ${i ? '>>' : '>'} "$1"${f.mode !== undefined ? ` && chmod ${f.mode.toString(8)} "$1"` : ''}`, 'sh', f.target, chunks[i]]);
        if (r.exitCode !== 0) throw new Error(`copy to ${this.pod}:${f.target} failed: ${r.output}`);
      }
    }
  }
}

/**
 * Waits until `count` pods of a selector run (Running, not Ready: the claims wait on the
 * services' own answers) and returns them; fails at once when a container cannot start, with its
 * waiting reason and, for a crash loop, the root cause from its previous log.
 */
export async function waitForPods(api: KubeApi, ns: string, selector: string, count: number, deadlineMs: number, what: string): Promise<K8s.V1Pod[]> {
  const t0 = Date.now();
  for (;;) {
    const pods = await api.pods(ns, selector);
    const broken = pods.find((p) => p.status?.containerStatuses?.some((c) => c.state?.waiting?.reason && /Err|BackOff|Invalid/.test(c.state.waiting.reason)));
    if (broken) {
      const c = broken.status?.containerStatuses?.find((x) => x.state?.waiting?.reason);
      const why = c?.state?.waiting?.reason === 'CrashLoopBackOff' ? rootCause(await api.log(ns, broken.metadata?.name as string, c.name, true)) : c?.state?.waiting?.message;
      throw new Error(`${what}: pod ${broken.metadata?.name} cannot start: ${c?.state?.waiting?.reason}${why ? `: ${why}` : ''}`);
    }
    const running = pods.filter((p) => p.status?.phase === 'Running');
    if (running.length >= count) return running;
    if (Date.now() - t0 > deadlineMs) throw new Error(`${what} not running after ${deadlineMs / 1000} s (${selector}): ${pods.map((p) => `${p.metadata?.name} ${p.status?.phase}`).join(', ') || 'none'}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
