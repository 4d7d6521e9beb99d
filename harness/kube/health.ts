import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { KubeCluster } from './cluster';

const NS = 'fss-health';

/** Two pods, one pinned to each worker, each serving HTTP on 8080 (Node's http module, from the probe image). */
export function healthPods(workers: string[], image: string): string {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`];
  workers.forEach((w, i) =>
    docs.push(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        `  name: echo-${i}`,
        `  namespace: ${NS}`,
        '  labels: {app: fss-health}',
        'spec:',
        `  nodeName: ${w}`,
        '  terminationGracePeriodSeconds: 0',
        '  containers:',
        '  - name: echo',
        `    image: ${image}`,
        '    imagePullPolicy: Never',
        `    command: ["node", "-e", "require('http').createServer((q, r) => r.end(require('os').hostname())).listen(8080)"]`,
        '    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}',
        '',
      ].join('\n'),
    ),
  );
  return docs.join('---\n');
}

/**
 * Before any scenario: every node Ready (checked by the caller), CoreDNS answers for the API's
 * Service name, and a pod on each worker reaches a pod on the other (kube-router's routes). On
 * failure: exit 5 with the kubelet/containerd lines that explain it.
 */
export async function checkClusterHealth(c: KubeCluster, probeImage: string): Promise<{ podIps: string[] }> {
  return progress.step('cluster health: DNS and pod-to-pod across workers', async () => {
    const fail = async (what: string) => {
      throw new UserError(`Kubernetes cluster unhealthy: ${what}\n${await c.nodeDiagnostics()}`, EXIT.sandboxFailed);
    };
    const workers = (await c.kubectl(['get', 'nodes', '-l', '!node-role.kubernetes.io/control-plane', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(/\s+/).filter(Boolean);
    if (workers.length < 2) return fail(`expected 2 workers, found ${workers.length}`);
    await c.kubectl(['apply', '-f', '-'], { input: healthPods(workers, probeImage) });
    const ready = await c.kubectl(['wait', '-n', NS, '--for=condition=Ready', 'pod', '-l', 'app=fss-health', '--timeout=90s'], { reject: false });
    if (ready.exitCode !== 0) {
      const pods = (await c.kubectl(['get', 'pods', '-n', NS, '-o', 'wide'], { reject: false })).all;
      const events = (await c.kubectl(['get', 'events', '-n', NS, '--sort-by=.lastTimestamp'], { reject: false })).all?.split('\n').slice(-6).join('\n');
      return fail(`health pods not Ready in 90 s\n${pods}\n${events}`);
    }
    const podIps = (await c.kubectl(['get', 'pods', '-n', NS, '-l', 'app=fss-health', '-o', 'jsonpath={range .items[*]}{.status.podIP} {end}'])).stdout.trim().split(/\s+/);
    // CoreDNS may come up after the health pods (on a quiet machine it does): wait for it, then
    // give the Service's rules a few seconds; only a lookup that keeps failing is a finding.
    await c.kubectl(['wait', '-n', 'kube-system', '--for=condition=Ready', 'pod', '-l', 'k8s-app=kube-dns', '--timeout=60s'], { reject: false });
    const lookup = () => c.kubectl(['exec', '-n', NS, 'echo-0', '--', 'getent', 'hosts', 'kubernetes.default.svc.cluster.local'], { reject: false });
    let dns = await lookup();
    for (let i = 0; i < 10 && dns.exitCode !== 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      dns = await lookup();
    }
    if (dns.exitCode !== 0) return fail(`CoreDNS did not resolve kubernetes.default.svc.cluster.local from a pod: ${dns.all}`);
    progress.detail(`DNS: kubernetes.default.svc.cluster.local → ${dns.stdout.trim().split(/\s+/)[0]}`);
    for (const [from, to] of [
      [0, 1],
      [1, 0],
    ]) {
      const r = await c.kubectl(['exec', '-n', NS, `echo-${from}`, '--', 'curl', '-sS', '--max-time', '5', `http://${podIps[to]}:8080/`], { reject: false });
      if (r.exitCode !== 0 || r.stdout.trim() !== `echo-${to}`) return fail(`pod echo-${from} on ${workers[from]} could not reach echo-${to} (${podIps[to]}) on ${workers[to]}: ${r.all}`);
    }
    progress.detail(`pod-to-pod: ${workers[0]} ⇄ ${workers[1]} (${podIps.join(', ')})`);
    await c.kubectl(['delete', 'namespace', NS, '--wait=false'], { reject: false });
    return { podIps };
  });
}
