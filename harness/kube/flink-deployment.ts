import { posix } from 'node:path';
import { JOBMANAGER_HOST, PORTS } from '../config/cluster';
import { FlinkConfig, renderFlinkConfig } from '../config/flink-config';
import { LABEL } from '../runtime/docker';
import { FlinkCluster, FlinkClusterSpec, FlinkPlacement } from '../runtime/flink-cluster';
import { NodeHandle } from '../runtime/node';
import { FileSpec } from '../runtime/sandbox';
import { rootCause, saveText } from '../runtime/logs';
import { watchByPolling } from '../runtime/poll';
import { KubeApi, KubeObject, PodHandle, waitForPods } from './api';

/** The flink user of the project's image (fixtures/flink/Dockerfile). */
const FLINK_UID = 9999;
/** Where the ConfigMap's configuration is mounted (the image's conf/ keeps its log4j file). */
export const K8S_CONF_DIR = '/opt/flink/conf-k8s';
export const K8S_SECRET_DIR = '/opt/flink/ssl';
/** Where the passwords Secret is mounted: one config fragment the entrypoint merges in. */
export const K8S_PASSWORDS_DIR = '/opt/flink/secret-conf';
const PASSWORDS_FILE = 'secret-settings.yaml';
/** Headless Service of the TaskManagers' StatefulSet: pod i is taskmanager-i.<this>. */
const TM_SERVICE = 'taskmanager';
/** The domain of kind's cluster DNS (kubeadm's default). */
export const CLUSTER_DOMAIN = 'cluster.local';
/** The DNS domain of a namespace's Services: `<service>.<this>` is a Service's full name. */
export const namespaceDomain = (namespace: string) => `${namespace}.svc.${CLUSTER_DOMAIN}`;

/** The name a TaskManager pod advertises: `<pod>.taskmanager`, or its full name in the cluster's DNS. */
export const taskManagerName = (pod: string, spec: { namespace: string; taskManagerFqdn?: boolean }) => `${pod}.${TM_SERVICE}${spec.taskManagerFqdn ? `.${namespaceDomain(spec.namespace)}` : ''}`;

export interface KubeFlinkSpec extends Omit<FlinkClusterSpec, 'image' | 'files' | 'jobmanagerFiles' | 'jobmanagerIpv4' | 'jobmanagerAliases' | 'containerPrefix' | 'jobmanagerPublish'> {
  image: string;
  namespace: string;
  /** Key material: one Secret, mounted read-only at /opt/flink/ssl. */
  secretFiles: Record<string, Buffer>;
  /** The mode of the mounted files (owner root, group the flink user through fsGroup). */
  secretMode: number;
  /**
   * How the password settings reach Flink: 'file' (default) a Secret mounted as a config
   * fragment that the entrypoint merges into a private copy of the configuration; 'arguments'
   * dynamic properties (-Dkey=$(ENV) from the Secret), which every process in the pod can read
   * on the JVM's command line; 'configmap' with the rest of the configuration, as users do.
   */
  passwords?: 'file' | 'arguments' | 'configmap';
  /** Files only the JobManager's container gets (the CLI's client stores and configurations). */
  jobmanagerFiles?: FileSpec[];
  /** A second container in the JobManager's pod (an authenticating proxy): its files and environment come from Secrets. */
  sidecar?: { name: string; image: string; env: Record<string, string>; files: FileSpec[]; port: number };
  /** The JobManager Service forwards the REST port (default); off when only the sidecar may be reached. */
  exposeRest?: boolean;
  /**
   * TaskManagers advertise their full DNS name (`<pod>.taskmanager.<namespace>.svc.cluster.local`,
   * what a wildcard certificate for the headless Service names) instead of `<pod>.taskmanager`.
   */
  taskManagerFqdn?: boolean;
  /** The pods' service account and whether its token is mounted (default: none mounted, the namespace's default account). */
  serviceAccount?: { name: string; automountToken: boolean };
}

