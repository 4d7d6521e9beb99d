import { capacityScheduler, coreSite, HADOOP_CONF_DIR, nodeLabel, nodeManagerHost, nodeManagerName, renderSiteXml, RESOURCE_MANAGER, RESOURCE_MANAGER_HOST, SiteConfig, STAGING_DIR, YARN_CLIENT, yarnSite, YarnSiteOptions } from '../config/hadoop';
import {
  DAEMON_KRB5_CONF,
  DATANODE,
  DATANODE_HOST,
  HADOOP_KEYSTORE,
  HADOOP_STORE_PASSWORD,
  HADOOP_TRUSTSTORE,
  HOST_KEYTAB,
  HadoopHost,
  hadoopHosts,
  hdfsSite,
  hostKeytabFile,
  NAMENODE,
  NAMENODE_HOST,
  secureCoreSite,
  secureYarnSite,
  sslClient,
  sslServer,
  TokenLifetimes,
} from '../config/hadoop-security';
import { principal } from '../config/kerberos';
import { shellQuote } from '../config/shell';
import { Identity } from '../pki';
import { ExecResult, NodeHandle } from './node';
import { FileSpec, Sandbox } from './sandbox';

/**
 * Kerberos mode: HDFS joins the cluster and every daemon logs in with its host's keytab.
 * The KDC must be up and the keytabs exported first (they go in when each container starts).
 */
export interface SecureHadoopSpec {
  /** The realm's krb5.conf: the daemons' (not the nodes' /etc/krb5.conf), and the client's. */
  krb5Conf: string;
  /** Per host, by hostKeytabFile(host): the host's service principals. */
  keytabs: Record<string, Buffer>;
  /** HDFS's HTTPS: the CA and each web server's key pair (by host name). */
  tls: { ca: Identity; hosts: Record<string, Identity> };
  /** A principal with a password the harness's own yarn and hdfs commands use. */
  operator: { name: string; password: string };
  /** HDFS users that get a home folder (/user/<name>), as an administrator would make. */
  homes: string[];
  /** Shortened HDFS delegation tokens. */
  tokens?: TokenLifetimes;
  /** The fault that turns authentication off cluster-wide (default kerberos). */
  authentication?: 'kerberos' | 'simple';
}

/** The ticket cache of the harness's own commands in the client (never the user's default cache). */
export const HARNESS_CCACHE = 'FILE:/tmp/fss-harness.ccache';

export interface YarnClusterSpec {
  image: string | Promise<string>;
  nodeManagers?: number;
  /** One node label per NodeManager (`nm1`, `nm2`): lets a run choose where the JobManager lands. */
  nodeLabels?: boolean;
  /** vcores per NodeManager (default: NODE_VCORES, which spreads two TaskManagers over both). */
  vcores?: number;
  /** CAs for the ResourceManager node's Java default truststore (what its web proxy trusts). */
  proxyTrustPems?: string[];
  /** The client's files: Flink's configuration, the key material it ships. */
  clientFiles?: FileSpec[];
  /** Kerberos mode, with HDFS. */
  secure?: SecureHadoopSpec;
}

/** A NodeManager as `yarn node -list` reports it. */
export interface YarnNode {
  id: string;
  host: string;
  state: string;
  httpAddress: string;
  runningContainers: number;
}

/** A NodeManager's fixed address on the sandbox network (certificates can name it). */
export const nodeManagerAddress = (sandbox: Sandbox, i: number) => sandbox.address(20 + i);
/** The other Hadoop containers' fixed addresses: high, away from Docker's own (from .2 up). */
const FIXED: Record<string, number> = { [RESOURCE_MANAGER]: 240, [YARN_CLIENT]: 241, [NAMENODE]: 242, [DATANODE]: 243 };

/**
 * Every Hadoop host (hadoopHosts) at its fixed address: each container's /etc/hosts, so a name
 * and its address map to each other the same way everywhere (reverse lookups included: Kerberos's
 * `_HOST` and the daemons' checks of each other's principals depend on them).
 */
export function hadoopHostsTable(sandbox: Sandbox, nodeManagers: number, hdfs: boolean): Array<HadoopHost & { ipAddress: string }> {
  return hadoopHosts(nodeManagers, hdfs).map((h) => {
    const nm = /^nodemanager-(\d+)$/.exec(h.container);
    return { ...h, ipAddress: nm ? nodeManagerAddress(sandbox, Number(nm[1]) - 1) : sandbox.address(FIXED[h.container]) };
  });
}

