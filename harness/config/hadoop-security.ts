/**
 * Hadoop in Kerberos mode for the sandbox's YARN cluster: HDFS (a NameNode, a DataNode), the
 * service principals of every host, the daemons' keytabs, and HDFS's SASL data transfer
 * protection with HTTPS (what a DataNode needs when it runs without root on ordinary ports).
 *
 * Principals and host names come from one table (hadoopHosts): each daemon's principal is
 * `<service>/_HOST@REALM`, and every Hadoop container resolves every Hadoop host forward and
 * backward from the same table (/etc/hosts), so `_HOST` is the same name on both sides of every
 * connection. A mismatch there (`Server not found in Kerberos database`) is the classic failure of
 * Kerberized Hadoop in containers.
 */
import { HADOOP_CONF_DIR, nodeManagerHost, nodeManagerName, RESOURCE_MANAGER, RESOURCE_MANAGER_HOST, SiteConfig, YARN_CLIENT, YARN_CLIENT_HOST, YARN_DOMAIN } from './hadoop';
import { PrincipalSpec, REALM } from './kerberos';

export const NAMENODE = 'namenode';
export const DATANODE = 'datanode';
export const NAMENODE_HOST = `${NAMENODE}.${YARN_DOMAIN}`;
export const DATANODE_HOST = `${DATANODE}.${YARN_DOMAIN}`;
export const NAMENODE_RPC_PORT = 8020;
export const NAMENODE_HTTPS_PORT = 9871;
export const DATANODE_HTTPS_PORT = 9865;
export const HDFS_URI = `hdfs://${NAMENODE_HOST}:${NAMENODE_RPC_PORT}`;

/** In each daemon's container: its host's keytab (0400, the daemons' user) and HDFS's SSL stores. */
export const SECURE_DIR = `${HADOOP_CONF_DIR}/secure`;
export const HOST_KEYTAB = `${SECURE_DIR}/host.keytab`;
export const HADOOP_KEYSTORE = `${SECURE_DIR}/ssl.keystore`;
export const HADOOP_TRUSTSTORE = `${HADOOP_CONF_DIR}/ssl.truststore`;
/** The daemons' krb5.conf: the nodes themselves have none (see hadoop-entrypoint). */
export const DAEMON_KRB5_CONF = `${HADOOP_CONF_DIR}/krb5.conf`;
// Demo values for HDFS's SSL stores (printed in the README): never for real use.
export const HADOOP_STORE_PASSWORD = 'hadoop_store_demo_password';

/** A Kerberized host of the cluster: its container, the name it is known by, its principals. */
export interface HadoopHost {
  container: string;
  host: string;
  /**
   * Service short names: `hdfs`, `yarn`. No `HTTP/` (SPNEGO): the web servers keep Hadoop's
   * default `hadoop.http.authentication.type: simple` (the harness reads the RM's REST API).
   */
  services: string[];
}

/**
 * Every Hadoop host of a cluster with `nodeManagers` NodeManagers (and HDFS when asked): the one
 * table the principals, each container's host name and every container's /etc/hosts come from.
 */
export function hadoopHosts(nodeManagers: number, hdfs = true): HadoopHost[] {
  return [
    ...(hdfs
      ? [
          { container: NAMENODE, host: NAMENODE_HOST, services: ['hdfs'] },
          { container: DATANODE, host: DATANODE_HOST, services: ['hdfs'] },
        ]
      : []),
    { container: RESOURCE_MANAGER, host: RESOURCE_MANAGER_HOST, services: ['yarn'] },
    { container: YARN_CLIENT, host: YARN_CLIENT_HOST, services: [] },
    ...Array.from({ length: nodeManagers }, (_, i) => ({ container: nodeManagerName(i), host: nodeManagerHost(i), services: ['yarn'] })),
  ];
}

/** The keytab file the KDC exports for a host (all its service principals in one file). */
export const hostKeytabFile = (host: string) => `${host}.keytab`;

/** The realm's principals for these hosts: `<service>/<host>`, one keytab per host. */
export function servicePrincipals(hosts: HadoopHost[]): PrincipalSpec[] {
  return hosts.flatMap((h) => h.services.map((s) => ({ name: `${s}/${h.host}`, keytab: hostKeytabFile(h.host) })));
}

const HOST_PRINCIPAL = (service: string) => `${service}/_HOST@${REALM}`;