/**
 * Files as Secrets, one per directory (a Secret volume fills a directory), mounted read-only with
 * the spec's mode: owner root, group the pod's fsGroup, so the pod's user reads them.
 */
export function filesAsSecrets(prefix: string, ns: string, files: FileSpec[], mode: number): { objects: KubeObject[]; volumes: object[]; mounts: object[] } {
  const dirs = [...new Set(files.map((f) => posix.dirname(f.target)))];
  const name = (i: number) => `${prefix}-${i}`;
  return {
    objects: dirs.map((dir, i) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(name(i), ns),
      type: 'Opaque',
      data: Object.fromEntries(files.filter((f) => posix.dirname(f.target) === dir).map((f) => [posix.basename(f.target), Buffer.from(f.content).toString('base64')])),
    })) as KubeObject[],
    volumes: dirs.map((_, i) => ({ name: name(i), secret: { secretName: name(i), defaultMode: mode } })),
    mounts: dirs.map((dir, i) => ({ name: name(i), mountPath: dir, readOnly: true })),
  };
}

/** Settings that hold a secret: never in the ConfigMap, handed over from a Secret instead. */
export const isPasswordKey = (k: string) => /password/i.test(k);

const meta = (name: string, namespace: string, labels: Record<string, string> = {}) => ({ name, namespace, labels: { [LABEL]: 'true', ...labels } });

/**
 * The docs' standalone Kubernetes deployment: a JobManager Deployment behind a Service,
 * TaskManagers in a StatefulSet with a headless Service (stable names, one per worker), the
 * configuration in a ConfigMap, keystores and passwords in Secrets: the pod spec and the
 * ConfigMap only name them.
 */
