/**
 * What the Kerberos YARN scenarios share: the realm (KDC, the Hadoop hosts' service principals),
 * the Kerberized YARN cluster with HDFS, the session deployment, and the HDFS job and its checks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckResult, verdict } from '../../harness/checks/model';
import { hung, why } from '../../harness/checks/flink-cli';
import { amContainer, FlinkContainer } from '../../harness/checks/yarn';
import { DATANODE_HOST, hadoopHosts, HDFS_URI, NAMENODE_HOST, servicePrincipals, TokenLifetimes } from '../../harness/config/hadoop-security';
import { YARN_CLIENT, YARN_DOMAIN } from '../../harness/config/hadoop';
import { PrincipalSpec, principal, realmHosts, renderKrb5Conf } from '../../harness/config/kerberos';
import { Identity } from '../../harness/pki';
import { causes } from '../../harness/runtime/logs';
import { NodeHandle } from '../../harness/runtime/node';
import { ProbeStation } from '../../harness/runtime/probe-station';
import { FileSpec } from '../../harness/runtime/sandbox';
import { startKdc, waitForKdc } from '../../harness/runtime/kerberos';
import { HARNESS_CCACHE, SecureHadoopSpec, YarnCluster } from '../../harness/runtime/yarn';
import { discoverFlink, FlinkOnYarn, submitToYarn, waitForApp, YarnSubmission } from '../../harness/runtime/yarn-flink';
import { ScenarioContext } from '../types';
import { cliError, CLIENT_DIR, jobManagerLogCause } from './yarn';

/** The realm's names for this cluster: the KDC and Kafka live in the YARN cluster's domain. */
export const REALM_HOSTS = realmHosts(YARN_DOMAIN);
export const REALM_KRB5 = renderKrb5Conf({ hosts: REALM_HOSTS });
export const HADOOP_HOSTS = hadoopHosts(2);
// Demo values (printed in the README): never for real use.
export const KDC_MASTER_PASSWORD = 'kdc-master-demo-password';
/** The harness's own principal for its yarn and hdfs commands (a password, no keytab). */
export const OPERATOR = { name: 'operator', password: 'operator-demo-password' };
/** The Flink user: HDFS home /user/flink. */
export const FLINK_USER = 'flink';
export const HDFS_JOB_JAR = '/opt/fss-hdfs-job/hdfs-round-trip-job.jar';
export const HDFS_JOB_N = 1000;

/** The realm of a Kerberos YARN scenario: every Hadoop host's services, the operator, and the scenario's own. */
export function yarnRealm(own: PrincipalSpec[]): PrincipalSpec[] {
  return [...servicePrincipals(HADOOP_HOSTS), { name: OPERATOR.name, password: OPERATOR.password }, ...own];
}

/** HDFS's HTTPS key pairs (NameNode, DataNode), signed by a CA of the run. */
export function hadoopTls(): SecureHadoopSpec['tls'] {
  const ca = Identity.selfSigned('hadoop-ca', { cn: 'Sandbox Hadoop CA', isCa: true }, 2048);
  const leaf = (host: string) => Identity.signedBy(ca, host.split('.')[0], { cn: host, san: { dns: [host] } }, 2048);
  return { ca, hosts: { [NAMENODE_HOST]: leaf(NAMENODE_HOST), [DATANODE_HOST]: leaf(DATANODE_HOST) } };
}

export interface KerberizedYarn {
  yarn: YarnCluster;
  station: ProbeStation;
  /** A station with MIT's clients (kinit, kcat) beside the cluster. */
  kerberosClient: NodeHandle;
  keytabs: Record<string, Buffer>;
  krb5Conf: string;
}

export interface KerberizedYarnOptions {
  principals: PrincipalSpec[];
  tls: SecureHadoopSpec['tls'];
  /** The client's files, once the keytabs exist (Flink's configuration, a keytab, deploy-keys/). */
  clientFiles: (keytabs: Record<string, Buffer>) => FileSpec[];
  tokens?: TokenLifetimes;
  authentication?: 'kerberos' | 'simple';
  /** Started beside the cluster once the keytabs exist (Kafka). */
  alongside?: (keytabs: Record<string, Buffer>, kerberosClient: NodeHandle) => Promise<unknown>;
}