/** core-site.xml additions: HDFS as the default file system, Kerberos, service authorization. */
export function secureCoreSite(o: { authentication?: 'kerberos' | 'simple' } = {}): SiteConfig {
  return {
    'fs.defaultFS': HDFS_URI,
    'hadoop.security.authentication': o.authentication ?? 'kerberos',
    'hadoop.security.authorization': true,
    // Principals map to short names by the realm's default rule: hdfs/<host>@REALM → hdfs.
    'hadoop.security.auth_to_local': 'DEFAULT',
  };
}

/**
 * HDFS delegation tokens: a token dies `renewIntervalMs` after its issue or last renewal, and
 * cannot be renewed past `maxLifetimeMs` (Hadoop's defaults: 1 day and 7 days).
 */
export interface TokenLifetimes {
  renewIntervalMs: number;
  maxLifetimeMs: number;
}

export interface HdfsSiteOptions {
  /** The DataNode this file is for (its advertised host name). */
  dataNode?: string;
  /** Shortened delegation tokens (milliseconds), so a run sees them expire. */
  tokens?: TokenLifetimes;
}

export function hdfsSite(o: HdfsSiteOptions = {}): SiteConfig {
  const conf: SiteConfig = {
    'dfs.replication': 1,
    'dfs.namenode.name.dir': 'file:///var/lib/hadoop/nn',
    'dfs.datanode.data.dir': 'file:///var/lib/hadoop/dn',
    'dfs.namenode.rpc-address': `${NAMENODE_HOST}:${NAMENODE_RPC_PORT}`,
    'dfs.namenode.https-address': `${NAMENODE_HOST}:${NAMENODE_HTTPS_PORT}`,
    // One DataNode and no blocks yet: leave safe mode at once.
    'dfs.namenode.safemode.extension': 0,
    'dfs.namenode.kerberos.principal': HOST_PRINCIPAL('hdfs'),
    'dfs.namenode.keytab.file': HOST_KEYTAB,
    'dfs.datanode.kerberos.principal': HOST_PRINCIPAL('hdfs'),
    'dfs.datanode.keytab.file': HOST_KEYTAB,
    // Kerberos mode requires block access tokens; the SASL handshake of data transfer uses them.
    'dfs.block.access.token.enable': true,
    // A DataNode without root (no privileged ports, no jsvc) is secure only with SASL on its
    // data transfer port and HTTPS only on its web server: it refuses to start otherwise.
    'dfs.data.transfer.protection': 'authentication',
    'dfs.http.policy': 'HTTPS_ONLY',
    'dfs.datanode.https.address': `0.0.0.0:${DATANODE_HTTPS_PORT}`,
  };
  if (o.dataNode) conf['dfs.datanode.hostname'] = o.dataNode;
  if (o.tokens) {
    conf['dfs.namenode.delegation.token.renew-interval'] = o.tokens.renewIntervalMs;
    conf['dfs.namenode.delegation.token.max-lifetime'] = o.tokens.maxLifetimeMs;
  }
  return conf;
}

/** yarn-site.xml additions: the ResourceManager's and NodeManagers' principals and keytabs. */
export function secureYarnSite(): SiteConfig {
  return {
    'yarn.resourcemanager.principal': HOST_PRINCIPAL('yarn'),
    'yarn.resourcemanager.keytab': HOST_KEYTAB,
    'yarn.nodemanager.principal': HOST_PRINCIPAL('yarn'),
    'yarn.nodemanager.keytab': HOST_KEYTAB,
  };
}

/** ssl-server.xml: the HTTPS stores of HDFS's web servers (NameNode, DataNode). */
export function sslServer(): SiteConfig {
  return {
    'ssl.server.keystore.location': HADOOP_KEYSTORE,
    'ssl.server.keystore.password': HADOOP_STORE_PASSWORD,
    'ssl.server.keystore.keypassword': HADOOP_STORE_PASSWORD,
    'ssl.server.keystore.type': 'pkcs12',
    'ssl.server.truststore.location': HADOOP_TRUSTSTORE,
    'ssl.server.truststore.password': HADOOP_STORE_PASSWORD,
    'ssl.server.truststore.type': 'pkcs12',
  };
}

/** ssl-client.xml: what HDFS's HTTPS clients trust (the sandbox's Hadoop CA). */
export function sslClient(): SiteConfig {
  return {
    'ssl.client.truststore.location': HADOOP_TRUSTSTORE,
    'ssl.client.truststore.password': HADOOP_STORE_PASSWORD,
    'ssl.client.truststore.type': 'pkcs12',
  };
}
