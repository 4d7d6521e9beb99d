import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { docker, imageExists, LABEL } from '../runtime/docker';
import { ensureBaseImage } from '../images/base';
import { buildImage, ensureImage } from '../images/build';
import { contentHash } from '../images/hash';
import { FIXTURES } from '../images/paths';
import { progress } from '../ui/progress';
import { KubeBinaries, moduleDir } from './components';
import { KUBE_VERSIONS as V } from './versions';

/** Names inside the nodes for the images this project adds beside kubeadm's own. */
export const NODE_IMAGES = {
  kubeRouter: `fss.local/kube-router:${V.kubeRouter}`,
} as const;

interface ComponentImage {
  /** the name kubeadm (or our manifests) use inside the node */
  nodeName: string;
  /** the name on the machine's Docker engine: ours, never an upstream name */
  dockerTag: string;
}

/** `kubeadm config images list`: the names the node's containerd must hold, exactly. */
export async function kubeadmImages(bins: KubeBinaries): Promise<string[]> {
  const r = await execa(join(bins.kubernetes, 'kubeadm'), ['config', 'images', 'list', '--kubernetes-version', V.kubernetes]);
  return r.stdout.split('\n').filter((l) => /\S+:\S+/.test(l) && !/^(W|I)\d{4}/.test(l));
}

/** The image a kubeadm name stands for (kube-apiserver, etcd, coredns, pause, …). */
export function componentOf(name: string): string {
  return name.replace(/:.*$/, '').split('/').pop() as string;
}

/** Refuses a build whose binaries are not the versions kubeadm will ask for by name. */
export function checkKubeadmVersions(images: string[], pauseTag: string): void {
  const tag = (c: string) => images.find((i) => componentOf(i) === c)?.replace(/^.*:/, '');
  const want: Record<string, string> = { etcd: V.etcd.slice(1), coredns: V.coredns, pause: pauseTag, 'kube-apiserver': V.kubernetes };
  for (const [c, v] of Object.entries(want)) {
    const t = tag(c);
    if (!t || !(t === v || t.startsWith(`${v}-`))) throw new Error(`kubeadm ${V.kubernetes} asks for ${c}:${t ?? '(none)'} but the build pins ${v}: update harness/kube/versions.ts`);
  }
}

/**
 * What `kind create cluster` applies as the default storage (/kind/manifests/default-storage.yaml).
 * kind's own node image ships local-path-provisioner there; no scenario uses a volume, and the
 * provisioner cost about two minutes of Go on a first run and a pod in every cluster. A default
 * StorageClass without a provisioner instead: a claim stays Pending rather than half-working.
 * (Without the file kind warns and applies a host-path class that nothing serves either.)
 */
export const STORAGE_MANIFEST = `# flink-security-sandbox: no dynamic provisioning (no scenario uses volumes)
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
`;

