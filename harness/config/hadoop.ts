/**
 * Hadoop's site files for the sandbox's YARN cluster: a ResourceManager, NodeManagers, and a
 * staging folder shared by the client and every NodeManager (fs.defaultFS = file:///, as Flink's
 * own MiniYARNCluster tests run; see docs/yarn.md).
 */
export type SiteConfig = Record<string, string | number | boolean>;

export const RESOURCE_MANAGER = 'resourcemanager';
export const YARN_CLIENT = 'yarn-client';
/** The cluster's domain: names a wildcard certificate (one label deep) can cover, and Kerberos principals carry. */
export const YARN_DOMAIN = 'yarn.test';
export const RESOURCE_MANAGER_HOST = `${RESOURCE_MANAGER}.${YARN_DOMAIN}`;
export const YARN_CLIENT_HOST = `${YARN_CLIENT}.${YARN_DOMAIN}`;
/** A NodeManager's container name … */
export const nodeManagerName = (i: number) => `nodemanager-${i + 1}`;
/** … and the host name it advertises (where YARN says Flink's containers run). */
export const nodeManagerHost = (i: number) => `${nodeManagerName(i)}.${YARN_DOMAIN}`;
/** The RM's web UI, REST API (/ws/v1/cluster) and web proxy (/proxy/<application>). */
export const RM_WEB_PORT = 8088;
/** A Docker volume mounted here in the client and every NodeManager: Flink's staging area. */
export const STAGING_DIR = '/var/lib/fss-staging';
export const HADOOP_CONF_DIR = '/opt/hadoop/etc/hadoop';

/**
 * Resources per NodeManager. With the dominant-resource calculator a container needs vcores too:
 * the JobManager takes 1, a TaskManager with 2 slots takes 2, so a node holds the JobManager and
 * one TaskManager, or one TaskManager: two TaskManagers always land on both nodes.
 */
export const NODE_VCORES = 3;
export const NODE_MEMORY_MB = 4096;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Hadoop configuration file (core-site.xml, yarn-site.xml, …), keys sorted. */
export function renderSiteXml(conf: SiteConfig): string {
  const props = Object.keys(conf)
    .sort()
    .map((k) => `  <property><name>${escapeXml(k)}</name><value>${escapeXml(String(conf[k]))}</value></property>`);
  return ['<?xml version="1.0"?>', '<!-- Rendered by flink-security-sandbox -->', '<configuration>', ...props, '</configuration>', ''].join('\n');
}

export function coreSite(): SiteConfig {
  return {
    'fs.defaultFS': 'file:///',
    'hadoop.tmp.dir': '/var/lib/hadoop/tmp',
  };
}

export interface YarnSiteOptions {
  /** The NodeManager this file is for (its advertised host name); absent for RM and client. */
  nodeManager?: string;
  /** Its vcores (default NODE_VCORES). */
  vcores?: number;
  /** Centralized node labels (placement control for the JobManager). */
  nodeLabels?: boolean;
}

export function yarnSite(o: YarnSiteOptions = {}): SiteConfig {
  const conf: SiteConfig = {
    'yarn.resourcemanager.hostname': RESOURCE_MANAGER_HOST,
    'yarn.resourcemanager.webapp.address': `${RESOURCE_MANAGER_HOST}:${RM_WEB_PORT}`,
    // Containers get the NodeManager's Hadoop: the jars of the image, not a tarball's layout.
    'yarn.application.classpath': `${HADOOP_CONF_DIR},/opt/hadoop/lib/*`,
    'yarn.nodemanager.resource.memory-mb': NODE_MEMORY_MB,
    'yarn.nodemanager.resource.cpu-vcores': o.vcores ?? NODE_VCORES,
    'yarn.scheduler.minimum-allocation-mb': 256,
    'yarn.scheduler.maximum-allocation-mb': NODE_MEMORY_MB,
    // JVMs reserve far more virtual memory than they use; the check would kill Flink at random.
    'yarn.nodemanager.vmem-check-enabled': false,
    'yarn.nodemanager.pmem-check-enabled': false,
    // A laptop's full disk must not mark the node unhealthy (the default stops at 90 %).
    'yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage': 99.5,
    'yarn.nodemanager.local-dirs': '/var/lib/hadoop/nm-local',
    'yarn.nodemanager.log-dirs': '/var/lib/hadoop/nm-logs',
    // Node status every second: registration and container starts show up sooner.
    'yarn.resourcemanager.nodemanagers.heartbeat-interval-ms': 500,
    'yarn.nodemanager.container-monitor.interval-ms': 1000,
    // Flink's containers exit when the application ends; keep nothing around.
    'yarn.nodemanager.delete.debug-delay-sec': 0,
    'yarn.log-aggregation-enable': false,
    'yarn.resourcemanager.am.max-attempts': 1,
  };
  if (o.nodeManager) {
    conf['yarn.nodemanager.hostname'] = o.nodeManager;
  }
  if (o.nodeLabels) {
    conf['yarn.node-labels.enabled'] = true;
    conf['yarn.node-labels.fs-store.root-dir'] = 'file:///var/lib/hadoop/node-labels';
  }
  return conf;
}

/** One label per NodeManager, named after it (`nodemanager-1.yarn.test` → `nm1`). */
export const nodeLabel = (nodeManager: string) => nodeManager.replace(/^nodemanager-(\d+).*$/, 'nm$1');

/**
 * The CapacityScheduler's one queue; dominant resources (see NODE_VCORES); the application
 * master may take the whole queue (the default 10 % is less than one JobManager here).
 */
export function capacityScheduler(labels: string[] = []): SiteConfig {
  const conf: SiteConfig = {
    'yarn.scheduler.capacity.root.queues': 'default',
    'yarn.scheduler.capacity.root.default.capacity': 100,
    'yarn.scheduler.capacity.root.default.maximum-capacity': 100,
    'yarn.scheduler.capacity.maximum-am-resource-percent': 1.0,
    'yarn.scheduler.capacity.resource-calculator': 'org.apache.hadoop.yarn.util.resource.DominantResourceCalculator',
    'yarn.scheduler.capacity.node-locality-delay': 0,
  };
  if (labels.length) {
    conf['yarn.scheduler.capacity.root.default.accessible-node-labels'] = labels.join(',');
    for (const l of labels) {
      conf[`yarn.scheduler.capacity.root.default.accessible-node-labels.${l}.capacity`] = 100;
    }
  }
  return conf;
}
