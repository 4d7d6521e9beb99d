/**
 * Docs: "Running a Secure Flink Cluster in YARN" › Using `kinit` and without keytabs:
 *
 *   With YARN, it is possible to deploy a secure Flink cluster without a Kerberos keytab […] the
 *   ticket-granting-ticket cache, which is managed by kinit, is used and the Flink CLI acquires
 *   Hadoop delegation tokens (for HDFS and for HBase) instead. The main disadvantage is that the
 *   cluster is necessarily short-lived since the generated delegation tokens will expire.
 *
 *   1. security options on the client   2. kinit   3. deploy the Flink cluster as normal
 *
 * The realm has no keytab for the user (a password only); the user runs kinit on the client and
 * deploys a session. Shown: no keytab anywhere in the containers, the HDFS delegation token the
 * client obtained (and its end), a job reading and writing HDFS with it, that job failing once
 * the token is dead, and no deployment without a ticket. The NameNode's token lifetimes are
 * shortened to TOKENS (renew interval 90 s, maximum 1 h; Hadoop's defaults are 1 day and 7
 * days): Flink asks for its token with no renewer, so nobody renews it, and it dies at the renew
 * interval, long before its maximum lifetime.
 */
import { CheckResult, verdict } from '../harness/checks/model';
import { hung } from '../harness/checks/flink-cli';
import { KnownDeviation } from '../harness/checks/deviations';
import { NM_LOCAL } from '../harness/checks/yarn';
import { principal, PrincipalSpec } from '../harness/config/kerberos';
import { causes } from '../harness/runtime/logs';
import { submitToYarn, YarnSubmission } from '../harness/runtime/yarn-flink';
import { cliError, CLIENT_DIR, clientFiles, containerLog, yarnFlinkBase } from './lib/yarn';
import { YARN_CLIENT } from '../harness/config/hadoop';
import {
  deployFailure,
  deploySession,
  FLINK_USER,
  hadoopTls,
  hdfsJobArgs,
  hdfsRoundTrip,
  KerberizedYarn,
  kerberosWorkshop,
  KerberosSession,
  refusesWithoutTicket,
  runOnSession,
  startKerberizedYarn,
  yarnRealm,
} from './lib/yarn-kerberos';
import { Scenario } from './types';

/** The NameNode's delegation token lifetimes here: short enough to watch a token die. */
export const TOKENS = { renewIntervalMs: 90_000, maxLifetimeMs: 3_600_000 };
const RENEW_S = TOKENS.renewIntervalMs / 1000;
// Demo value (README): the user's Kerberos password, typed into kinit.
const USER_PASSWORD = 'flink-demo-password';
const CLIENT_KEYTAB = `${CLIENT_DIR}/keytabs/flink.keytab`;
/** A keytab file begins with its format version, 0x05 0x02 (MIT, Java, Hadoop alike). */
const KEYTAB_MAGIC = '0502';

const principals = (withKeytab: boolean): PrincipalSpec[] => yarnRealm([{ name: FLINK_USER, password: USER_PASSWORD, ...(withKeytab ? { keytab: 'flink.keytab' } : {}) }]);

/** Flink's own guard, which Hadoop 3 never lets fire (see docs/findings.md). */
const NO_CREDENTIALS = /Hadoop security with Kerberos is enabled but the login user does not have Kerberos credentials/;
const DEVIATIONS: KnownDeviation[] = [
  {
    checks: ['kinit.flink-names-missing-credentials'],
    // Run on 1.20.5 only; the same code is in 2.1.0's sources (not run here).
    seenOn: { from: '1.20.5', to: '1.20.5' },
    evidence: { text: 'Hadoop\'s "Client cannot authenticate via:[TOKEN, KERBEROS]" instead of Flink\'s message', matches: (c) => /Client cannot authenticate via:\[TOKEN, KERBEROS\]/.test(c.evidence) },
    upstream: 'not filed',
    reason: 'Flink checks UserGroupInformation.hasKerberosCredentials() after checking the KERBEROS auth method, which is the same test in Hadoop 3, so its own message never appears: the user gets Hadoop\'s refusal from the ResourceManager',
  },
];