/** Parses `yarn node -list` output: "Node-Id  Node-State  Node-Http-Address  Number-of-Running-Containers". */
export function parseNodeList(out: string): YarnNode[] {
  const nodes: YarnNode[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\S+):(\d+)\s+([A-Z_]+)\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (m) nodes.push({ id: `${m[1]}:${m[2]}`, host: m[1], state: m[3], httpAddress: m[4], runningContainers: Number(m[5]) });
  }
  return nodes;
}

/** A site file; 0600 for one that holds a password (the daemons' user reads it). */
const xml = (name: string, conf: SiteConfig, mode = 0o644): FileSpec => ({ content: renderSiteXml(conf), target: `${HADOOP_CONF_DIR}/${name}`, mode });

/** The site files of one container; in Kerberos mode with HDFS's and the security settings. */
function siteFiles(o: YarnSiteOptions & { dataNode?: string }, labels: string[], secure?: SecureHadoopSpec): FileSpec[] {
  if (!secure) return [xml('core-site.xml', coreSite()), xml('yarn-site.xml', yarnSite(o)), xml('capacity-scheduler.xml', capacityScheduler(labels))];
  return [
    xml('core-site.xml', { ...coreSite(), ...secureCoreSite({ authentication: secure.authentication }) }),
    xml('hdfs-site.xml', hdfsSite({ dataNode: o.dataNode, tokens: secure.tokens })),
    xml('yarn-site.xml', { ...yarnSite(o), ...secureYarnSite() }),
    xml('capacity-scheduler.xml', capacityScheduler(labels)),
    xml('ssl-client.xml', sslClient(), 0o600),
    { content: secure.tls.ca.truststore(HADOOP_STORE_PASSWORD), target: HADOOP_TRUSTSTORE, mode: 0o644 },
  ];
}

/** A daemon's own key material: its host's keytab, the daemons' krb5.conf, HTTPS for HDFS's web servers. */
function daemonFiles(secure: SecureHadoopSpec | undefined, host: string): FileSpec[] {
  if (!secure) return [];
  const keytab = secure.keytabs[hostKeytabFile(host)];
  if (!keytab) throw new Error(`no keytab for ${host} (the KDC exported ${Object.keys(secure.keytabs).join(', ')})`);
  const tls = secure.tls.hosts[host];
  return [
    { content: keytab, target: HOST_KEYTAB, mode: 0o600 },
    { content: secure.krb5Conf, target: DAEMON_KRB5_CONF, mode: 0o644 },
    ...(tls ? [xml('ssl-server.xml', sslServer(), 0o600), { content: tls.keystore(HADOOP_STORE_PASSWORD), target: HADOOP_KEYSTORE, mode: 0o600 }] : []),
  ];
}

/**
 * A Hadoop YARN cluster on the sandbox network: a ResourceManager, NodeManagers and a client
 * container (Flink's CLI with HADOOP_CLASSPATH, Hadoop's yarn command), started in parallel.
 * Ready means `yarn node -list` from the client shows every NodeManager RUNNING.
 */
export class YarnCluster {
  private constructor(
    private readonly sandbox: Sandbox,
    readonly client: NodeHandle,
    readonly resourceManager: NodeHandle,
    readonly nodeManagers: Map<string, NodeHandle>,
    readonly labels: boolean,
    /** Kerberos mode: HDFS's NameNode and DataNode. */
    readonly hdfs?: { nameNode: NodeHandle; dataNode: NodeHandle },
  ) {}

  get secure(): boolean {
    return this.hdfs !== undefined;
  }