export function flinkObjects(spec: KubeFlinkSpec): KubeObject[] {
  const ns = spec.namespace;
  const passwords = spec.passwords ?? 'file';
  const role = (r: 'jobmanager' | 'taskmanager') => {
    const conf = FlinkCluster.configFor(spec as unknown as FlinkClusterSpec, r, r === 'jobmanager' ? JOBMANAGER_HOST : taskManagerName('$(POD_NAME)', spec));
    delete conf['taskmanager.host']; // per pod: a dynamic property below
    const secrets = passwords === 'configmap' ? {} : Object.fromEntries(Object.entries(conf).filter(([k]) => isPasswordKey(k)));
    const inMap: FlinkConfig = Object.fromEntries(Object.entries(conf).filter(([k]) => !(k in secrets)));
    return { rendered: renderFlinkConfig(inMap, spec.version), secrets };
  };
  const jm = role('jobmanager');
  const tm = role('taskmanager');
  const secretKeys = [...new Set([...Object.keys(jm.secrets), ...Object.keys(tm.secrets)])];
  const envName = (k: string) => `FSS_SECRET_${secretKeys.indexOf(k)}`;
  const byArguments = passwords === 'arguments';
  const passwordEnv = (keys: string[]) => (byArguments ? keys.map((k) => ({ name: envName(k), valueFrom: { secretKeyRef: { name: 'flink-passwords', key: k } } })) : []);
  const passwordArgs = (keys: string[]) => (byArguments ? keys.map((k) => `-D${k}=$(${envName(k)})`) : []);
  // Each role's fragment under its own key; the pod mounts only its role's.
  const fragmentKey = (r: string) => `${r}-${PASSWORDS_FILE}`;
  const asFile = passwords === 'file' && secretKeys.length > 0;
  const jmFiles = filesAsSecrets('jobmanager-files', ns, spec.jobmanagerFiles ?? [], spec.secretMode);
  const sidecar = spec.sidecar;
  const sidecarFiles = filesAsSecrets(`${sidecar?.name ?? 'sidecar'}-files`, ns, sidecar?.files ?? [], spec.secretMode);
  const sidecarEnvSecret = `${sidecar?.name ?? 'sidecar'}-env`;
  const sidecarContainers = (r: string) =>
    sidecar && r === 'jobmanager'
      ? [
          {
            name: sidecar.name,
            image: sidecar.image,
            imagePullPolicy: 'Never',
            env: Object.keys(sidecar.env).map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: sidecarEnvSecret, key: k } } })),
            ports: [{ containerPort: sidecar.port }],
            volumeMounts: sidecarFiles.mounts,
          },
        ]
      : [];

  const podSpec = (r: 'jobmanager' | 'taskmanager', keys: string[], extraArgs: string[]) => ({
    securityContext: { runAsUser: FLINK_UID, runAsGroup: FLINK_UID, fsGroup: FLINK_UID, runAsNonRoot: true },
    terminationGracePeriodSeconds: 5,
    enableServiceLinks: false,
    ...(spec.serviceAccount ? { serviceAccountName: spec.serviceAccount.name } : {}),
    automountServiceAccountToken: spec.serviceAccount?.automountToken ?? false,
    ...(r === 'taskmanager'
      ? {
          // One TaskManager per worker: records between them cross nodes.
          affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { component: 'taskmanager' } }, topologyKey: 'kubernetes.io/hostname' }] } },
        }
      : {}),
    containers: [
      {
        name: 'flink',
        image: spec.image,
        imagePullPolicy: 'Never',
        command: ['/opt/flink/bin/fss-entrypoint'],
        args: [r, ...passwordArgs(keys), ...extraArgs],
        env: [
          { name: 'FLINK_CONF_DIR', value: K8S_CONF_DIR },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ...(asFile ? [{ name: 'FSS_CONF_SECRET', value: `${K8S_PASSWORDS_DIR}/${PASSWORDS_FILE}` }, { name: 'FSS_CONF_SECRET_FOR', value: K8S_CONF_DIR }] : []),
          ...passwordEnv(keys),
        ],
        ports: (r === 'jobmanager' ? [PORTS.jobmanagerRpc, PORTS.blob, PORTS.rest] : [PORTS.taskmanagerRpc, PORTS.taskmanagerData]).map((p) => ({ containerPort: p })),
        volumeMounts: [
          { name: 'config', mountPath: K8S_CONF_DIR, readOnly: true },
          { name: 'keys', mountPath: K8S_SECRET_DIR, readOnly: true },
          ...(asFile ? [{ name: 'passwords', mountPath: K8S_PASSWORDS_DIR, readOnly: true }] : []),
          ...(r === 'jobmanager' ? jmFiles.mounts : []),
        ],
      },
      ...sidecarContainers(r),
    ],
    volumes: [
      { name: 'config', configMap: { name: `flink-config-${r}` } },
      { name: 'keys', secret: { secretName: 'flink-keys', defaultMode: spec.secretMode } },
      ...(asFile ? [{ name: 'passwords', secret: { secretName: 'flink-passwords', defaultMode: spec.secretMode, items: [{ key: fragmentKey(r), path: PASSWORDS_FILE }] } }] : []),
      ...(r === 'jobmanager' ? [...jmFiles.volumes, ...sidecarFiles.volumes] : []),
    ],
  });
  const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
  const allSecrets = { ...jm.secrets, ...tm.secrets };
  const passwordData: Record<string, string> = byArguments
    ? Object.fromEntries(Object.entries(allSecrets).map(([k, v]) => [k, b64(String(v))]))
    : Object.fromEntries(
        [['jobmanager', jm.secrets], ['taskmanager', tm.secrets]].map(([r, secrets]) => [fragmentKey(r as string), b64(renderFlinkConfig(secrets as FlinkConfig, spec.version).content)]),
      );
  return [
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('flink-keys', ns), type: 'Opaque', data: Object.fromEntries(Object.entries(spec.secretFiles).map(([k, v]) => [k, b64(v)])) },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('flink-passwords', ns), type: 'Opaque', data: passwordData },
    ...jmFiles.objects,
    ...(sidecar ? [...sidecarFiles.objects, { apiVersion: 'v1', kind: 'Secret', metadata: meta(sidecarEnvSecret, ns), type: 'Opaque', data: Object.fromEntries(Object.entries(sidecar.env).map(([k, v]) => [k, b64(v)])) }] : []),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('flink-config-jobmanager', ns), data: { [jm.rendered.fileName]: jm.rendered.content } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('flink-config-taskmanager', ns), data: { [tm.rendered.fileName]: tm.rendered.content } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(JOBMANAGER_HOST, ns),
      spec: {
        selector: { app: 'flink', component: 'jobmanager' },
        ports: [['rpc', PORTS.jobmanagerRpc], ['blob', PORTS.blob], ...(spec.exposeRest === false ? [] : [['rest', PORTS.rest]]), ...(sidecar ? [[sidecar.name, sidecar.port]] : [])].map(([name, port]) => ({ name, port })),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(TM_SERVICE, ns),
      // Headless, and names published before readiness: the JobManager calls a TaskManager back as soon as it registers.
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'flink', component: 'taskmanager' }, ports: [['rpc', PORTS.taskmanagerRpc], ['data', PORTS.taskmanagerData]].map(([name, port]) => ({ name, port })) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('jobmanager', ns, { app: 'flink', component: 'jobmanager' }),
      spec: { replicas: 1, selector: { matchLabels: { app: 'flink', component: 'jobmanager' } }, template: { metadata: { labels: { app: 'flink', component: 'jobmanager' } }, spec: podSpec('jobmanager', Object.keys(jm.secrets), []) } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('taskmanager', ns, { app: 'flink', component: 'taskmanager' }),
      spec: {
        replicas: spec.taskManagers,
        serviceName: TM_SERVICE,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'flink', component: 'taskmanager' } },
        template: { metadata: { labels: { app: 'flink', component: 'taskmanager' } }, spec: podSpec('taskmanager', Object.keys(tm.secrets), [`-Dtaskmanager.host=${taskManagerName('$(POD_NAME)', spec)}`]) },
      },
    },
  ] as KubeObject[];
}