export const yarnKinit: Scenario<{ tls: ReturnType<typeof hadoopTls> }> = {
  name: 'yarn-kinit',
  runtime: 'yarn',
  title: 'YARN with kinit and no keytab: delegation tokens, and a cluster as short-lived as they are',
  docSection: 'Security › Running a Secure Flink Cluster in YARN › Using kinit and without keytabs',
  description: `Kerberized HDFS and YARN; the user kinits with a password and deploys a session: no keytab in any container, Flink's HDFS delegation token, a job on HDFS with it, the same job refused once the token's ${RENEW_S} s lifetime is over, no deployment without a ticket.`,
  images: ['hadoop', 'kerberos'],
  knownDeviations: DEVIATIONS,
  faults: {
    'tokens-long-lived': {
      setting: 'dfs.namenode.delegation.token.max-lifetime / renew-interval: Hadoop\'s defaults (7 days / 1 day)',
      description: 'the NameNode\'s default token lifetime: the cluster outlives the scenario',
      expectRed: ['kinit.cluster-short-lived'],
      evidence: { 'kinit.cluster-short-lived': /still wrote and read/ },
    },
    'renewer-set': {
      setting: 'security.kerberos.token.provider.hadoopfs.renewer: yarn (the ResourceManager\'s principal\'s short name)',
      description: 'Flink names a renewer: YARN\'s ResourceManager renews the token, up to its maximum lifetime',
      expectRed: ['kinit.cluster-short-lived'],
      evidence: { 'kinit.cluster-short-lived': /still wrote and read/ },
    },
    'keytab-configured': {
      setting: `security.kerberos.login.keytab: ${CLIENT_KEYTAB} (and its principal)`,
      description: 'the client has a keytab after all: Flink ships it, and the JobManager gets new tokens with it',
      // With a keytab the deployment needs no ticket either.
      expectRed: ['kinit.no-keytab-shipped', 'kinit.cluster-short-lived', 'kinit.deploy-refused-without-ticket', 'kinit.flink-names-missing-credentials'],
      evidence: { 'kinit.no-keytab-shipped': /keytab found: .*\.keytab/, 'kinit.deploy-refused-without-ticket': /^deployed application_/ },
    },
    'krb5-conf-unset': {
      setting: "security.kerberos.krb5-conf.path unset (the NodeManagers' nodes have no krb5.conf)",
      description: 'the kinit steps as the docs list them: the containers, holding only tokens, still need the realm',
      expectRed: ['yarn.flink-deployed', 'kinit.no-keytab-shipped', 'hdfs.job-round-trip', 'kinit.cluster-short-lived'],
      evidence: { 'yarn.flink-deployed': /KrbException: Cannot locate default realm/ },
    },
    'hadoop-auth-simple': {
      setting: 'hadoop.security.authentication: simple (core-site.xml of every Hadoop node and the client)',
      description: 'Hadoop without Kerberos: no ticket, no tokens needed, anyone deploys',
      expectRed: ['hadoop.refuses-without-ticket', 'kinit.deploy-refused-without-ticket', 'kinit.flink-names-missing-credentials', 'kinit.delegation-token-obtained', 'kinit.cluster-short-lived'],
      evidence: { 'kinit.deploy-refused-without-ticket': /^deployed application_\S+ without a ticket/ },
    },
  },

  prepare: () => ({ tls: hadoopTls() }),

  workshop: (ctx) => [
    ...kerberosWorkshop(ctx.sandbox.runId),
    `  docker exec -it ${ctx.sandbox.runId}-${YARN_CLIENT} setpriv --reuid=flink --regid=flink --init-groups klist    # the user's ticket (the Flink CLI runs as flink)`,
  ],

  async run(ctx) {
    const { fault, version } = ctx;
    const withKeytab = fault === 'keytab-configured';
    const conf = {
      ...yarnFlinkBase({ stagingOnVolume: false }),
      // Flink's default, said out loud: the client logs in from the user's ticket cache.
      'security.kerberos.login.use-ticket-cache': true,
      // The docs' "Setting up Kerberos" applies here too: with no krb5.conf the containers'
      // Hadoop login fails ("Cannot locate default realm") though they hold only tokens.
      ...(fault === 'krb5-conf-unset' ? {} : { 'security.kerberos.krb5-conf.path': '/etc/krb5.conf' }),
      ...(withKeytab ? { 'security.kerberos.login.keytab': CLIENT_KEYTAB, 'security.kerberos.login.principal': principal(FLINK_USER) } : {}),
      'slotmanager.number-of-slots.min': 4,
      ...(fault === 'renewer-set' ? { 'security.kerberos.token.provider.hadoopfs.renewer': 'yarn' } : {}),
    };
    const k = await startKerberizedYarn(ctx, {
      principals: principals(withKeytab),
      tls: ctx.material.tls,
      tokens: fault === 'tokens-long-lived' ? undefined : TOKENS,
      authentication: fault === 'hadoop-auth-simple' ? 'simple' : 'kerberos',
      clientFiles: (keytabs) => [...clientFiles(conf, version, {}), ...(withKeytab ? [{ content: keytabs['flink.keytab'], target: CLIENT_KEYTAB, mode: 0o600 }] : [])],
    });

    // No ticket yet: the deployment must be refused (bounded: YARN's client retries for minutes by default).
    const refused = await ctx.phase('ready', 'yarn-session.sh without a ticket (refused), then kinit as the user', async () => {
      const r = await submitToYarn(k.yarn, ['-d', ...NO_RETRY.map((d) => `-D${d}`), '-Dyarn.application.name=fss-no-ticket'], { cwd: CLIENT_DIR, session: true, timeoutMs: 90_000 });
      // Deployed after all (a fault gave it credentials): out of the way of the real session.
      if (r.appId) {
        const kill = await k.yarn.yarn(['application', '-kill', r.appId]);
        if (kill.exitCode !== 0) throw new Error(`could not remove the no-ticket session ${r.appId}: ${kill.output.trim().split('\n').pop()}`);
      }
      await kinitAsUser(k);
      return r;
    });
    // The token is issued while the client deploys: its age counts from here at the latest.
    const submittedAt = Date.now();
    const session = await deploySession(ctx, k, ['yarn.application.name=fss-kinit', ...NO_RETRY], 2);
    const [noTicket, hadoopRefusal] = [noTicketDeployment(refused), await refusesWithoutTicket(k.yarn)];
    const token = delegationToken(session.submission.output);
    const f = session.flink;
    if (!f) {
      const why = await deployFailure(session);
      const red = (id: string, title: string) => verdict(id, title, false, `Flink did not come up: ${why}`);
      return [
        verdict('yarn.flink-deployed', DEPLOYED, false, why),
        ...noTicket,
        hadoopRefusal,
        tokenCheck(token, session.submission.output, ''),
        red('kinit.no-keytab-shipped', NO_KEYTAB),
        red('hdfs.job-round-trip', 'a job writes to HDFS and reads it back'),
        red('kinit.cluster-short-lived', shortLived(!!token)),
      ];
    }
    return ctx.phase('checks', `the HDFS job, keytab search, the delegation token, the same job after the token's ${RENEW_S} s`, async () => {
      const issued = token?.issueDate ?? submittedAt;
      // First, while the token is young (its age is part of the evidence).
      const age = Math.round((Date.now() - issued) / 1000);
      const { check: hdfs } = await hdfsRoundTrip(k, f.app.id, `/user/${FLINK_USER}/fss-${ctx.sandbox.runId}`, `the delegation token the client obtained, ${age} s old`);
      const [noKeytab, jmLog] = await Promise.all([searchForKeytabs(session), containerLog(session.containers[0], f.app.id, 'jobmanager.log')]);
      const later = await afterTokenLifetime(k, f.app.id, `/user/${FLINK_USER}/fss-${ctx.sandbox.runId}-later`, issued, !!token);
      return [verdict('yarn.flink-deployed', DEPLOYED, true, `${f.app.id} RUNNING; JobManager on ${f.jobManager.host}; TaskManagers on ${f.taskManagers.map((t) => t.host).join(', ')}`), ...noTicket, hadoopRefusal, noKeytab, tokenCheck(token, session.submission.output, jmLog), hdfs, later];
    });
  },
};

