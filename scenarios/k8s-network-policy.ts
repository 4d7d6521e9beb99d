/**
 * The Kubernetes blog's network isolation for a standalone Flink deployment: deny all ingress to
 * the Flink namespace, then allow JobManager ↔ TaskManager traffic on the ports Flink uses and
 * REST only from pods labelled as the gateway.
 *
 * Checked as a truth table the way Kubernetes' network-policy conformance tooling (cyclonus)
 * reports it: from {a TaskManager, the gateway pod, an unlabelled pod in the namespace, a pod in
 * another namespace} to {JobManager RPC, blob, REST; TaskManager RPC, data}, each cell a real TCP
 * connection, expected vs observed. The job must still complete with the policies in place.
 */
import { PORTS } from '../harness/config/cluster';
import { clusterChecks } from '../harness/checks/cluster';
import { finding } from '../harness/checks/model';
import { attempt, Cell, rejectCounters, RejectTally, renderTable, Source, Target, truthTableChecks } from '../harness/checks/netpol';
import { listeningPorts } from '../harness/checks/port-inventory';
import { KubeObject, PodHandle } from '../harness/kube/api';
import { KubeFlink } from '../harness/kube/flink-deployment';
import { kubectlLine } from '../harness/kube/run-context';
import { LABEL } from '../harness/runtime/docker';
import { Scenario } from './types';

/** Fixed, so a policy can name it: the metric query service's RPC port (random by default). */
const QUERY_PORT = 6170;

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));

/** The policies, as the blog describes them; `restFrom` is what a fault widens. */
export function isolationPolicies(namespace: string, restFrom: Record<string, unknown>): KubeObject[] {
  const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace, labels: { [LABEL]: 'true' } }, spec }) as KubeObject;
  return [
    policy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('jobmanager-from-taskmanagers', {
      podSelector: { matchLabels: { component: 'jobmanager' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { component: 'taskmanager' } } }], ports: tcp(PORTS.jobmanagerRpc, PORTS.blob) }],
    }),
    policy('taskmanagers-from-flink', {
      podSelector: { matchLabels: { component: 'taskmanager' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'flink' } } }], ports: tcp(PORTS.taskmanagerRpc, PORTS.taskmanagerData, QUERY_PORT) }],
    }),
    policy('rest-from-gateway', {
      podSelector: { matchLabels: { component: 'jobmanager' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [restFrom], ports: tcp(PORTS.rest) }],
    }),
  ];
}

const SOURCES = { taskmanager: 'a TaskManager', gateway: 'the gateway pod', unlabelled: 'an unlabelled pod in the namespace', 'other-ns': 'a pod in another namespace' } as const;
const TARGETS = { 'jm-rpc': 'JobManager RPC', blob: 'blob server', rest: 'REST', 'tm-rpc': 'TaskManager RPC', 'tm-data': 'TaskManager data port' } as const;
type SourceId = keyof typeof SOURCES;
type TargetId = keyof typeof TARGETS;

/** What the policies allow: everything else is denied. */
const ALLOWED: Record<SourceId, TargetId[]> = {
  taskmanager: ['jm-rpc', 'blob', 'tm-rpc', 'tm-data'],
  gateway: ['rest'],
  unlabelled: [],
  'other-ns': [],
};