/** Mount paths of the Secret volumes per pod template and container: `<component>/<container>` → dirs. */
export function secretMountDirs(objects: KubeObject[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const o of objects as Array<{ metadata?: { labels?: Record<string, string> }; spec?: { template?: { spec?: { volumes?: Array<{ name: string; secret?: unknown }>; containers?: Array<{ name: string; volumeMounts?: Array<{ name: string; mountPath: string }> }> } } } }>) {
    const pod = o.spec?.template?.spec;
    if (!pod) continue;
    const secretVolumes = new Set((pod.volumes ?? []).filter((v) => v.secret).map((v) => v.name));
    for (const c of pod.containers ?? []) out[`${o.metadata?.labels?.component}/${c.name}`] = (c.volumeMounts ?? []).filter((m) => secretVolumes.has(m.name)).map((m) => m.mountPath);
  }
  return out;
}

/** Pod logs, read on demand (the claims read logs synchronously, after a refresh). */
class PodLogs {
  private readonly text = new Map<string, string>();
  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
  ) {}
  async refresh(pods: string[]): Promise<void> {
    await Promise.all(pods.map(async (p) => this.text.set(p, await this.api.log(this.namespace, p))));
  }
  get(pod: string): string {
    return this.text.get(pod) ?? '';
  }
  save(dir: string): Record<string, string> {
    return Object.fromEntries([...this.text].map(([p, t]) => [p, saveText(dir, `${p}.log`, t)]));
  }
}

/** A Flink cluster in a namespace: the seam's FlinkCluster plus what only Kubernetes has. */
export class KubeFlink {
  constructor(
    readonly api: KubeApi,
    readonly namespace: string,
    readonly cluster: FlinkCluster,
    readonly pods: { jobmanager: string; taskmanagers: string[]; ips: Record<string, string> },
    readonly logs: PodLogs,
    /** Where each pod template's containers mount Secrets (`<component>/<container>` → dirs). */
    private readonly secretDirs: Record<string, string[]>,
  ) {}