  static async start(sandbox: Sandbox, spec: YarnClusterSpec): Promise<YarnCluster> {
    const count = spec.nodeManagers ?? 2;
    const secure = spec.secure;
    const hosts = Array.from({ length: count }, (_, i) => nodeManagerHost(i));
    const labels = spec.nodeLabels ? hosts.map(nodeLabel) : [];
    const table = hadoopHostsTable(sandbox, count, !!secure);
    const extraHosts = table.map(({ host, ipAddress }) => ({ host, ipAddress }));
    // One entry per container: its name, the host name it knows itself by, its fixed address.
    const node = (container: string) => {
      const e = table.find((t) => t.container === container) as { host: string; ipAddress: string };
      return { name: container, hostname: e.host, aliases: [e.host, container], ipv4: e.ipAddress, extraHosts, image: spec.image };
    };
    await sandbox.createVolume('staging');
    const staging = [{ volume: 'staging', target: STAGING_DIR }];
    const trust = (spec.proxyTrustPems ?? []).map((pem, i) => ({ content: pem, target: `/etc/fss/proxy-trust/ca-${i + 1}.pem`, mode: 0o644 }));
    const rmFiles = [...siteFiles({ nodeLabels: spec.nodeLabels }, labels, secure), ...daemonFiles(secure, RESOURCE_MANAGER_HOST), ...trust];
    // The client node has a krb5.conf of its own (kinit, Flink's CLI); the cluster's nodes do not.
    const clientKrb5 = secure ? [{ content: secure.krb5Conf, target: '/etc/krb5.conf', mode: 0o644 }] : [];
    const hdfsNodes = secure
      ? [
          sandbox.start({ ...node(NAMENODE), command: ['namenode'], files: [...siteFiles({}, labels, secure), ...daemonFiles(secure, NAMENODE_HOST)], readyLog: /STARTUP_MSG/ }),
          sandbox.start({ ...node(DATANODE), command: ['datanode'], files: [...siteFiles({ dataNode: DATANODE_HOST }, labels, secure), ...daemonFiles(secure, DATANODE_HOST)], readyLog: /STARTUP_MSG/ }),
        ]
      : [];
    const [rm, client, ...rest] = await Promise.all([
      sandbox.start({ ...node(RESOURCE_MANAGER), command: ['resourcemanager'], files: rmFiles, readyLog: /Transitioned to active state|ResourceManager: STARTUP_MSG/ }),
      sandbox.start({ ...node(YARN_CLIENT), command: ['client'], files: [...siteFiles({}, labels, secure), ...clientKrb5, ...(spec.clientFiles ?? [])], volumes: staging, readyLog: /yarn-client-ready/ }),
      ...hosts.map((h, i) =>
        sandbox.start({ ...node(nodeManagerName(i)), command: ['nodemanager'], files: [...siteFiles({ nodeManager: h, vcores: spec.vcores }, labels, secure), ...daemonFiles(secure, h)], volumes: staging, readyLog: /STARTUP_MSG/ }),
      ),
      ...hdfsNodes,
    ]);
    const nms = rest.slice(0, count);
    const hdfs = secure ? { nameNode: rest[count], dataNode: rest[count + 1] } : undefined;
    const cluster = new YarnCluster(sandbox, client, rm, new Map(hosts.map((h, i) => [h, nms[i]])), labels.length > 0, hdfs);
    try {
      if (secure) await cluster.kinitHarness(secure.operator);
      await Promise.all([cluster.waitForNodes(count), secure ? cluster.prepareHdfs(secure.homes, secure.authentication === 'simple') : undefined]);
    } catch (e) {
      throw new Error(`${(e as Error).message}${kdcRefusals(sandbox.logOf('kdc'))}`);
    }
    if (spec.nodeLabels) await cluster.labelNodes(hosts);
    return cluster;
  }

  /** The harness's own ticket (its own cache): its yarn and hdfs commands run as the operator. */
  private async kinitHarness(operator: { name: string; password: string }): Promise<void> {
    const r = await this.client.exec(['sh', '-c', `printf '%s\\n' "$FSS_PW" | kinit ${shellQuote(principal(operator.name))} >/dev/null`], { env: { KRB5CCNAME: HARNESS_CCACHE, FSS_PW: operator.password } });
    if (r.exitCode !== 0) throw new Error(`kinit ${principal(operator.name)} in the YARN client failed: ${r.output.trim()}`);
  }

  /**
   * HDFS ready for users: the DataNode registered, home folders and /tmp made by the NameNode's
   * own principal (HDFS's superuser), with the NameNode's keytab, inside its container.
   */
  private async prepareHdfs(homes: string[], simple: boolean, deadlineMs = 90_000): Promise<void> {
    const nn = this.hdfs?.nameNode as NodeHandle;
    const secs = Math.ceil(deadlineMs / 1000);
    const script = [
      'set -e',
      `kinit -kt ${HOST_KEYTAB} ${shellQuote(principal(`hdfs/${NAMENODE_HOST}`))}`,
      `timeout ${secs} sh -c 'until hdfs dfsadmin -report -live 2>/dev/null | grep -q "^Live datanodes (1)"; do sleep 1; done' || { echo "no live DataNode after ${secs}s"; exit 1; }`,
      `hdfs dfs -mkdir -p /tmp ${homes.map((h) => `/user/${h}`).join(' ')}`,
      'hdfs dfs -chmod 1777 /tmp',
      ...homes.map((h) => `hdfs dfs -chown ${h}:${h} /user/${h}`),
    ].join('\n');
    // Without Kerberos (the fault) HDFS believes the name it is told; its superuser is then the
    // NameNode's Unix user (flink, see hadoop-entrypoint), not its principal's short name.
    const env: Record<string, string> = { KRB5CCNAME: 'FILE:/tmp/fss-hdfs-admin.ccache', KRB5_CONFIG: DAEMON_KRB5_CONF, ...(simple ? { HADOOP_USER_NAME: 'flink' } : {}) };
    const r = await nn.exec(['sh', '-c', script], { env });
    if (r.exitCode !== 0) throw new Error(`HDFS not ready: ${r.output.trim().split('\n').slice(-3).join(' ')}`);
  }