export const k8sNetworkPolicy: Scenario<Record<string, never>> = {
  name: 'k8s-network-policy',
  runtime: 'kubernetes',
  title: 'Kubernetes: NetworkPolicies isolate the Flink namespace (enforced by kube-router)',
  docSection: 'Kubernetes blog: network isolation with NetworkPolicies (default deny; JobManager ↔ TaskManager; REST from the gateway)',
  description: 'Default-deny ingress, JobManager ↔ TaskManager on the ports Flink uses, REST only from pods labelled as the gateway; a truth table of real connections from four kinds of pod to five ports.',
  faults: {
    'policies-removed': {
      setting: 'no NetworkPolicy in the namespace',
      description: 'the policies left out: every pod reaches every port',
      expectRed: ['netpol.deny.*'],
    },
    'rest-open-to-any-pod': {
      setting: 'rest-from-gateway: from podSelector {} (any pod of the namespace)',
      description: 'the REST rule widened to every pod in the namespace',
      expectRed: ['netpol.deny.taskmanager-to-rest', 'netpol.deny.unlabelled-to-rest'],
    },
    'enforcer-absent': {
      setting: 'kube-router --run-firewall=false (a cluster of its own: the same policies, nobody enforcing them)',
      description: 'the policies applied where no component enforces NetworkPolicy: Kubernetes accepts them and nothing happens (fail-open)',
      expectRed: ['netpol.deny.*'],
      cluster: { enforcer: false },
    },
  },

  prepare: () => ({}),

  workshop: (ctx) => {
    const kc = kubectlLine(ctx.kube);
    if (!kc) return [];
    return [
      'Try it (kubectl of the cluster\'s own build):',
      `  ${kc} get networkpolicy`,
      `  ${kc} exec gateway -- curl -s http://jobmanager:${PORTS.rest}/overview          # allowed: the gateway`,
      `  ${kc} exec outsider -- curl -s -m 3 http://jobmanager:${PORTS.rest}/overview   # denied: not the gateway`,
    ];
  },

  async run(ctx) {
    const kube = ctx.kube as NonNullable<typeof ctx.kube>;
    const { version } = ctx;
    const [flinkImage, probeImage] = await Promise.all([ctx.images.get('flink'), ctx.images.get('probe')]);
    await kube.load([flinkImage]);
    const ns = kube.namespace;
    const other = await kube.extraNamespace('k8s-netpol-outsider');
    if (ctx.fault !== 'policies-removed') await kube.api.create(isolationPolicies(ns, ctx.fault === 'rest-open-to-any-pod' ? { podSelector: {} } : { podSelector: { matchLabels: { role: 'gateway' } } }));

    const [kf, gateway] = await ctx.phase('start', `pods up in namespace ${ns} (JobManager, 2 TaskManagers, gateway, outsiders)`, () =>
      Promise.all([
        KubeFlink.deploy(kube.api, {
          namespace: ns,
          image: flinkImage,
          version,
          taskManagers: 2,
          slotsPerTaskManager: 2,
          overlay: () => ({ 'metrics.internal.query-service.port': String(QUERY_PORT) }),
          secretFiles: {},
          secretMode: 0o440,
        }),
        kube.probeStation(probeImage, { name: 'gateway', labels: { role: 'gateway' } }),
        kube.probeStation(probeImage, { name: 'outsider', labels: { role: 'outsider' } }),
        kube.probeStation(probeImage, { name: 'outsider', namespace: other, labels: { role: 'outsider' } }),
      ]).then(([f, g]) => [f, g] as const),
    );
    const cluster = kf.cluster;
    try {
      // Through the gateway: the only pod REST lets in.
      const overview = await ctx.phase('ready', 'cluster ready (2 TaskManagers registered, seen from the gateway)', () => cluster.waitForTaskManagers(gateway, { scheme: 'http' }));
      return await ctx.phase('checks', 'the job, then the truth table', async () => {
        const job = await clusterChecks(cluster, gateway, overview, { scheme: 'http' });
        const [jm, tm0, tm1] = [kf.pods.jobmanager, ...kf.pods.taskmanagers];
        const ip = kf.pods.ips;
        const targets: Array<Target & { id: TargetId }> = [
          { id: 'jm-rpc', label: TARGETS['jm-rpc'], ip: ip[jm], port: PORTS.jobmanagerRpc },
          { id: 'blob', label: TARGETS.blob, ip: ip[jm], port: PORTS.blob },
          { id: 'rest', label: TARGETS.rest, ip: ip[jm], port: PORTS.rest },
          { id: 'tm-rpc', label: TARGETS['tm-rpc'], ip: ip[tm1], port: PORTS.taskmanagerRpc },
          { id: 'tm-data', label: TARGETS['tm-data'], ip: ip[tm1], port: PORTS.taskmanagerData },
        ];
        const sources: Array<Source & { id: SourceId }> = [
          { id: 'taskmanager', label: SOURCES.taskmanager, node: new PodHandle(kube.api, ns, tm0, 'flink') },
          { id: 'gateway', label: SOURCES.gateway, node: new PodHandle(kube.api, ns, 'gateway', 'probe') },
          { id: 'unlabelled', label: SOURCES.unlabelled, node: new PodHandle(kube.api, ns, 'outsider', 'probe') },
          { id: 'other-ns', label: SOURCES['other-ns'], node: new PodHandle(kube.api, other, 'outsider', 'probe') },
        ];
        // kube-router's REJECT counters on the target pods' nodes, before and after the attempts.
        const podNode = new Map((await kube.api.pods(ns)).map((p) => [p.metadata?.name as string, p.spec?.nodeName as string]));
        const targetPod: Record<TargetId, string> = { 'jm-rpc': jm, blob: jm, rest: jm, 'tm-rpc': tm1, 'tm-data': tm1 };
        const counters = async () => {
          const out = new Map<string, number>();
          for (const node of new Set([podNode.get(jm), podNode.get(tm1)])) {
            for (const [pod, n] of rejectCounters(await kube.session.cluster.nodeIptables(node as string), ns)) out.set(pod, n);
          }
          return out;
        };
        const before = await counters();
        // One source at a time: each target's counter then matches the attempts made to it.
        const seen: Array<Awaited<ReturnType<typeof attempt>>> = [];
        for (const s of sources) seen.push(await attempt(s, targets));
        const after = await counters();
        const table: Cell[] = sources.flatMap((s, i) =>
          targets.map((t) => {
            const r = seen[i].get(t.id) ?? { seen: 'error' as const, detail: 'no result' };
            return { source: s.id, target: t.id, expect: ALLOWED[s.id].includes(t.id) ? ('allow' as const) : ('deny' as const), seen: r.seen, detail: r.detail };
          }),
        );
        const rejects: RejectTally = new Map();
        for (const t of targets) {
          const pod = targetPod[t.id];
          // Per pod, shared by its targets: the failed attempts to any of them, the packets its rule counted.
          const failed = table.filter((c) => targetPod[c.target as TargetId] === pod && c.seen !== 'open').length;
          rejects.set(t.id, { failed, rejected: (after.get(pod) ?? 0) - (before.get(pod) ?? 0) });
        }
        // What Flink listens on, against what the rules name (unnamed ports are closed by default-deny).
        const listening = await Promise.all(cluster.nodes().map(async (n) => `${n.name}: ${listeningPorts((await n.container.exec(['cat', '/proc/net/tcp', '/proc/net/tcp6'])).stdout).join(', ')}`));
        return [
          ...job,
          ...truthTableChecks(table, { ...SOURCES, ...TARGETS }, rejects),
          finding('netpol.table', 'the truth table (✓ allowed and connected, · denied and refused, ✗! denied but connected, ✗? allowed but not connected)', renderTable(table, Object.keys(SOURCES), Object.keys(TARGETS))),
          finding('netpol.listening-ports', `ports Flink listens on (rules name ${[PORTS.jobmanagerRpc, PORTS.blob, PORTS.rest, PORTS.taskmanagerRpc, PORTS.taskmanagerData, QUERY_PORT].join(', ')})`, listening.join('; ')),
        ];
      });
    } finally {
      await kf.refreshLogs().catch(() => undefined);
      kf.saveLogs(ctx.logsDir);
    }
  },
};
