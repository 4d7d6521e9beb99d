/**
 * Flink's native Kubernetes session mode, as its docs run it: a client (here a pod of the
 * namespace, with an account of its own) runs `kubernetes-session.sh`, which creates the
 * JobManager Deployment, its Services and ConfigMaps; the JobManager then creates TaskManager
 * pods itself when a job needs slots. Jobs go in with `flink run --target kubernetes-session`.
 * The harness makes only the client's objects: everything else is Flink's doing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlinkConfig, renderFlinkConfig } from '../config/flink-config';
import { FlinkVersion } from '../config/version';
import { FIXTURES } from '../images/paths';
import { LABEL } from '../runtime/docker';
import { CliRun } from '../runtime/flink-cluster';
import { rootCause, saveText } from '../runtime/logs';
import { FileSpec } from '../runtime/sandbox';
import { KubeApi, KubeObject, PodHandle, waitForPods } from './api';
import { filesAsSecrets } from './flink-deployment';
import { RbacRule, role, roleBinding, serviceAccount } from './rbac';

/** The flink user of the project's image. */
const FLINK_UID = 9999;
const CLIENT = 'flink-client';
/** The client's configuration folder (a ConfigMap): config, log4j file Flink ships on, pod template. */
export const CLIENT_CONF_DIR = '/opt/flink/conf-client';

/**
 * What `kubernetes-session.sh` and `flink run --target kubernetes-session` need: create the
 * JobManager Deployment, its Services and ConfigMaps, and find the REST Service again. Pods are
 * deliberately absent: every Flink pod that appears was made by the Deployment's controller
 * (the JobManager) or by the JobManager (TaskManagers).
 */
const CLIENT_RULES: RbacRule[] = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'delete'] },
  { apiGroups: [''], resources: ['services', 'configmaps'], verbs: ['get', 'list', 'create'] },
];

export interface NativeSessionSpec {
  namespace: string;
  image: string;
  version: FlinkVersion;
  clusterId: string;
  /** The client's Flink configuration (Flink hands it on to the pods it creates). */
  config: FlinkConfig;
  /** More rights for the client (the keytab Secret Flink creates, say). */
  clientRules?: RbacRule[];
  /** Files only the client has (keytab, krb5.conf): Secrets mounted into the client pod. */
  clientFiles?: FileSpec[];
}

/** Labels Flink puts on what it creates for a cluster id. */
export const nativeSelector = (clusterId: string, component?: 'jobmanager' | 'taskmanager') => `app=${clusterId},type=flink-native-kubernetes${component ? `,component=${component}` : ''}`;

/** The pod template every Flink pod starts from: the image's flink user, no service links. */
const POD_TEMPLATE = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: pod-template',
  'spec:',
  `  securityContext: {runAsUser: ${FLINK_UID}, runAsGroup: ${FLINK_UID}, fsGroup: ${FLINK_UID}, runAsNonRoot: true}`,
  '  enableServiceLinks: false',
  '  terminationGracePeriodSeconds: 5',
  '  containers:',
  '    - name: flink-main-container',
  '',
].join('\n');

/**
 * Settings the sandbox adds to a native cluster: its image (already in the nodes), small CPU
 * requests with room to burst (three nodes on two cores), the pod template, its label on
 * everything Flink creates.
 */
export function nativeBase(spec: { namespace: string; image: string; clusterId: string }): FlinkConfig {
  const labels = `${LABEL}:true`;
  return {
    'execution.target': 'kubernetes-session',
    'kubernetes.cluster-id': spec.clusterId,
    'kubernetes.namespace': spec.namespace,
    'kubernetes.container.image.ref': spec.image,
    'kubernetes.container.image.pull-policy': 'Never',
    'kubernetes.rest-service.exposed.type': 'ClusterIP',
    'kubernetes.pod-template-file.default': `${CLIENT_CONF_DIR}/pod-template.yaml`,
    'kubernetes.jobmanager.labels': labels,
    'kubernetes.taskmanager.labels': labels,
    'kubernetes.jobmanager.cpu.amount': 0.5,
    'kubernetes.jobmanager.cpu.limit-factor': 4,
    'kubernetes.taskmanager.cpu.amount': 0.5,
    'kubernetes.taskmanager.cpu.limit-factor': 4,
    'jobmanager.memory.process.size': '1024m',
    'taskmanager.memory.process.size': '1280m',
    'parallelism.default': 1,
    'restart-strategy.type': 'none',
  };
}

