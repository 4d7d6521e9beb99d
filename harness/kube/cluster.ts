import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { docker } from '../runtime/docker';
import { Sandbox } from '../runtime/sandbox';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { ensureKubeBinaries, KubeBinaries, moduleDir } from './components';
import { createKindCluster, deleteKindCluster, kind, KIND_CLUSTER_LABEL } from './kind';
import { ensureNodeImage, NODE_IMAGES } from './node-image';
import { KUBE_VERSIONS as V } from './versions';

/** A running kind cluster of this run: its name, kubeconfig and the harness's own kubectl. */
export class KubeCluster {
  constructor(
    readonly name: string,
    readonly kubeconfig: string,
    readonly bins: KubeBinaries,
    readonly compat: boolean,
    private readonly wrapperDir: string,
    private readonly network: string,
  ) {}

  get kubectlPath(): string {
    return join(this.bins.kubernetes, 'kubectl');
  }

  /** kubectl of the same build as the cluster, never the machine's. */
  kubectl(args: string[], opts: { input?: string; reject?: boolean; timeout?: number } = {}) {
    return execa(this.kubectlPath, ['--kubeconfig', this.kubeconfig, ...args], { input: opts.input, reject: opts.reject ?? true, timeout: opts.timeout, all: true });
  }

  /** Node container names (kind names them <cluster>-control-plane, <cluster>-worker, …). */
  async nodes(): Promise<string[]> {
    const r = await docker(['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}=${this.name}`, '--format', '{{.Names}}']);
    return r.stdout.split('\n').filter(Boolean).sort();
  }

  /**
   * `kind load docker-image` into the workers (pods never run on the tainted control plane),
   * skipping images every worker already holds (a reused cluster).
   */
  async load(images: string[]): Promise<void> {
    const workers = (await this.nodes()).filter((n) => !n.endsWith('-control-plane'));
    const missing: string[] = [];
    for (const img of images) {
      const held = await Promise.all(workers.map(async (w) => (await docker(['exec', w, 'ctr', '-n', 'k8s.io', 'images', 'ls', '-q'], { reject: false })).stdout.split('\n').some((l) => l.endsWith(`/${img}`) || l === img)));
      if (!held.every(Boolean)) missing.push(img);
    }
    if (!missing.length) return;
    await progress.step(`kind load of ${missing.join(', ')} into ${workers.length} workers`, async () => {
      const r = await kind(this.bins, ['load', 'docker-image', '--name', this.name, '--nodes', workers.join(','), ...missing], { wrapperDir: this.wrapperDir, network: this.network }, (l) => progress.detail(l.slice(0, 100)));
      if (r.exitCode !== 0) throw new Error(`kind load failed:\n${r.all}`);
    });
  }

  async delete(): Promise<void> {
    await deleteKindCluster(this.bins, this.name, this.kubeconfig, this.wrapperDir, this.network);
  }

  /** The node's packet filter with counters (kube-router's rules live there). */
  async nodeIptables(node: string): Promise<string> {
    if (!(await this.nodes()).includes(node)) throw new Error(`${node} is not a node of cluster ${this.name}`);
    return (await docker(['exec', node, 'iptables', '-w', '-L', '-v', '-x', '-n'], { reject: false })).stdout;
  }

  /** The lines that explain a broken node: kubelet's and containerd's journal, last lines. */
  async nodeDiagnostics(): Promise<string> {
    const out: string[] = [];
    for (const n of await this.nodes()) {
      // A node whose systemd never started has no journal: its own output says why.
      const boot = await docker(['logs', '--tail', '4', n], { reject: false, all: true });
      if (boot.exitCode === 0 && !/Reached target .*Multi-User/.test(boot.all ?? '')) out.push(`${n} (container output):`, ...(boot.all ?? '').split('\n').filter(Boolean).map((l) => `  ${l.slice(0, 300)}`));
      for (const unit of ['kubelet', 'containerd']) {
        const r = await docker(['exec', n, 'journalctl', '-u', unit, '--no-pager', '-n', '400'], { reject: false });
        const lines = r.stdout.split('\n').filter((l) => /\b(E\d{4}|error|fail|refus|denied)/i.test(l)).slice(-6);
        if (lines.length) out.push(`${n} ${unit}:`, ...lines.map((l) => `  ${l.slice(0, 300)}`));
      }
    }
    return out.join('\n');
  }
}

/** kube-router's own manifest for kubeadm clusters (router + firewall, kube-proxy stays), with this build's image. */
export async function kubeRouterManifest(opts: { enforcer: boolean } = { enforcer: true }): Promise<string> {
  const { dir } = await moduleDir('github.com/cloudnativelabs/kube-router/v2', V.kubeRouter);
  const manifest = readFileSync(join(dir, 'daemonset/kubeadm-kuberouter.yaml'), 'utf8')
    .replace(/image: \S*kube-router\S*/g, `image: ${NODE_IMAGES.kubeRouter}`)
    .replace(/imagePullPolicy: Always/g, 'imagePullPolicy: IfNotPresent')
    // A pod reaching itself through its own Service (Flink's CLI in the JobManager pod calling
    // the jobmanager Service) needs hairpin on the bridge port; the manifest's CNI file lacks it.
    .replace(/"isDefaultGateway":true,/, '"isDefaultGateway":true,\n             "hairpinMode":true,');
  if (!manifest.includes('"hairpinMode":true')) throw new Error(`kube-router ${V.kubeRouter}'s manifest changed: no CNI bridge settings to add hairpinMode to`);
  if (opts.enforcer) return manifest;
  // A cluster whose NetworkPolicies nobody enforces: routing stays, the firewall is off.
  if (!manifest.includes('--run-firewall=true')) throw new Error(`kube-router ${V.kubeRouter}'s manifest changed: no --run-firewall=true to turn off`);
  return manifest.replace('--run-firewall=true', '--run-firewall=false');
}

/**
 * Builds what is missing (first run on a machine: minutes, each piece shown), creates a cluster
 * on the sandbox's network with nodes labelled as the run's containers, installs kube-router and
 * waits until it is healthy. Teardown deletes it with the sandbox (Ctrl-C included).
 */
export async function startKubeCluster(sb: Sandbox, opts: { workers?: number; stateDir: string; extraLabels?: Record<string, string>; enforcer?: boolean }): Promise<KubeCluster> {
  const bins = await progress.step('Kubernetes binaries (kind, Kubernetes, etcd, CoreDNS, crictl, kube-router)', () => ensureKubeBinaries());
  const image = await ensureNodeImage(bins);
  const name = sb.runId;
  // The docker wrapper, kind's config and the kubeconfig: kept with the cluster (--keep-cluster reuses them).
  const wrapperDir = opts.stateDir;
  mkdirSync(wrapperDir, { recursive: true, mode: 0o700 });
  const kubeconfig = join(wrapperDir, 'kubeconfig');
  let compat = false;
  const cluster = () => new KubeCluster(name, kubeconfig, bins, compat, wrapperDir, sb.network);
  // Registered before kind starts: a Ctrl-C in the middle of `kind create` deletes what it made.
  sb.onTeardown(async () => {
    await cluster().delete();
    // Its kubeconfig holds the cluster's admin key: gone with the cluster (a kept one keeps it).
    rmSync(wrapperDir, { recursive: true, force: true });
  });
  await progress.step(`kind cluster ${name} (1 control plane + ${opts.workers ?? 2} workers)`, () =>
    sb.track(async () => {
      try {
        compat = (await createKindCluster(bins, { name, image, workers: opts.workers ?? 2, network: sb.network, kubeconfig, labels: { ...sb.labels(), ...(opts.extraLabels ?? {}) } }, wrapperDir)).compat;
      } catch (e) {
        const why = await cluster().nodeDiagnostics().catch(() => '');
        throw new UserError(`the kind cluster did not come up: ${(e as Error).message.split('\n')[0]}${why ? `\n${why}` : ''}`, EXIT.sandboxFailed);
      }
    }),
  );
  const c = cluster();
  await progress.step(`kube-router (pod network${opts.enforcer === false ? '; NetworkPolicy NOT enforced: --run-firewall=false' : ' and NetworkPolicy'})`, async () => {
    await c.kubectl(['apply', '-f', '-'], { input: await kubeRouterManifest({ enforcer: opts.enforcer ?? true }) });
    // The init container's CNI file alone makes a node Ready; kube-router itself must run too.
    const ds = await c.kubectl(['rollout', 'status', '-n', 'kube-system', 'daemonset/kube-router', '--timeout=180s'], { reject: false });
    if (ds.exitCode !== 0) {
      const pods = (await c.kubectl(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-router', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].lastState.terminated.message}{.status.containerStatuses[0].state.waiting.message}{"\\n"}{end}'], { reject: false })).stdout;
      throw new UserError(`kube-router did not start within 180 s:\n${pods}\n${await c.nodeDiagnostics()}`, EXIT.sandboxFailed);
    }
    const r = await c.kubectl(['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=180s'], { reject: false });
    if (r.exitCode !== 0) throw new UserError(`Kubernetes nodes not Ready after 180 s: ${r.all}\n${await c.nodeDiagnostics()}`, EXIT.sandboxFailed);
  });
  return c;
}