/** The KDC first (the daemons' keytabs go in when they start), then Kerberized YARN with HDFS. */
export async function startKerberizedYarn(ctx: ScenarioContext, o: KerberizedYarnOptions): Promise<KerberizedYarn> {
  const { sandbox } = ctx;
  const krb5Conf = REALM_KRB5;
  return ctx.phase('cluster', 'KDC, then Kerberized HDFS (NameNode, DataNode) and YARN (ResourceManager, 2 NodeManagers): kinit, yarn node -list, hdfs dfs', async () => {
    const [kdc, kerberosClient, station] = await Promise.all([
      startKdc((s) => sandbox.start(s), ctx.images.get('kerberos'), o.principals, KDC_MASTER_PASSWORD, { hosts: REALM_HOSTS }),
      sandbox.start({ name: 'kerberos-client', image: ctx.images.get('kerberos'), command: ['sh', '-c', 'echo client-ready; exec sleep infinity'], readyLog: /client-ready/, files: [{ content: krb5Conf, target: '/etc/krb5.conf', mode: 0o644 }] }),
      ProbeStation.start(sandbox, ctx.images.get('probe')),
    ]);
    const keytabs = await waitForKdc(kdc, kerberosClient, o.principals, 30_000, REALM_HOSTS);
    // The run's key material, owner-only, beside the report.
    for (const [f, bytes] of Object.entries(keytabs)) writeFileSync(join(ctx.pkiDir, f), bytes, { mode: 0o600 });
    const [yarn] = await Promise.all([
      YarnCluster.start(sandbox, {
        image: ctx.images.get('hadoop'),
        clientFiles: o.clientFiles(keytabs),
        secure: { krb5Conf, keytabs, tls: o.tls, operator: OPERATOR, homes: [FLINK_USER], tokens: o.tokens, authentication: o.authentication },
      }),
      o.alongside?.(keytabs, kerberosClient),
    ]);
    return { yarn, station, kerberosClient, keytabs, krb5Conf };
  });
}

/** A deployed session: the application, its JobManager and TaskManagers where YARN put them. */
export interface KerberosSession {
  submission: YarnSubmission;
  flink?: FlinkOnYarn;
  failure?: string;
  containers: FlinkContainer[];
}

/** yarn-session.sh -d from the client folder; the application RUNNING with `taskManagers` TaskManagers. */
export async function deploySession(ctx: ScenarioContext, k: KerberizedYarn, dynamic: string[], taskManagers: number, env?: Record<string, string>): Promise<KerberosSession> {
  return ctx.phase('start', 'yarn-session.sh -d from the client; the session RUNNING with its TaskManagers', async () => {
    const submission = await submitToYarn(k.yarn, ['-d', ...dynamic.map((d) => `-D${d}`)], { cwd: CLIENT_DIR, session: true, timeoutMs: 150_000, env });
    const s: KerberosSession = { submission, containers: [] };
    if (!submission.appId) {
      s.failure = `the client did not deploy (exit ${submission.exitCode}): ${cliError(submission.output)}`;
      return s;
    }
    const app = await waitForApp(k.station, submission.appId);
    const jmHost = app.amHost ?? submission.web?.host;
    if (jmHost) s.containers.push({ role: 'JobManager', id: amContainer(app.id), host: jmHost, nm: k.yarn.nodeManager(jmHost) });
    if (app.state !== 'RUNNING' || !submission.web) {
      s.failure = `application ${app.id} ${app.state}/${app.finalStatus}: ${app.diagnostics.split('\n').find((l) => /Exception|Error|failed/i.test(l))?.trim().slice(0, 300) ?? app.diagnostics.split('\n')[0]}`;
      return s;
    }
    try {
      s.flink = await discoverFlink(k.station, app, { host: submission.web.host, port: submission.web.port, scheme: 'http' }, taskManagers, 90_000);
      for (const tm of s.flink.taskManagers) s.containers.push({ role: 'TaskManager', id: tm.id, host: tm.host, nm: k.yarn.nodeManager(tm.host) });
    } catch (e) {
      s.failure = (e as Error).message;
    }
    return s;
  });
}

