/**
 * Versions that fit together on these machines (cgroup v1 hosts: kubelet 1.35+ refuses them, so
 * Kubernetes stays on 1.34.x). kind v0.30.0's own default node is 1.34.0. etcd and CoreDNS are
 * the versions `kubeadm config images list` asks for; the build checks that they still agree.
 */
export const KUBE_VERSIONS = {
  kind: 'v0.30.0',
  kubernetes: 'v1.34.4',
  /** Kubernetes' staging modules (k8s.io/api, client-go, …) carry the same release as v0.x. */
  staging: 'v0.34.4',
  etcd: 'v3.6.5',
  coredns: 'v1.12.1',
  crictl: 'v1.34.0',
  /** The only kube-router the module proxy serves; its advisories are weighed in docs/kubernetes.md. */
  kubeRouter: 'v2.1.0',
} as const;

/** Go must be new enough for Kubernetes 1.34's go.mod (go 1.24.0). */
export const MIN_GO = [1, 24] as const;