const DEPLOYED = "yarn-session.sh deployed Flink with the user's ticket";
const NO_KEYTAB = 'no keytab in any file a NodeManager localized (the ticket cache stayed on the client)';
const shortLived = (token: boolean) => `once ${token ? 'its token is' : 'the tokens are'} past the renew interval (${RENEW_S} s here; maximum ${TOKENS.maxLifetimeMs / 3_600_000} h) the cluster can no longer use HDFS`;

/** Flink's YARN client passes `flink.yarn.*` on to YARN: give up on a refused ResourceManager within seconds. */
const NO_RETRY = ['flink.yarn.resourcemanager.connect.max-wait.ms=4000', 'flink.yarn.resourcemanager.connect.retry-interval.ms=1000'];

/** kinit in the client as the user the Flink CLI runs as (flink), into that user's default ticket cache. */
async function kinitAsUser(k: KerberizedYarn): Promise<void> {
  const r = await k.yarn.client.exec(['setpriv', '--reuid=flink', '--regid=flink', '--init-groups', 'sh', '-c', `printf '%s\\n' "$FSS_PW" | kinit ${principal(FLINK_USER)} >/dev/null && klist`], { env: { FSS_PW: USER_PASSWORD } });
  if (r.exitCode !== 0) throw new Error(`kinit ${principal(FLINK_USER)} on the client failed: ${r.output.trim()}`);
}

