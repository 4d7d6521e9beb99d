import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { contentHash } from '../images/hash';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { cachedDir, go, goEnv, goVersion, GO_ROOT } from './go';
import { KUBE_VERSIONS as V } from './versions';

/** The binaries the node image and the harness need, each in its own cached folder. */
export interface KubeBinaries {
  kind: string;
  /** kubeadm, kubelet, kubectl, kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy */
  kubernetes: string;
  etcd: string;
  coredns: string;
  crictl: string;
  kubeRouter: string;
  pause: string;
}

export const KUBERNETES_COMMANDS = ['kubeadm', 'kubelet', 'kubectl', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'] as const;

/** Bump when a recipe below changes in a way that changes its output. */
const RECIPE = 'r1';

async function binDir(name: string, version: string, ...inputs: string[]): Promise<string> {
  return join(GO_ROOT, 'bin', `${name}-${version}-${contentHash(undefined, RECIPE, await goVersion(), ...inputs)}`);
}

// go install writes to GOBIN; pass it through a per-call environment.
async function goInstallTo(scratch: string, title: string, pkg: string, version: string): Promise<void> {
  const child = execa('go', ['install', '-trimpath', '-ldflags=-s -w', `${pkg}@${version}`], { cwd: GO_ROOT, env: { ...goEnv(), GOBIN: scratch }, all: true, reject: false });
  let last = Date.now();
  child.all?.on('data', (c: Buffer) => {
    const line = c.toString().trim().split('\n').pop() ?? '';
    if (Date.now() - last > 2000 && line) {
      progress.detail(`${title}: ${line.replace(/^go: /, '').slice(0, 90)}`);
      last = Date.now();
    }
  });
  const r = await child;
  if (r.exitCode !== 0) throw new Error(`go install ${pkg}@${version} failed (exit ${r.exitCode}):\n${(r.all ?? '').split('\n').slice(-20).join('\n')}`);
}

async function goInstalled(title: string, name: string, pkg: string, version: string): Promise<string> {
  const dir = await binDir(name, version, pkg);
  await cachedDir(dir, (scratch) => progress.step(`${title} ${version}: go install (first run only)`, () => goInstallTo(scratch, title, pkg, version)));
  return dir;
}

/** The folder of a downloaded module (kind's base-image files, Kubernetes' go.mod and pause.c). */
export async function moduleDir(mod: string, version: string): Promise<{ dir: string; goMod: string }> {
  const r = await execa('go', ['mod', 'download', '-json', `${mod}@${version}`], { cwd: GO_ROOT, env: goEnv(), reject: false });
  let j: { Dir?: string; GoMod?: string; Error?: string } = {};
  try {
    j = JSON.parse(r.stdout);
  } catch {
    /* reported below */
  }
  if (!j.Dir || !j.GoMod) throw new UserError(`the Go module proxy did not serve ${mod}@${version}: ${j.Error ?? r.stderr.split('\n')[0]}`, EXIT.environment);
  return { dir: j.Dir, goMod: j.GoMod };
}

/**
 * Kubernetes' own go.mod points its staging modules (k8s.io/api, client-go, …) at folders of its
 * repository; a module that requires it must point them at their published releases instead.
 */
export function stagingReplaces(kubernetesGoMod: string, stagingVersion: string): string[] {
  return [...kubernetesGoMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/\S+/gm)]
    .map((m) => m[1])
    .filter((mod) => !/sample-/.test(mod)) // examples, not published at release tags, not needed
    .map((mod) => `replace ${mod} => ${mod} ${stagingVersion}`);
}

/** Version stamps kubeadm reads to pick image tags (a plain `go build` would say v0.0.0-master). */
export function kubeVersionLdflags(version: string): string {
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(version) ?? [];
  const stamp = (pkg: string) => [`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`];
  return ['-s -w', ...stamp('k8s.io/component-base/version'), ...stamp('k8s.io/client-go/pkg/version')].join(' ');
}