  /** Every container of the run (Flink's and a sidecar's) with the Secret folders it mounts. */
  secretMounts(): Array<{ name: string; container: PodHandle | NodeHandle; dirs: string[] }> {
    const flink = this.cluster.nodes().map((n) => ({ name: n.name, container: n.container, dirs: this.secretDirs[`${n.name === this.pods.jobmanager ? 'jobmanager' : 'taskmanager'}/flink`] ?? [] }));
    const sidecars = Object.entries(this.secretDirs)
      .filter(([k]) => k.startsWith('jobmanager/') && k !== 'jobmanager/flink')
      .map(([k, dirs]) => {
        const c = k.split('/')[1];
        return { name: `${this.pods.jobmanager}/${c}`, container: new PodHandle(this.api, this.namespace, this.pods.jobmanager, c), dirs };
      });
    return [...flink, ...sidecars];
  }

  /** The pods' logs as last read, beside the report (logs/<pod>.log). */
  saveLogs(dir: string): Record<string, string> {
    return this.logs.save(dir);
  }

  /** A container's log kept current (read every 500 ms) for claims that read it synchronously. */
  async followLog(pod: string, container: string): Promise<{ text: () => string; stop: () => void }> {
    let text = await this.api.log(this.namespace, pod, container);
    const w = watchByPolling(async () => {
      text = await this.api.log(this.namespace, pod, container);
      return undefined;
    }, 500);
    return { text: () => text, stop: w.stop };
  }

  /** Every Flink pod's log so far, read now (before claims that search logs). */
  async refreshLogs(): Promise<void> {
    await this.logs.refresh([this.pods.jobmanager, ...this.pods.taskmanagers]);
  }

  static async deploy(api: KubeApi, spec: KubeFlinkSpec, deadlineMs = 120_000): Promise<KubeFlink> {
    const objects = flinkObjects(spec);
    await api.create(objects);
    const secretDirs = secretMountDirs(objects);
    const ns = spec.namespace;
    const running = await waitForPods(api, ns, 'app=flink', spec.taskManagers + 1, deadlineMs, 'Flink pods');
    const jm = running.find((p) => p.metadata?.labels?.component === 'jobmanager')?.metadata?.name as string;
    const tms = running.filter((p) => p.metadata?.labels?.component === 'taskmanager').map((p) => p.metadata?.name as string).sort();
    const logs = new PodLogs(api, ns);
    const placement: FlinkPlacement = {
      jobManagerHost: JOBMANAGER_HOST,
      taskManagerHosts: tms.map((t) => taskManagerName(t, spec)),
      names: [jm, ...tms],
      watchExits: (names) => watchPods(api, ns, names, logs),
      logOf: (name) => logs.get(name),
    };
    const handle = (pod: string) => new PodHandle(api, ns, pod, 'flink');
    const cluster = FlinkCluster.attach({ ...(spec as unknown as FlinkClusterSpec), files: [] }, handle(jm), tms.map(handle), placement);
    const ips = Object.fromEntries(running.map((p) => [p.metadata?.name as string, p.status?.podIP as string]));
    return new KubeFlink(api, ns, cluster, { jobmanager: jm, taskmanagers: tms, ips }, logs, secretDirs);
  }
}

/** Rejects when a watched pod's container terminates or restarts, with the root cause from its log. */
function watchPods(api: KubeApi, ns: string, names: string[], logs: PodLogs): { exited: Promise<never>; stop: () => void } {
  return watchByPolling(async () => {
    const pods = await api.pods(ns).catch(() => []);
    for (const p of pods.filter((x) => names.includes(x.metadata?.name as string))) {
      const c = p.status?.containerStatuses?.[0];
      if (c && (c.restartCount > 0 || c.state?.terminated)) {
        const name = p.metadata?.name as string;
        await logs.refresh([name]);
        const prev = c.restartCount > 0 ? await api.log(ns, name, 'flink', true) : logs.get(name);
        return new Error(`${name} exited (${c.lastState?.terminated?.reason ?? c.state?.terminated?.reason ?? 'restarted'}): ${rootCause(prev) ?? 'see its log'}`);
      }
    }
    return undefined;
  });
}
