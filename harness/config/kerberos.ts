import { shellQuote } from './shell';

/**
 * MIT Kerberos files for the sandbox's realm: krb5.conf (every client and service), kdc.conf
 * and the KDC's bootstrap script (realm, principals, keytabs), all rendered here so that host
 * names, principals and the realm agree by construction.
 */
export const REALM = 'SANDBOX.TEST';
/** The sandbox network's DNS domain: every Kerberized host is <name>.sandbox.test. */
export const DOMAIN = 'sandbox.test';
/**
 * The names the Kerberized services are reached by, from one domain: principals, krb5.conf and
 * clients agree by construction. Docker: `sandbox.test` (network aliases); Kubernetes: the
 * namespace's Service domain, `<ns>.svc.cluster.local`.
 */
export interface RealmHosts {
  domain: string;
  kdc: string;
  kafka: string;
}
export const realmHosts = (domain: string): RealmHosts => ({ domain, kdc: `kdc.${domain}`, kafka: `kafka.${domain}` });
export const SANDBOX_HOSTS = realmHosts(DOMAIN);
export const KDC_HOST = SANDBOX_HOSTS.kdc;
export const KDC_PORT = 88;
export const KEYTAB_DIR = '/keytabs';

export interface Krb5Options {
  /**
   * The fault: let the client canonicalise the service's host name by DNS (forward and
   * reverse), as MIT's defaults do. In a container network the reverse name of the broker's
   * address is the container's name, not the name its principal carries.
   */
  canonicalize?: boolean;
  hosts?: RealmHosts;
}

export function renderKrb5Conf(o: Krb5Options = {}): string {
  const dns = o.canonicalize ? 'true' : 'false';
  const h = o.hosts ?? SANDBOX_HOSTS;
  return [
    '[libdefaults]',
    `  default_realm = ${REALM}`,
    '  dns_lookup_kdc = false',
    '  dns_lookup_realm = false',
    `  rdns = ${dns}`,
    `  dns_canonicalize_hostname = ${dns}`,
    // TCP only: no UDP fragments between containers, and the same path Java takes.
    '  udp_preference_limit = 1',
    '  ticket_lifetime = 1h',
    '  forwardable = true',
    '',
    '[realms]',
    `  ${REALM} = {`,
    `    kdc = ${h.kdc}:${KDC_PORT}`,
    `    admin_server = ${h.kdc}`,
    '  }',
    '',
    '[domain_realm]',
    `  .${h.domain} = ${REALM}`,
    `  ${h.domain} = ${REALM}`,
    '',
  ].join('\n');
}

/** `preauth: false` is the fault: principals without pre-authentication. */
export function renderKdcConf(o: { preauth?: boolean } = {}): string {
  return [
    '[kdcdefaults]',
    `  kdc_ports = ${KDC_PORT}`,
    `  kdc_tcp_ports = ${KDC_PORT}`,
    '',
    '[realms]',
    `  ${REALM} = {`,
    '    database_name = /var/lib/krb5kdc/principal',
    `    key_stash_file = /var/lib/krb5kdc/.k5.${REALM}`,
    '    max_life = 1h',
    // Pre-authentication for every principal: without it the KDC hands anyone an AS-REP to
    // attack offline, and a wrong password is only noticed by the client.
    `    default_principal_flags = ${o.preauth === false ? '-' : '+'}preauth`,
    '    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal',
    '  }',
    '',
    // Every AS/TGS request and its outcome (CLIENT_NOT_FOUND, PREAUTH_FAILED, UNKNOWN_SERVER)
    // lands in the container log: the KDC's side of each refusal.
    '[logging]',
    '  kdc = STDERR',
    '',
  ].join('\n');
}

export interface PrincipalSpec {
  /** Without realm: `kafka/kafka.sandbox.test`, `client`. */
  name: string;
  /**
   * Keytab file name under KEYTAB_DIR. Several principals may share one file (a host's services).
   * None: the principal exists with its password only (a person who runs kinit).
   */
  keytab?: string;
  /** A password (so kinit with a password works too); otherwise a random key. */
  password?: string;
  /** A keytab exported before the key was changed: right principal, stale key. */
  staleKeytab?: string;
  /** Exported, then the principal deleted: a keytab the KDC no longer knows. */
  deleted?: boolean;
}

export const principal = (name: string) => `${name}@${REALM}`;

/** Every keytab file the KDC exports for these principals (stale ones included). */
export const keytabFiles = (principals: PrincipalSpec[]) => [...new Set(principals.flatMap((p) => [...(p.staleKeytab ? [p.staleKeytab] : []), ...(p.keytab ? [p.keytab] : [])]))];

/** The KDC container's command: create the realm, principals and keytabs, then serve. */
export function renderKdcInit(principals: PrincipalSpec[], masterPassword: string): string {
  const q = (cmd: string) => `kadmin.local -q ${shellQuote(cmd)} >/dev/null`;
  const lines = [
    '#!/bin/sh',
    'set -eu',
    'export KRB5_CONFIG=/etc/krb5.conf KRB5_KDC_PROFILE=/etc/krb5kdc/kdc.conf',
    `mkdir -p /var/lib/krb5kdc ${KEYTAB_DIR}`,
    `kdb5_util create -s -r ${REALM} -P ${shellQuote(masterPassword)} >/dev/null`,
  ];
  for (const p of principals) {
    const full = principal(p.name);
    lines.push(q(p.password ? `addprinc -pw ${p.password} ${full}` : `addprinc -randkey ${full}`));
    // ktadd changes the key (and its version) unless -norandkey; a stale keytab is one
    // exported before that change.
    if (p.staleKeytab) lines.push(q(`ktadd -k ${KEYTAB_DIR}/${p.staleKeytab} ${full}`));
    if (p.keytab) lines.push(q(`ktadd ${p.password ? '-norandkey ' : ''}-k ${KEYTAB_DIR}/${p.keytab} ${full}`));
    if (p.deleted) lines.push(q(`delprinc -force ${full}`));
  }
  // kadmin.local -q exits 0 even when a query fails: check that every keytab is there.
  lines.push(`for f in ${keytabFiles(principals).join(' ')}; do [ -s ${KEYTAB_DIR}/$f ] || { echo "fss-kdc: keytab $f was not written" >&2; exit 1; }; done`);
  lines.push(`chmod 600 ${KEYTAB_DIR}/*`);
  lines.push('echo "fss-kdc: realm ready"');
  lines.push('exec krb5kdc -n');
  return lines.join('\n') + '\n';
}