/** Why the session did not come up, in the client's, YARN's and the JobManager's words. */
export async function deployFailure(s: KerberosSession): Promise<string> {
  const jm = s.containers.find((c) => c.role === 'JobManager');
  const jmCause = jm && s.submission.appId ? await jobManagerLogCause(jm, s.submission.appId) : undefined;
  return [s.failure ?? cliError(s.submission.output), jmCause ? `JobManager log on ${jm?.host}: ${jmCause}` : ''].filter(Boolean).join('; ');
}

/** `flink run` against the session (the same arguments on 1.20 and 2.x). */
export function runOnSession(k: KerberizedYarn, appId: string, jobArgs: string[], timeoutMs = 120_000, env?: Record<string, string>) {
  return submitToYarn(k.yarn, ['run', '-t', 'yarn-session', `-Dyarn.application.id=${appId}`, ...jobArgs], { cwd: CLIENT_DIR, timeoutMs, env });
}

/** `flink run` arguments of the HDFS job: write 1..n under `dir` (an HDFS path), read it back. */
export const hdfsJobArgs = (dir: string) => [HDFS_JOB_JAR, `${HDFS_URI}${dir}`, String(HDFS_JOB_N)];

export interface HdfsJobLine {
  part: string;
  lines: number;
  sum?: bigint;
  host: string;
  user: string;
  auth: string;
  tokens: string;
}

/** FSS_HDFS_WROTE / FSS_HDFS_READ lines of the HDFS job. */
export function parseHdfsJob(out: string): { wrote: HdfsJobLine[]; read: HdfsJobLine[] } {
  const wrote = [...out.matchAll(/^FSS_HDFS_WROTE (\S+) (\d+) (\S+) (\S+) (\S+) (\S+)$/gm)].map((m) => ({ part: m[1], lines: Number(m[2]), host: m[3], user: m[4], auth: m[5], tokens: m[6] }));
  const read = [...out.matchAll(/^FSS_HDFS_READ (\S+) (\d+) (\d+) (\S+) (\S+) (\S+) (\S+)$/gm)].map((m) => ({ part: m[1], lines: Number(m[2]), sum: BigInt(m[3]), host: m[4], user: m[5], auth: m[6], tokens: m[7] }));
  return { wrote, read };
}

/**
 * hdfs.job-round-trip: the job's TaskManagers wrote 1..n to HDFS and read it back (their own
 * report), and the harness, with its own ticket, reads the same files from HDFS (the other side).
 */
export async function hdfsRoundTrip(k: KerberizedYarn, appId: string, dir: string, how: string): Promise<{ check: CheckResult; run: YarnSubmission }> {
  const run = await runOnSession(k, appId, hdfsJobArgs(dir));
  const { wrote, read } = parseHdfsJob(run.output);
  const want = (BigInt(HDFS_JOB_N) * BigInt(HDFS_JOB_N + 1)) / 2n;
  const got = read.reduce((a, r) => a + (r.sum ?? 0n), 0n);
  const jobOk = run.exitCode === 0 && wrote.length === 2 && read.length === 2 && got === want;
  // The other side: HDFS itself holds what the job says it wrote.
  const cat = jobOk ? await k.yarn.hdfsCommand(['dfs', '-cat', `${dir}/part-*`]) : undefined;
  const lines = cat?.exitCode === 0 ? cat.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : undefined;
  const harnessSum = lines?.every((l) => /^\d+$/.test(l)) ? lines.reduce((a, l) => a + BigInt(l), 0n) : undefined;
  const ok = jobOk && harnessSum === want;
  const who = [...new Set(read.map((r) => `${r.host} as ${r.user} (${r.auth}; tokens ${r.tokens})`))].join(', ');
  return {
    run,
    check: verdict(
      'hdfs.job-round-trip',
      `a job writes to HDFS and reads it back (${how})`,
      ok,
      jobOk
        ? `TaskManagers wrote and read ${read.reduce((a, r) => a + r.lines, 0)} lines of ${dir}, sum ${got}: ${who}; hdfs dfs -cat as ${principal(OPERATOR.name)}: ${cat?.exitCode === 0 ? `sum ${harnessSum}` : `exit ${cat?.exitCode}: ${cat?.output.trim().split('\n').pop()}`}`
        : `exit ${run.exitCode}${hung(run)}, ${wrote.length} parts written, ${read.length} read: ${causes(run.output, /Token|token|Kerberos|GSS|SASL|AccessControl|authenticat/) || why(run.output)}`,
    ),
  };
}