async function kubernetesBinaries(): Promise<string> {
  const { goMod } = await moduleDir('k8s.io/kubernetes', V.kubernetes);
  const replaces = stagingReplaces(readFileSync(goMod, 'utf8'), V.staging);
  const dir = await binDir('kubernetes', V.kubernetes, ...replaces, ...KUBERNETES_COMMANDS);
  await cachedDir(dir, (scratch) =>
    progress.step(`Kubernetes ${V.kubernetes}: ${KUBERNETES_COMMANDS.length} binaries from source (first run only; about 10 min on 2 cores)`, async () => {
      const work = join(GO_ROOT, 'work', `kubernetes-${V.kubernetes}`);
      mkdirSync(work, { recursive: true });
      writeFileSync(join(work, 'go.mod'), ['module fss.local/kubernetes-build', '', 'go 1.24.0', '', `require k8s.io/kubernetes ${V.kubernetes}`, '', ...replaces, ''].join('\n'));
      await go(['build', '-v', '-mod=mod', '-trimpath', `-ldflags=${kubeVersionLdflags(V.kubernetes)}`, '-o', scratch + '/', ...KUBERNETES_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`)], { cwd: work, label: 'Kubernetes' });
    }),
  );
  return dir;
}

/**
 * A binary from a small module of ours: a go.mod requiring `mod@version` and a main.go of `imports`
 * (blank imports register plugins) calling `call`. For modules whose release has no main package
 * we can use as it is.
 */
async function wrapperBinary(title: string, name: string, mod: string, version: string, imports: string[], call: string): Promise<string> {
  const dir = await binDir(name, version, ...imports, call);
  await cachedDir(dir, (scratch) =>
    progress.step(`${title} ${version}: build (first run only)`, async () => {
      const work = join(GO_ROOT, 'work', `${name}-${version}`);
      mkdirSync(work, { recursive: true });
      writeFileSync(join(work, 'go.mod'), `module fss.local/${name}-build\n\ngo 1.24.0\n\nrequire ${mod} ${version}\n`);
      writeFileSync(join(work, 'main.go'), ['package main', '', 'import (', ...imports.map((i) => `\t${i}`), ')', '', `func main() { ${call} }`, ''].join('\n'));
      await go(['mod', 'tidy'], { cwd: work, label: title });
      await go(['build', '-v', '-mod=mod', '-trimpath', '-ldflags=-s -w', '-o', join(scratch, name), '.'], { cwd: work, label: title });
    }),
  );
  return dir;
}

/** etcd's server module has no main package of its own at a release tag: a two-line main calls it. */
const etcdBinary = () => wrapperBinary('etcd', 'etcd', 'go.etcd.io/etcd/server/v3', V.etcd, ['"os"', '"go.etcd.io/etcd/server/v3/etcdmain"'], 'etcdmain.Main(os.Args)');

/**
 * CoreDNS's own main links all of its ~50 plugins (cloud DNS providers, tracing: most of the
 * build). The cluster serves the Corefile kubeadm writes, so a main with exactly its plugins
 * (plus log and whoami, for debugging) runs the same server and compiles in about two thirds of
 * the time (2 min 53 s instead of 4 min 3 s, measured).
 */
export const COREDNS_PLUGINS = ['errors', 'health', 'ready', 'kubernetes', 'metrics', 'forward', 'cache', 'loop', 'reload', 'loadbalance', 'log', 'whoami'];

const corednsBinary = () =>
  wrapperBinary(
    "CoreDNS (kubeadm's Corefile plugins)",
    'coredns',
    'github.com/coredns/coredns',
    V.coredns,
    ['_ "github.com/coredns/caddy/onevent"', ...COREDNS_PLUGINS.map((p) => `_ "github.com/coredns/coredns/plugin/${p}"`), '"github.com/coredns/coredns/coremain"'],
    'coremain.Run()',
  );

/** Kubernetes' pause container, compiled from the C source in the Kubernetes module, statically. */
async function pauseBinary(): Promise<string> {
  const { dir: src } = await moduleDir('k8s.io/kubernetes', V.kubernetes);
  const tag = /^TAG \?= (\S+)/m.exec(readFileSync(join(src, 'build/pause/Makefile'), 'utf8'))?.[1] ?? 'unknown';
  const dir = await binDir('pause', tag, readFileSync(join(src, 'build/pause/linux/pause.c'), 'utf8'));
  await cachedDir(dir, async (scratch) => {
    const cc = await execa('gcc', ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${tag}`, '-o', join(scratch, 'pause'), join(src, 'build/pause/linux/pause.c')], { reject: false, all: true });
    if (cc.exitCode !== 0) throw new UserError(`compiling Kubernetes' pause.c needs gcc with static libc (apt-get install gcc libc6-dev): ${(cc.all ?? '').split('\n')[0]}`, EXIT.environment);
  });
  return dir;
}

/**
 * Builds (or finds cached) every binary. Sequential on purpose: each Go build already uses
 * every core, and two at once only thrash the 2-core machines this runs on.
 */
export async function ensureKubeBinaries(): Promise<KubeBinaries> {
  await goVersion();
  mkdirSync(GO_ROOT, { recursive: true });
  const kind = await goInstalled('kind', 'kind', 'sigs.k8s.io/kind', V.kind);
  const kubernetes = await kubernetesBinaries();
  const pause = await pauseBinary();
  const etcd = await etcdBinary();
  const coredns = await corednsBinary();
  const crictl = await goInstalled('crictl', 'crictl', 'sigs.k8s.io/cri-tools/cmd/crictl', V.crictl);
  const kubeRouter = await goInstalled('kube-router', 'kube-router', 'github.com/cloudnativelabs/kube-router/v2/cmd/kube-router', V.kubeRouter);
  return { kind, kubernetes, etcd, coredns, crictl, kubeRouter, pause };
}