/** The client's objects: its account and Role, configuration, files and pod. */
function clientObjects(spec: NativeSessionSpec): KubeObject[] {
  const ns = spec.namespace;
  const meta = (name: string) => ({ name, namespace: ns, labels: { [LABEL]: 'true' } });
  const rendered = renderFlinkConfig(spec.config, spec.version);
  const files = filesAsSecrets(`${CLIENT}-files`, ns, spec.clientFiles ?? [], 0o440);
  return [
    serviceAccount(meta(CLIENT)),
    role(meta(CLIENT), [...CLIENT_RULES, ...(spec.clientRules ?? [])]),
    roleBinding(meta(CLIENT), { kind: 'Role', name: CLIENT }, CLIENT),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${CLIENT}-config`),
      data: {
        [rendered.fileName]: rendered.content,
        // Flink ships the client's log4j-console.properties into its pods' configuration.
        'log4j-console.properties': readFileSync(join(FIXTURES, 'flink', 'log4j-console.properties'), 'utf8'),
        'pod-template.yaml': POD_TEMPLATE,
      },
    },
    ...files.objects,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...meta(CLIENT), labels: { [LABEL]: 'true', role: 'flink-client' } },
      spec: {
        serviceAccountName: CLIENT,
        securityContext: { runAsUser: FLINK_UID, runAsGroup: FLINK_UID, fsGroup: FLINK_UID, runAsNonRoot: true },
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
        containers: [
          {
            name: 'client',
            image: spec.image,
            imagePullPolicy: 'Never',
            command: ['sleep', 'infinity'],
            env: [{ name: 'FLINK_CONF_DIR', value: CLIENT_CONF_DIR }],
            volumeMounts: [{ name: 'config', mountPath: CLIENT_CONF_DIR, readOnly: true }, ...files.mounts],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: `${CLIENT}-config` } }, ...files.volumes],
      },
    },
  ] as KubeObject[];
}

/** A native session cluster and the client pod that made it. */
export class NativeSession {
  private constructor(
    readonly api: KubeApi,
    readonly spec: NativeSessionSpec,
    readonly client: PodHandle,
  ) {}

  /** The client pod, running (nothing of Flink's yet). */
  static async prepare(api: KubeApi, spec: NativeSessionSpec): Promise<NativeSession> {
    await api.create(clientObjects(spec));
    await waitForPods(api, spec.namespace, 'role=flink-client', 1, 60_000, 'client pod');
    return new NativeSession(api, spec, new PodHandle(api, spec.namespace, CLIENT, 'client'));
  }

  get clusterId(): string {
    return this.spec.clusterId;
  }

  /** The REST Service Flink creates: `<cluster-id>-rest`. */
  get restHost(): string {
    return `${this.clusterId}-rest`;
  }

  /** A Flink command in the client pod, bounded by `timeout` there (exit 124: it hung). */
  async clientRun(role: 'kubernetes-session-cli' | 'cli', args: string[], timeoutMs: number): Promise<CliRun> {
    const r = await this.client.exec(['timeout', String(Math.round(timeoutMs / 1000)), '/opt/flink/bin/fss-entrypoint', role, ...args]);
    return { exitCode: r.exitCode, output: r.output };
  }

  /** `kubernetes-session.sh` (detached): Flink creates the JobManager's objects and returns. */
  async deploy(timeoutMs = 90_000): Promise<CliRun> {
    return this.clientRun('kubernetes-session-cli', [], timeoutMs);
  }

  /** deploy(), failing with Flink's own root cause when kubernetes-session.sh does. */
  async deployOrFail(timeoutMs = 90_000): Promise<CliRun> {
    const d = await this.deploy(timeoutMs);
    if (d.exitCode !== 0) throw new Error(`kubernetes-session.sh failed (exit ${d.exitCode}): ${rootCause(d.output) ?? d.output.split('\n').filter(Boolean).slice(-2).join(' | ')}`);
    return d;
  }

  /** The JobManager pod, once running; throws with the pod's own reason when it cannot start. */
  async jobManagerPod(deadlineMs = 90_000): Promise<string> {
    const [jm] = await waitForPods(this.api, this.spec.namespace, nativeSelector(this.clusterId, 'jobmanager'), 1, deadlineMs, 'JobManager pod');
    return jm.metadata?.name as string;
  }

  /** `flink run --target kubernetes-session` from the client pod. */
  async run(args: string[], timeoutMs = 120_000): Promise<CliRun> {
    return this.clientRun('cli', ['run', '--target', 'kubernetes-session', ...args], timeoutMs);
  }

  /** Every pod of the session (client, JobManager, TaskManagers): its log beside the report. */
  async saveLogs(dir: string): Promise<void> {
    const pods = await this.api.pods(this.spec.namespace).catch(() => []);
    await Promise.all(
      pods.map(async (p) => {
        const name = p.metadata?.name as string;
        saveText(dir, `${name}.log`, await this.api.log(this.spec.namespace, name, p.spec?.containers?.[0]?.name));
      }),
    );
  }
}