/**
 * hadoop.refuses-without-ticket: YARN's and HDFS's RPC turn away a client without a ticket (the
 * server's refusal, not a dead port), and answer the same command with the operator's ticket.
 */
export async function refusesWithoutTicket(yarn: YarnCluster): Promise<CheckResult> {
  const none = { KRB5CCNAME: 'FILE:/tmp/fss-no-ticket.ccache' };
  // YARN's client retries a refused connection for 15 minutes by default: a few seconds here.
  const briefly = ['-Dyarn.resourcemanager.connect.max-wait.ms=4000', '-Dyarn.resourcemanager.connect.retry-interval.ms=1000'];
  const [yWith, yWithout, hWith, hWithout] = await Promise.all([
    yarn.yarn(['node', '-list']),
    yarn.yarn(['node', ...briefly, '-list'], none),
    yarn.hdfsCommand(['dfs', '-ls', '/']),
    yarn.hdfsCommand(['dfs', '-ls', '/'], none),
  ]);
  // The no-ticket refusal itself, not another Kerberos failure (a wrong key, a clock skew).
  const refusal = /Client cannot authenticate via:\[TOKEN, KERBEROS\]/;
  const said = (r: { exitCode: number; output: string }) => (r.exitCode === 0 ? 'exit 0 (answered)' : `exit ${r.exitCode}: ${refusal.exec(r.output)?.[0] ?? r.output.trim().split('\n').pop()?.slice(0, 200)}`);
  const ok = yWith.exitCode === 0 && hWith.exitCode === 0 && yWithout.exitCode !== 0 && hWithout.exitCode !== 0 && refusal.test(yWithout.output) && refusal.test(hWithout.output);
  return verdict(
    'hadoop.refuses-without-ticket',
    'YARN and HDFS answer a client with a Kerberos ticket and refuse one without',
    ok,
    `with ${principal(OPERATOR.name)}'s ticket: yarn node -list ${said(yWith)}, hdfs dfs -ls / ${said(hWith)}; without a ticket: yarn ${said(yWithout)}; hdfs ${said(hWithout)}`,
  );
}

/** Copy-paste commands for a kept run: the user's ticket, yarn and hdfs as the operator. */
export function kerberosWorkshop(runId: string): string[] {
  const exec = `docker exec -it ${runId}-${YARN_CLIENT}`;
  return [
    'Try it (passwords are demo values; keytabs are per-run random keys):',
    `  ${exec} sh -c 'echo ${OPERATOR.password} | kinit ${principal(OPERATOR.name)} && klist'`,
    `  ${exec} yarn node -list                  # with the ticket above (default cache)`,
    `  ${exec} hdfs dfs -ls -R /user/${FLINK_USER}`,
    `  ${exec} sh -c 'KRB5CCNAME=FILE:/tmp/none yarn node -Dyarn.resourcemanager.connect.max-wait.ms=4000 -list'    # refused: no ticket (YARN's client would retry 15 min)`,
    `  (the harness's own ticket cache in that container: ${HARNESS_CCACHE})`,
  ];
}