/**
 * kinit.deploy-refused-without-ticket: before kinit, yarn-session.sh is turned away with a
 * Kerberos refusal (not a dead port, not a timeout); and which words the user sees: Flink's own
 * guard or Hadoop's (kinit.flink-names-missing-credentials, a known deviation).
 */
function noTicketDeployment(r: YarnSubmission): CheckResult[] {
  const hadoop = /Client cannot authenticate via:\[TOKEN, KERBEROS\]/.exec(r.output)?.[0];
  const flinkSaid = NO_CREDENTIALS.exec(r.output)?.[0];
  const refused = r.exitCode !== 0 && !r.appId && (!!hadoop || !!flinkSaid);
  const said = r.appId ? `deployed ${r.appId} without a ticket` : `exit ${r.exitCode}${hung(r)}: ${(flinkSaid ?? hadoop ?? causes(r.output, /./)).slice(0, 300) || cliError(r.output)}`;
  return [
    verdict('kinit.deploy-refused-without-ticket', 'without kinit, yarn-session.sh is refused for missing Kerberos credentials', refused, said),
    verdict('kinit.flink-names-missing-credentials', 'Flink says what is missing ("… the login user does not have Kerberos credentials …")', !!flinkSaid, flinkSaid ? `"${flinkSaid}"` : `Flink's message absent; ${r.appId ? said : `the client said: ${hadoop ?? cliError(r.output)}`}`),
  ];
}

/** The HDFS delegation token as Flink's client logged it when it added it to the application master's container. */
export interface LoggedToken {
  line: string;
  owner?: string;
  renewer?: string;
  issueDate?: number;
  maxDate?: number;
}

/** "Kind: HDFS_DELEGATION_TOKEN, Service: …, Ident: (token for flink: HDFS_DELEGATION_TOKEN owner=…, renewer=…, issueDate=…, maxDate=…, …)". */
export function delegationToken(out: string): LoggedToken | undefined {
  const line = out.split('\n').find((l) => /HDFS_DELEGATION_TOKEN.*maxDate=\d+/.test(l));
  if (!line) return undefined;
  const field = (n: string) => new RegExp(`${n}=([^,)\\s]*)`).exec(line)?.[1];
  const num = (n: string) => (field(n) ? Number(field(n)) : undefined);
  return { line: line.trim(), owner: field('owner'), renewer: field('renewer'), issueDate: num('issueDate'), maxDate: num('maxDate') };
}

/**
 * kinit.delegation-token-obtained: Flink's client obtained an HDFS delegation token for the user
 * and put it in the application master's container (its own log lines); the JobManager, which
 * has no Kerberos credentials, says it cannot obtain new ones.
 */