  /** Hadoop's yarn command in the client container (in Kerberos mode with the harness's ticket). */
  yarn(args: string[], env?: Record<string, string>): Promise<ExecResult> {
    return this.client.exec(['/opt/hadoop/bin/yarn', ...args], { env: { ...(this.secure ? { KRB5CCNAME: HARNESS_CCACHE } : {}), ...env } });
  }

  /** Hadoop's hdfs command in the client container (with the harness's ticket unless env says otherwise). */
  hdfsCommand(args: string[], env?: Record<string, string>): Promise<ExecResult> {
    return this.client.exec(['/opt/hadoop/bin/hdfs', ...args], { env: { KRB5CCNAME: HARNESS_CCACHE, ...env } });
  }

  async nodeList(): Promise<YarnNode[]> {
    return parseNodeList((await this.yarn(['node', '-list', '-all'])).stdout);
  }

  /** Polls `yarn node -list` until `count` NodeManagers are RUNNING; a daemon that dies fails it at once. */
  async waitForNodes(count: number, deadlineMs = 90_000): Promise<YarnNode[]> {
    const names = [RESOURCE_MANAGER, ...[...this.nodeManagers.keys()].map((_, i) => nodeManagerName(i)), ...(this.secure ? [NAMENODE, DATANODE] : [])];
    const watch = this.sandbox.watchExits(names);
    const deadline = Date.now() + deadlineMs;
    try {
      const poll = async (): Promise<YarnNode[]> => {
        let last: YarnNode[] = [];
        while (Date.now() < deadline) {
          last = await this.nodeList();
          if (last.filter((n) => n.state === 'RUNNING').length >= count) return last;
          await new Promise((r) => setTimeout(r, 1000));
        }
        throw new Error(`YARN: ${last.filter((n) => n.state === 'RUNNING').length} of ${count} NodeManagers RUNNING after ${deadlineMs / 1000}s (yarn node -list: ${last.map((n) => `${n.id} ${n.state}`).join(', ') || 'none'})`);
      };
      return await Promise.race([poll(), watch.exited]);
    } finally {
      watch.stop();
    }
  }

  /** Centralized node labels: each NodeManager gets its own (exclusive) partition. */
  private async labelNodes(hosts: string[]): Promise<void> {
    const run = async (args: string[]) => {
      const r = await this.yarn(['rmadmin', ...args]);
      if (r.exitCode !== 0) throw new Error(`yarn rmadmin ${args.join(' ')} failed: ${r.output.trim().split('\n').pop()}`);
    };
    await run(['-addToClusterNodeLabels', hosts.map(nodeLabel).join(',')]);
    await run(['-replaceLabelsOnNode', hosts.map((h) => `${h}=${nodeLabel(h)}`).join(' ')]);
  }

  /** The NodeManager container of a host name YARN reported. */
  nodeManager(host: string): NodeHandle {
    const nm = this.nodeManagers.get(host);
    if (!nm) throw new Error(`no NodeManager ${host} in this cluster (${[...this.nodeManagers.keys()].join(', ')})`);
    return nm;
  }
}

/** The KDC's own words about refused requests (unknown principals, wrong keys), for a start that failed. */
export function kdcRefusals(kdcLog: string): string {
  const lines = kdcLog.split('\n').filter((l) => /UNKNOWN_SERVER|CLIENT_NOT_FOUND|PREAUTH_FAILED|S_PRINCIPAL_UNKNOWN|C_PRINCIPAL_UNKNOWN|BAD_ENCRYPTION_TYPE|SKEW/.test(l));
  return lines.length ? `; the KDC said: ${lines.slice(-2).map((l) => l.replace(/^.*?krb5kdc\[\d+\]\(\w+\): /, '').trim()).join(' | ')}` : '';
}
