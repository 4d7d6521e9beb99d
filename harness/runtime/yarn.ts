import { capacityScheduler, coreSite, HADOOP_CONF_DIR, nodeLabel, nodeManagerHost, nodeManagerName, renderSiteXml, RESOURCE_MANAGER, STAGING_DIR, YARN_CLIENT, yarnSite, YarnSiteOptions } from '../config/hadoop';
import { ExecResult, NodeHandle } from './node';
import { FileSpec, Sandbox } from './sandbox';

export interface YarnClusterSpec {
  image: string | Promise<string>;
  nodeManagers?: number;
  /** One node label per NodeManager (`nm1`, `nm2`): lets a run choose where the JobManager lands. */
  nodeLabels?: boolean;
  /** vcores per NodeManager (default: NODE_VCORES, which spreads two TaskManagers over both). */
  vcores?: number;
  /** CAs for the ResourceManager node's Java default truststore (what its web proxy trusts). */
  proxyTrustPems?: string[];
  /** NodeManagers at fixed addresses (nodeManagerAddress), for certificates that name them. */
  fixedAddresses?: boolean;
  /** The client's files: Flink's configuration, the key material it ships. */
  clientFiles?: FileSpec[];
}

/** A NodeManager as `yarn node -list` reports it. */
export interface YarnNode {
  id: string;
  host: string;
  state: string;
  httpAddress: string;
  runningContainers: number;
}

/** A NodeManager's fixed address on the sandbox network (YarnClusterSpec.fixedAddresses). */
export const nodeManagerAddress = (sandbox: Sandbox, i: number) => sandbox.address(20 + i);

/** Parses `yarn node -list` output: "Node-Id  Node-State  Node-Http-Address  Number-of-Running-Containers". */
export function parseNodeList(out: string): YarnNode[] {
  const nodes: YarnNode[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\S+):(\d+)\s+([A-Z_]+)\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (m) nodes.push({ id: `${m[1]}:${m[2]}`, host: m[1], state: m[3], httpAddress: m[4], runningContainers: Number(m[5]) });
  }
  return nodes;
}

const site = (name: string, content: string): FileSpec => ({ content, target: `${HADOOP_CONF_DIR}/${name}`, mode: 0o644 });

function siteFiles(o: YarnSiteOptions, labels: string[]): FileSpec[] {
  return [site('core-site.xml', renderSiteXml(coreSite())), site('yarn-site.xml', renderSiteXml(yarnSite(o))), site('capacity-scheduler.xml', renderSiteXml(capacityScheduler(labels)))];
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
  ) {}

  static async start(sandbox: Sandbox, spec: YarnClusterSpec): Promise<YarnCluster> {
    const count = spec.nodeManagers ?? 2;
    const hosts = Array.from({ length: count }, (_, i) => nodeManagerHost(i));
    const labels = spec.nodeLabels ? hosts.map(nodeLabel) : [];
    await sandbox.createVolume('staging');
    const staging = [{ volume: 'staging', target: STAGING_DIR }];
    const trust = (spec.proxyTrustPems ?? []).map((pem, i) => ({ content: pem, target: `/etc/fss/proxy-trust/ca-${i + 1}.pem`, mode: 0o644 }));
    const rmFiles = [...siteFiles({ nodeLabels: spec.nodeLabels }, labels), ...trust];
    const [rm, client, ...nms] = await Promise.all([
      sandbox.start({ name: RESOURCE_MANAGER, hostname: RESOURCE_MANAGER, image: spec.image, command: ['resourcemanager'], files: rmFiles, readyLog: /Transitioned to active state|ResourceManager: STARTUP_MSG/ }),
      sandbox.start({ name: YARN_CLIENT, hostname: YARN_CLIENT, image: spec.image, command: ['client'], files: [...siteFiles({}, labels), ...(spec.clientFiles ?? [])], volumes: staging, readyLog: /yarn-client-ready/ }),
      ...hosts.map((h, i) =>
        sandbox.start({ name: nodeManagerName(i), hostname: h, aliases: [h, nodeManagerName(i)], ipv4: spec.fixedAddresses ? nodeManagerAddress(sandbox, i) : undefined, image: spec.image, command: ['nodemanager'], files: siteFiles({ nodeManager: h, vcores: spec.vcores }, labels), volumes: staging, readyLog: /STARTUP_MSG/ }),
      ),
    ]);
    const cluster = new YarnCluster(sandbox, client, rm, new Map(hosts.map((h, i) => [h, nms[i]])), labels.length > 0);
    await cluster.waitForNodes(count);
    if (spec.nodeLabels) await cluster.labelNodes(hosts);
    return cluster;
  }

  /** Hadoop's yarn command in the client container. */
  yarn(args: string[]): Promise<ExecResult> {
    return this.client.exec(['/opt/hadoop/bin/yarn', ...args]);
  }

  async nodeList(): Promise<YarnNode[]> {
    return parseNodeList((await this.yarn(['node', '-list', '-all'])).stdout);
  }

  /** Polls `yarn node -list` until `count` NodeManagers are RUNNING; a daemon that dies fails it at once. */
  async waitForNodes(count: number, deadlineMs = 90_000): Promise<YarnNode[]> {
    const names = [RESOURCE_MANAGER, ...[...this.nodeManagers.keys()].map((_, i) => nodeManagerName(i))];
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