/** A one-binary image from a root file system made of that binary (kubeadm runs it by name). */
async function importBinary(tag: string, binary: string, at: string, entrypoint?: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fss-rootfs-'));
  try {
    mkdirSync(join(dir, at), { recursive: true });
    mkdirSync(join(dir, 'tmp'), { mode: 0o1777 });
    copyFileSync(binary, join(dir, at, binary.split('/').pop() as string));
    const changes = ['--change', `LABEL ${LABEL}=true`, '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin'];
    if (entrypoint) changes.push('--change', `ENTRYPOINT ["${entrypoint}"]`);
    await execa('bash', ['-c', 'dir=$1; shift; tar --owner=0 --group=0 -C "$dir" -c . | docker import "$@"', '_', dir, ...changes, '-', tag]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An image that needs more than its binary (iptables, ipset, conntrack): Debian plus the binary. */
async function buildNetImage(tag: string, base: string, binary: string): Promise<void> {
  const ctx = mkdtempSync(join(tmpdir(), 'fss-netimg-'));
  try {
    cpSync(join(FIXTURES, 'kind-node', 'net-tools.Dockerfile'), join(ctx, 'Dockerfile'));
    copyFileSync(binary, join(ctx, binary.split('/').pop() as string));
    await buildImage({ tag, context: ctx, buildArgs: { BASE_IMAGE: base, BINARY: binary.split('/').pop() as string } });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** Every image a node holds, built on the machine's engine under our own names. */
async function componentImages(bins: KubeBinaries, base: string): Promise<ComponentImage[]> {
  const names = await kubeadmImages(bins);
  const pauseTag = /pause:(\S+)/.exec(names.join(' '))?.[1] ?? '';
  checkKubeadmVersions(names, pauseTag);
  const out: ComponentImage[] = [];
  for (const nodeName of [...names, NODE_IMAGES.kubeRouter]) {
    const c = componentOf(nodeName);
    const binary = {
      'kube-apiserver': join(bins.kubernetes, 'kube-apiserver'),
      'kube-controller-manager': join(bins.kubernetes, 'kube-controller-manager'),
      'kube-scheduler': join(bins.kubernetes, 'kube-scheduler'),
      'kube-proxy': join(bins.kubernetes, 'kube-proxy'),
      etcd: join(bins.etcd, 'etcd'),
      coredns: join(bins.coredns, 'coredns'),
      pause: join(bins.pause, 'pause'),
      'kube-router': join(bins.kubeRouter, 'kube-router'),
    }[c];
    if (binary === undefined) throw new Error(`kubeadm lists an image this build does not make: ${nodeName.split('/').slice(1).join('/')}`);
    const net = c === 'kube-proxy' || c === 'kube-router';
    const dockerTag = `fss-kube-${c}:${contentHash(undefined, nodeName, binary, net ? readFileSync(join(FIXTURES, 'kind-node', 'net-tools.Dockerfile'), 'utf8') + base : '')}`;
    out.push({ nodeName, dockerTag });
    if (await imageExists(dockerTag)) continue;
    // The tag, not kubeadm's full name: the output never names a registry host.
    progress.detail(`component image ${c} ${nodeName.split(':').pop()} → ${dockerTag}`);
    if (net) await buildNetImage(dockerTag, base, binary);
    else if (c === 'coredns' || c === 'pause') await importBinary(dockerTag, binary, '.', `/${c}`);
    else await importBinary(dockerTag, binary, 'usr/local/bin');
  }
  return out;
}

/** kind's base image (Debian runtime + kind's files) with kubeadm, kubelet, kubectl and crictl. */
async function nodeBase(bins: KubeBinaries, base: string): Promise<string> {
  const { dir: kindSrc } = await moduleDir('sigs.k8s.io/kind', V.kind);
  const fixture = join(FIXTURES, 'kind-node');
  const tag = `fss-kind-base:${contentHash(fixture, base, kindSrc, bins.kubernetes, bins.crictl)}`;
  return ensureImage('Kubernetes node base image', tag, async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'fss-kindbase-'));
    try {
      cpSync(fixture, ctx, { recursive: true });
      cpSync(join(kindSrc, 'images/base/files'), join(ctx, 'kind-base'), { recursive: true });
      mkdirSync(join(ctx, 'bin'));
      for (const b of ['kubeadm', 'kubelet', 'kubectl']) copyFileSync(join(bins.kubernetes, b), join(ctx, 'bin', b));
      copyFileSync(join(bins.crictl, 'crictl'), join(ctx, 'crictl'));
      await execa('chmod', ['-R', 'u+w', ctx]); // module cache files are read-only
      await buildImage({ tag, context: ctx, buildArgs: { BASE_IMAGE: base } });
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  });
}

/**
 * The node image the way kind's `build node-image` makes one: run the base, put the version,
 * the manifests and every image into it (imported into containerd's k8s.io namespace, pinned,
 * unpacked later by the node), commit. Nothing is pulled: every image was built here.
 */
export async function ensureNodeImage(bins: KubeBinaries): Promise<string> {
  const base = await ensureBaseImage();
  const nodeBaseTag = await nodeBase(bins, base);
  const images = await progress.step('Kubernetes component images', () => componentImages(bins, base));
  const storage = STORAGE_MANIFEST;
  const tag = `fss-kind-node:${V.kubernetes}-${contentHash(undefined, nodeBaseTag, storage, ...images.map((i) => `${i.nodeName}=${i.dockerTag}`))}`;
  return ensureImage(`Kubernetes node image ${V.kubernetes}`, tag, async () => {
    const work = mkdtempSync(join(tmpdir(), 'fss-nodeimg-'));
    const name = `fss-node-build-${process.pid}`;
    try {
      progress.detail(`docker save of ${images.length} component images`);
      await docker(['save', '-o', join(work, 'images.tar'), ...images.map((i) => i.dockerTag)]);
      writeFileSync(join(work, 'default-storage.yaml'), storage);
      const pause = images.find((i) => componentOf(i.nodeName) === 'pause') as ComponentImage;
      writeFileSync(join(work, 'retag'), images.map((i) => `${i.dockerTag} ${i.nodeName}`).join('\n') + '\n');
      await docker(['run', '-d', '--name', name, '--label', `${LABEL}=true`, '--entrypoint', 'sleep', nodeBaseTag, 'infinity']);
      await docker(['cp', work + '/.', `${name}:/fss-build`]);
      progress.detail('importing images into the node\'s containerd');
      // containerd in the build container, as kind's importer does; stopped by its own pid.
      const script = [
        'set -eu',
        'containerd >/tmp/containerd.log 2>&1 & pid=$!',
        'for i in $(seq 1 30); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && break; sleep 1; done',
        'ctr -n k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests /fss-build/images.tar',
        // docker save names images by their short names; match the imported ones by suffix.
        'while read -r from to; do',
        '  full=$(ctr -n k8s.io images ls -q | grep -E "(^|/)${from}$" | head -n1)',
        '  ctr -n k8s.io images tag --force "$full" "$to" >/dev/null',
        '  ctr -n k8s.io images label "$to" io.cri-containerd.pinned=pinned >/dev/null',
        '  ctr -n k8s.io images rm "$full" >/dev/null',
        'done < /fss-build/retag',
        `sed -i 's#sandbox_image = ".*"#sandbox_image = "${pause.nodeName}"#' /etc/containerd/config.toml`,
        `echo -n ${V.kubernetes} > /kind/version`,
        'mkdir -p /kind/manifests && cp /fss-build/default-storage.yaml /kind/manifests/default-storage.yaml',
        'ctr -n k8s.io images ls -q | sort > /kind/images',
        'kill $pid; wait $pid || true',
        'rm -rf /fss-build /tmp/containerd.log',
      ].join('\n');
      await docker(['exec', name, 'bash', '-c', script]);
      const listed = (await docker(['exec', name, 'cat', '/kind/images'])).stdout.split('\n');
      const missing = images.filter((i) => !listed.some((l) => l === i.nodeName || l.endsWith(`/${i.nodeName}`)));
      if (missing.length) throw new Error(`node image build: containerd does not hold ${missing.map((m) => m.dockerTag).join(', ')}`);
      progress.detail('docker commit');
      await docker(['commit', '--change', 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]', '--change', `LABEL ${LABEL}=true`, name, tag]);
    } finally {
      await docker(['rm', '-f', '-v', name], { reject: false });
      rmSync(work, { recursive: true, force: true });
    }
  });
}
