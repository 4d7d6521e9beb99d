import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { docker, LABEL } from '../runtime/docker';
import { progress } from '../ui/progress';
import { KubeBinaries } from './components';

/** kind's label on its node containers: which cluster a node belongs to. */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** How kind may start its nodes on this engine. */
export interface NodeMode {
  compat: boolean;
  /** what the engine said when asked for --privileged (compat only) */
  refusal?: string;
}

let mode: NodeMode | undefined;

/**
 * kind always asks for `docker run --privileged`. Some engines refuse it (a capability bounding
 * set without CAP_SYS_RESOURCE, as on this workplace's machines): asked once per process with a
 * throw-away container of our own, so the compatibility path is taken only where it is needed.
 */
export async function nodeMode(image: string): Promise<NodeMode> {
  if (mode) return mode;
  const r = await docker(['run', '--rm', '--privileged', '--label', `${LABEL}=true`, '--entrypoint', 'true', image], { reject: false, all: true });
  const said = (r.all ?? '').split('\n').filter(Boolean);
  mode = r.exitCode === 0 ? { compat: false } : { compat: true, refusal: (said.find((l) => /error|denied|not permitted/i.test(l)) ?? said[0] ?? `exit ${r.exitCode}`).replace(/^docker: /, '').slice(0, 200) };
  return mode;
}

/**
 * The docker CLI as kind sees it: the real one, plus this run's labels on every node kind starts
 * (so teardown and --cleanup find them like any container of the run), and on the compatibility
 * path every capability but CAP_SYS_RESOURCE instead of --privileged, with an entrypoint step
 * that remounts the cgroup hierarchies read-write and keeps runc from lowering oom_score_adj.
 */
export function dockerWrapper(dir: string, realDocker: string, labels: Record<string, string>, compat: boolean): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const labelArgs = Object.entries(labels).map(([k, v]) => `--label ${q(`${k}=${v}`)}`).join(' ');
  const privileged = compat
    ? `out+=(--cap-add=ALL --cap-drop=SYS_RESOURCE --security-opt systempaths=unconfined '--device-cgroup-rule=a *:* rwm' --device /dev/kmsg --entrypoint /usr/local/bin/fss-compat-entrypoint)`
    : `out+=("$a")`;
  // kind also runs every command in a node with `docker exec --privileged`; the engine refuses
  // that too, and the node's own capabilities are what such a command needs.
  const execPrivileged = compat ? ':' : 'out+=("$a")';
  const script = `#!/usr/bin/env bash
# Written by flink-security-sandbox for kind's calls only (kind finds it first on PATH).
set -euo pipefail
real=${q(realDocker)}
case "\${1:-}" in
  run)
    shift
    out=(run ${labelArgs})
    for a in "$@"; do
      if [ "$a" = --privileged ]; then ${privileged}; else out+=("$a"); fi
    done
    exec "$real" "\${out[@]}" ;;
  exec)
    shift
    out=(exec)
    for a in "$@"; do
      if [ "$a" = --privileged ]; then ${execPrivileged}; else out+=("$a"); fi
    done
    exec "$real" "\${out[@]}" ;;
esac
exec "$real" "$@"
`;
  const file = join(dir, 'docker');
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return file;
}

export interface KindClusterSpec {
  name: string;
  image: string;
  workers: number;
  /** the Docker network the nodes join (the run's sandbox network) */
  network: string;
  kubeconfig: string;
  labels: Record<string, string>;
}

export function kindConfig(spec: Pick<KindClusterSpec, 'workers'>): string {
  return [
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    'networking:',
    // kube-router is the CNI (routes between nodes) and the NetworkPolicy enforcer.
    '  disableDefaultCNI: true',
    '  kubeProxyMode: iptables',
    'nodes:',
    '- role: control-plane',
    ...Array.from({ length: spec.workers }, () => '- role: worker'),
    '',
  ].join('\n');
}

/** Runs the kind CLI with the wrapper first on PATH and the sandbox network as kind's network. */
export async function kind(bins: KubeBinaries, args: string[], env: { wrapperDir: string; network: string }, onLine?: (l: string) => void): Promise<execa.ExecaReturnValue> {
  const child = execa(join(bins.kind, 'kind'), args, {
    env: { PATH: `${env.wrapperDir}:${process.env.PATH}`, KIND_EXPERIMENTAL_DOCKER_NETWORK: env.network, KIND_EXPERIMENTAL_PROVIDER: 'docker' },
    all: true,
    reject: false,
  });
  child.all?.on('data', (c: Buffer) => {
    for (const line of c.toString().split(/[\r\n]+/)) {
      const l = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
      if (l) onLine?.(l);
    }
  });
  return child;
}

/** Creates the cluster; on failure the nodes are kept (--retain) for the caller to read logs, then deleted. */
export async function createKindCluster(bins: KubeBinaries, spec: KindClusterSpec, wrapperDir: string): Promise<{ compat: boolean }> {
  const m = await nodeMode(spec.image);
  progress.info(m.compat ? `  ⚠ this Docker engine refuses --privileged (${m.refusal}): kind nodes start on the compatibility path (all capabilities but CAP_SYS_RESOURCE; see docs/kubernetes.md)` : '  kind nodes start with --privileged, as kind designs');
  const real = (await execa('sh', ['-c', 'command -v docker'])).stdout.trim();
  dockerWrapper(wrapperDir, real, spec.labels, m.compat);
  const config = join(wrapperDir, 'kind.yaml');
  writeFileSync(config, kindConfig(spec));
  const r = await kind(bins, ['create', 'cluster', '--name', spec.name, '--image', spec.image, '--config', config, '--kubeconfig', spec.kubeconfig, '--retain', '--wait', '0s'], { wrapperDir, network: spec.network }, (l) => progress.detail(l.slice(0, 100)));
  if (r.exitCode !== 0) {
    const lines = (r.all ?? '').split('\n');
    throw new Error(`kind create cluster failed (exit ${r.exitCode}): ${lines.find((l) => /^ERROR/.test(l.trim())) ?? lines.filter(Boolean).pop()}\n${lines.slice(-15).join('\n')}`);
  }
  return { compat: m.compat };
}


export async function deleteKindCluster(bins: KubeBinaries, name: string, kubeconfig: string, wrapperDir: string, network: string): Promise<void> {
  await kind(bins, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], { wrapperDir, network });
  rmSync(wrapperDir, { recursive: true, force: true });
}