function tokenCheck(t: LoggedToken | undefined, clientOut: string, jmLog: string): CheckResult {
  // Flink's delegation token manager names the providers it loaded (hadoopfs, hbase).
  const providers = [...new Set([...clientOut.matchAll(/Delegation token provider (\S+) loaded and initialized/g)].map((m) => m[1]))];
  const lifetime = t?.issueDate && t.maxDate ? Math.round((t.maxDate - t.issueDate) / 1000) : undefined;
  const jm = /Tokens update task not started[^\n]*|No tokens obtained so skipping notifications|Cannot use kerberos delegation token manager[^\n]*/.exec(jmLog)?.[0];
  return verdict(
    'kinit.delegation-token-obtained',
    "the client obtained an HDFS delegation token for the user (its own log line); what the JobManager says of its own tokens",
    !!t && t.owner?.startsWith(`${FLINK_USER}@`) === true && lifetime !== undefined,
    `${providers.length ? `client's providers: ${providers.join(', ')}; ` : ''}${t ? `HDFS token owner ${t.owner}, renewer ${t.renewer || '(none)'}, maximum ${lifetime} s (issueDate ${t.issueDate}, maxDate ${t.maxDate}); JobManager: ${jm ? `"${jm.trim()}"` : 'no line on its own tokens'}` : "no HDFS_DELEGATION_TOKEN in the client's log"}`,
  );
}

/**
 * kinit.cluster-short-lived (the docs' "necessarily short-lived"): once the token is dead (its
 * renew interval passed unrenewed), the same HDFS job fails, refused by the NameNode for the
 * expired token.
 */
async function afterTokenLifetime(k: KerberizedYarn, app: string, dir: string, issued: number, token: boolean): Promise<CheckResult> {
  // Our renew interval from the token's issue, plus a margin; never longer.
  const wait = Math.max(0, issued + TOKENS.renewIntervalMs + 5_000 - Date.now());
  await new Promise((r) => setTimeout(r, Math.min(wait, TOKENS.renewIntervalMs + 10_000)));
  const age = `${Math.round((Date.now() - issued) / 1000)} s after ${token ? 'the token was issued' : 'the deployment (no token logged)'}`;
  const r = await runOnSession(k, app, hdfsJobArgs(dir), 90_000);
  const expired = /Token\s+has expired|can't be found in cache|tried to renew an expired token/.exec(r.output)?.[0];
  const ok = r.exitCode !== 0 && !!expired;
  return verdict(
    'kinit.cluster-short-lived',
    shortLived(token),
    ok,
    r.exitCode === 0
      ? `a job started ${age} still wrote and read HDFS (exit 0)`
      : `a job started ${age}: exit ${r.exitCode}${hung(r)}: ${causes(r.output, /Token|token/) || cliError(r.output)}${expired ? '' : " (not the NameNode's token refusal)"}`,
  );
}

/**
 * kinit.no-keytab-shipped: no file a NodeManager localized (every application's working folders
 * and file caches, the public and the user's caches) is a keytab, by name or by content.
 */
async function searchForKeytabs(s: KerberosSession): Promise<CheckResult> {
  const notes: string[] = [];
  let found = false;
  let files = 0;
  for (const nm of new Set(s.containers.map((c) => c.nm))) {
    const host = s.containers.find((c) => c.nm === nm)?.host;
    const r = await nm.exec(['sh', '-c', `find "$1" -type f 2>/dev/null | while read -r f; do printf 'F %s %s\\n' "$(head -c2 "$f" | od -An -tx1 | tr -d ' \\n')" "$f"; done`, 'search', NM_LOCAL]);
    for (const line of r.stdout.split('\n')) {
      const m = /^F (\S*) (.+)$/.exec(line);
      if (!m) continue;
      files++;
      if (m[1] === KEYTAB_MAGIC || /\.keytab$/.test(m[2])) {
        found = true;
        notes.push(`${host}: ${m[2].replace(NM_LOCAL, '…')}`);
      }
    }
  }
  return verdict('kinit.no-keytab-shipped', NO_KEYTAB, files > 0 && !found, found ? `keytab found: ${notes.join('; ')}` : `${files} files under ${NM_LOCAL} (file caches, working folders) on ${new Set(s.containers.map((c) => c.host)).size} NodeManagers: no keytab by name or content`);
}
