import { NodeHandle } from './node';
import { KDC_PORT, KEYTAB_DIR, keytabFiles, PrincipalSpec, RealmHosts, renderKdcConf, renderKdcInit, renderKrb5Conf, SANDBOX_HOSTS } from '../config/kerberos';
import { ServiceSpec } from './sandbox';

/** Starts one service of the sandbox: a Docker container, or a pod behind a Service of that name. */
export type StartService = (spec: ServiceSpec) => Promise<NodeHandle>;

const INIT = '/etc/fss/kdc-init.sh';

/** The MIT KDC: creates the realm and exports keytabs at start, then serves on port 88. */
export async function startKdc(start: StartService, image: string | Promise<string>, principals: PrincipalSpec[], masterPassword: string, opts: { preauth?: boolean; hosts?: RealmHosts } = {}): Promise<NodeHandle> {
  const hosts = opts.hosts ?? SANDBOX_HOSTS;
  return start({
    name: 'kdc',
    image,
    aliases: [hosts.kdc],
    ports: [KDC_PORT],
    command: ['sh', INIT],
    files: [
      { content: renderKrb5Conf({ hosts }), target: '/etc/krb5.conf', mode: 0o644 },
      { content: renderKdcConf(opts), target: '/etc/krb5kdc/kdc.conf', mode: 0o644 },
      { content: renderKdcInit(principals, masterPassword), target: INIT, mode: 0o700 },
    ],
    // Only "the process runs"; readiness is port 88 answering (waitForKdc).
    readyLog: /fss-kdc: realm ready/,
  });
}

/**
 * Ready means the KDC accepts connections on port 88 from another container on the network
 * (not a log line), then the keytabs it exported are read out: their bytes by file name.
 */
export async function waitForKdc(kdc: NodeHandle, from: NodeHandle, principals: PrincipalSpec[], deadlineMs = 30_000, hosts: RealmHosts = SANDBOX_HOSTS): Promise<Record<string, Buffer>> {
  const secs = Math.ceil(deadlineMs / 1000);
  const wait = await from.exec(['timeout', String(secs), 'bash', '-c', `until (exec 3<>/dev/tcp/${hosts.kdc}/${KDC_PORT}) 2>/dev/null; do sleep 0.1; done`]);
  if (wait.exitCode !== 0) throw new Error(`the KDC did not answer on ${hosts.kdc}:${KDC_PORT} within ${secs}s`);
  const keytabs: Record<string, Buffer> = {};
  await Promise.all(
    keytabFiles(principals).map(async (f) => {
      const r = await kdc.exec(['base64', '-w0', `${KEYTAB_DIR}/${f}`]);
      if (r.exitCode !== 0) throw new Error(`keytab ${f} missing on the KDC: ${r.output.trim()}`);
      keytabs[f] = Buffer.from(r.stdout.trim(), 'base64');
    }),
  );
  return keytabs;
}
