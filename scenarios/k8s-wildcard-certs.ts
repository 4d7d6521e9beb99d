/**
 * The Kubernetes blog: TaskManagers in a StatefulSet get predictable names, so one certificate
 * with the wildcard of their headless Service covers all of them; that ties the certificate to
 * one namespace; Flink's CLI does not verify host names.
 *
 *   SAN: *.taskmanager.<namespace>.svc.cluster.local, jobmanager, jobmanager.<namespace>.svc.cluster.local
 *   taskmanager.host: <pod>.taskmanager.<namespace>.svc.cluster.local (the names the wildcard covers)
 *   internal SSL (keystore = truststore) and REST SSL with that key pair
 *
 * Checked as a verifying client would (chain AND name): every TaskManager's and the JobManager's
 * names verify; the short names pods advertise by default and the pod IP do not; the same
 * certificate on a cluster in a second namespace fails verification there.
 */
import { PORTS } from '../harness/config/cluster';
import { internalSsl, restSsl } from '../harness/config/security';
import { clusterChecks } from '../harness/checks/cluster';
import { judgeNames, judgeToolNames, NamedEndpoint, probeNames, ToolCase, toolNameResults } from '../harness/checks/hostname-verification';
import { shellQuote } from '../harness/config/shell';
import { CheckResult, finding, verdict } from '../harness/checks/model';
import { KubeFlink, K8S_SECRET_DIR, KubeFlinkSpec, namespaceDomain } from '../harness/kube/flink-deployment';
import { kubectlLine } from '../harness/kube/run-context';
import { Identity } from '../harness/pki';
import { HttpProbeResult } from '../harness/probes/types';
import { ProbeStation } from '../harness/runtime/probe-station';
import { DOCS_INTERNAL_PASSWORD } from './lib/cluster';
import { Scenario } from './types';

const KEYSTORE = `${K8S_SECRET_DIR}/flink.keystore`;
const TRUSTSTORE = `${K8S_SECRET_DIR}/flink.truststore`;
/** The docs' truststore password: a demo value. */
const TRUST_PASSWORD = 'truststore_password';

const svc = (name: string, ns: string) => `${name}.${namespaceDomain(ns)}`;

/** The certificate's names: the TaskManagers' wildcard (unless a fault drops it) and the JobManager Service's. */
function wildcardSans(ns: string, withWildcard = true): string[] {
  return [...(withWildcard ? [`*.${svc('taskmanager', ns)}`] : []), 'jobmanager', svc('jobmanager', ns)];
}

const internalPorts = (role: 'jobmanager' | 'taskmanager'): Array<[number, string]> =>
  role === 'jobmanager'
    ? [
        [PORTS.jobmanagerRpc, 'JobManager RPC'],
        [PORTS.blob, 'blob server'],
        [PORTS.rest, 'REST'],
      ]
    : [
        [PORTS.taskmanagerRpc, 'TaskManager RPC'],
        [PORTS.taskmanagerData, 'TaskManager data'],
      ];
const named = (name: string, role: 'jobmanager' | 'taskmanager'): NamedEndpoint[] => internalPorts(role).map(([port, label]) => ({ name, port, label }));

export const k8sWildcardCerts: Scenario<Record<string, never>> = {
  name: 'k8s-wildcard-certs',
  runtime: 'kubernetes',
  title: "Kubernetes: one certificate with the wildcard of the TaskManagers' headless Service",
  docSection: 'Kubernetes blog: StatefulSet names and a wildcard certificate for *.<service>.<namespace>.svc.cluster.local; the CLI does not verify host names',
  description: 'Internal and REST SSL with one key pair whose SANs are the TaskManagers\' wildcard and the JobManager Service; verified by name against every pod; the same certificate fails verification in a second namespace.',
  faults: {
    'no-wildcard': {
      setting: 'SAN without *.taskmanager.<namespace>.svc.cluster.local',
      description: 'the certificate names the JobManager only: no TaskManager name verifies (our probe, openssl)',
      expectRed: ['wildcard.taskmanager-names-verified', 'wildcard.openssl-curl-agree'],
    },
  },
  prepare: () => ({}),

  workshop: (ctx) => {
    const kc = kubectlLine(ctx.kube);
    if (!kc || !ctx.kube) return [];
    const tm = svc('taskmanager', ctx.kube.namespace);
    return [
      'Try it (kubectl of the cluster\'s own build; the probe pod has openssl):',
      `  ${kc} exec probe -- sh -c 'echo | openssl s_client -connect jobmanager:${PORTS.rest} 2>/dev/null | openssl x509 -noout -ext subjectAltName'   # the names`,
      `  ${kc} exec probe -- sh -c 'echo | openssl s_client -connect taskmanager-0.${tm}:${PORTS.taskmanagerRpc} -verify_hostname taskmanager-0.${tm} -brief'   # the name verifies (then the server wants a client certificate)`,
      `  ${kc} exec probe -- sh -c 'echo | openssl s_client -connect taskmanager-0.taskmanager:${PORTS.taskmanagerRpc} -verify_hostname taskmanager-0.taskmanager -brief'   # the short name does not`,
    ];
  },

  async run(ctx) {
    const kube = ctx.kube as NonNullable<typeof ctx.kube>;
    const ns = kube.namespace;
    const other = await kube.extraNamespace('wildcard-other');
    const password = DOCS_INTERNAL_PASSWORD;
    // Made here: the names hold the run's namespace.
    const pair = Identity.selfSigned('flink', { cn: 'flink', san: { dns: wildcardSans(ns, ctx.fault !== 'no-wildcard') } });
    const caPem = pair.certPem();
    const overlay = {
      ...internalSsl({ keystore: { path: KEYSTORE, password }, truststore: { path: KEYSTORE, password } }),
      ...restSsl({ keystore: { path: KEYSTORE, password }, truststore: { path: TRUSTSTORE, password: TRUST_PASSWORD } }),
    };
    const [flinkImage, probeImage] = await Promise.all([ctx.images.get('flink'), ctx.images.get('probe')]);
    await kube.load([flinkImage]);
    const spec = (namespace: string, taskManagers: number): KubeFlinkSpec => ({
      namespace,
      image: flinkImage,
      version: ctx.version,
      taskManagers,
      slotsPerTaskManager: 2,
      overlay: () => overlay,
      secretFiles: { 'flink.keystore': pair.keystore(password), 'flink.truststore': pair.truststore(TRUST_PASSWORD) },
      secretMode: 0o440,
      taskManagerFqdn: true,
      skipPreflight: ctx.skipPreflight,
    });
    const [kf, outsider, station] = await ctx.phase('start', `pods up: ${ns} (JobManager, 2 TaskManagers, probe) and ${other} (JobManager, 1 TaskManager, same certificate)`, () =>
      Promise.all([KubeFlink.deploy(kube.api, spec(ns, 2)), KubeFlink.deploy(kube.api, spec(other, 1)), kube.probeStation(probeImage)]),
    );
    const rest = { scheme: 'https' as const, caPem };
    try {
      const [overview, outsiderOverview] = await ctx.phase('ready', 'both clusters ready (REST over TLS, verified by name in this namespace)', () =>
        Promise.all([
          kf.cluster.waitForTaskManagers(station, rest),
          // Its names are not in the certificate: readiness only, without verification.
          station.one<HttpProbeResult>({ kind: 'http', url: `https://${svc('jobmanager', other)}:${PORTS.rest}/overview`, insecure: true, until: { path: 'taskmanagers', atLeast: 1, deadlineMs: 90_000 } }),
        ]),
      );
      return await ctx.phase('checks', 'names verified against every pod; the other namespace; the job', async () => {
        const client = { certPem: pair.certPem(), keyPem: pair.keyPem(), label: 'cluster certificate' };
        const tmNames = kf.pods.taskmanagers.map((p) => `${p}.${svc('taskmanager', ns)}`);
        const tmEndpoints = tmNames.flatMap((n) => named(n, 'taskmanager'));
        const jmEndpoints = [...named('jobmanager', 'jobmanager'), ...named(svc('jobmanager', ns), 'jobmanager')];
        const shortEndpoints = [...named(`${kf.pods.taskmanagers[0]}.taskmanager`, 'taskmanager'), ...named(kf.pods.ips[kf.pods.jobmanager], 'jobmanager').slice(2)];
        const otherEndpoints = [...named(`${outsider.pods.taskmanagers[0]}.${svc('taskmanager', other)}`, 'taskmanager'), ...named(svc('jobmanager', other), 'jobmanager')];
        const groups = [tmEndpoints, jmEndpoints, shortEndpoints, otherEndpoints];
        const jmIp = kf.pods.ips[kf.pods.jobmanager];
        const toolCases: ToolCase[] = [
          { tool: 'openssl', name: tmNames[0], port: PORTS.taskmanagerRpc, expect: 'verified' },
          { tool: 'openssl', name: `${kf.pods.taskmanagers[0]}.taskmanager`, port: PORTS.taskmanagerRpc, expect: 'name-mismatch' },
          { tool: 'openssl', name: `${outsider.pods.taskmanagers[0]}.${svc('taskmanager', other)}`, port: PORTS.taskmanagerRpc, expect: 'name-mismatch' },
          { tool: 'curl', name: svc('jobmanager', ns), port: PORTS.rest, expect: 'verified' },
          { tool: 'curl', name: jmIp, port: PORTS.rest, expect: 'name-mismatch' },
        ];
        const [results, cluster, restByName, cli, cliM, tools] = await Promise.all([
          Promise.all(groups.map((g) => probeNames(station, g, caPem, client))),
          clusterChecks(kf.cluster, station, overview, rest),
          restHostnameCheck(station, svc('jobmanager', ns), jmIp, caPem),
          // Flink's CLI in the JobManager pod, pointed at the pod IP, which the certificate does not name.
          kf.cluster.cli(['list', `-Drest.address=${jmIp}`], undefined, 60_000),
          // The same with the address as the CLI's -m option takes it.
          kf.cluster.cli(['list', '-m', `jobmanager:${PORTS.rest}`], undefined, 25_000),
          // The user's tools on the same names: the certificate as CA, the key pair for the servers that want one (owner-only in the probe pod).
          station
            .sh(`umask 077 && mkdir -p /tmp/wildcard && printf %s ${shellQuote(caPem)} > /tmp/wildcard/ca.pem && printf %s ${shellQuote(pair.keyPem())} > /tmp/wildcard/key.pem`)
            .then(() => toolNameResults(station, toolCases, { caFile: '/tmp/wildcard/ca.pem', certFile: '/tmp/wildcard/ca.pem', keyFile: '/tmp/wildcard/key.pem' })),
        ]);
        const [tmR, jmR, shortR, otherR] = results;
        const ov = outsiderOverview.json as { taskmanagers?: number } | undefined;
        return [
          judgeNames('wildcard.taskmanager-names-verified', "every TaskManager's full name verifies against the certificate (RPC and data ports)", tmEndpoints, tmR, 'verified'),
          judgeNames('wildcard.jobmanager-names-verified', "the JobManager Service's names verify (RPC, blob, REST)", jmEndpoints, jmR, 'verified'),
          judgeNames('wildcard.other-names-refused', "a verifying client refuses the same servers under names the certificate lacks: a TaskManager's short name, the JobManager's pod IP", shortEndpoints, shortR, 'name-mismatch'),
          judgeNames('wildcard.other-namespace-refused', 'the same certificate on a cluster in another namespace fails verification there (the documented limitation)', otherEndpoints, otherR, 'name-mismatch'),
          restByName,
          judgeToolNames('wildcard.openssl-curl-agree', 'openssl s_client -verify_hostname and curl --cacert come to the same: full names verify, the short name, the other namespace and the pod IP do not', tools),
          ...cluster,
          finding(
            'wildcard.flink-internal-names',
            "what Flink's own internal connections make of names the certificate lacks",
            `the cluster in ${other} (its names not in the certificate): ${ov?.taskmanagers ?? 0} of 1 TaskManager registered over internal SSL${ov?.taskmanagers ? ': Flink did not check the names on RPC' : `; ${outsiderOverview.error ?? outsiderOverview.status}`}`,
          ),
          cliFinding(cli, jmIp),
          cliMFinding(cliM),
        ];
      });
    } finally {
      await Promise.all([kf.refreshLogs(), outsider.refreshLogs()]).catch(() => undefined);
      kf.saveLogs(ctx.logsDir);
      outsider.saveLogs(`${ctx.logsDir}/${other}`);
    }
  },
};

/** rest.hostname-verified: curl's view: by the Service's name the JSON, by the pod IP the name error. */
async function restHostnameCheck(station: ProbeStation, name: string, ip: string, caPem: string): Promise<CheckResult> {
  const [byName, byIp] = await station.run<HttpProbeResult>([
    { kind: 'http', url: `https://${name}:${PORTS.rest}/overview`, caPem },
    { kind: 'http', url: `https://${ip}:${PORTS.rest}/overview`, caPem },
  ]);
  const nameRefused = byIp.code === 'ERR_TLS_CERT_ALTNAME_INVALID';
  return verdict(
    'rest.hostname-verified',
    "curl with the certificate as CA: the JobManager Service's name gets Flink's JSON, the pod IP is refused for its name",
    byName.status === 200 && nameRefused,
    `https://${name}: ${byName.status ?? byName.error}; https://${ip}: ${byIp.status ?? `${byIp.code}: ${byIp.error}`}`,
  );
}

/** rest.cli-hostname-verification (INFO): what Flink's CLI did when the address is not a name in the certificate. */
function cliFinding(cli: { exitCode: number; output: string }, ip: string): CheckResult {
  const lines = cli.output.split('\n').filter(Boolean);
  const said = cli.exitCode === 0 ? lines.filter((l) => /^(No running|No scheduled|-+ (Running|Scheduled))/.test(l)).slice(0, 2).join(' | ') : lines.filter((l) => /Exception|Caused by|ERROR/.test(l)).slice(-2).join(' | ');
  return finding(
    'rest.cli-hostname-verification',
    "Flink's CLI and host names: `flink list -Drest.address=<pod IP>` over REST SSL",
    cli.exitCode === 0
      ? `exit 0 against ${ip}, an address the certificate does not name: the CLI checks the chain, not the name (${said.slice(0, 200)})`
      : `exit ${cli.exitCode} against ${ip}: ${said.slice(0, 300)}`,
  );
}

/** rest.cli-m-option (INFO): `flink list -m jobmanager:8081` with REST SSL on, as Flink 1.20 behaved here. */
function cliMFinding(cli: { exitCode: number; output: string }): CheckResult {
  const redirects = (cli.output.match(/httpResponseStatus=301/g) ?? []).length;
  const last = cli.output.split('\n').filter((l) => /ERROR|Exception/.test(l)).slice(-1)[0] ?? '';
  return finding(
    'rest.cli-m-option',
    'Flink\'s CLI with the address as `-m jobmanager:8081` while REST SSL is on',
    redirects
      ? `exit ${cli.exitCode}${cli.exitCode === 124 ? ' (stopped after 25 s)' : ''}: ${redirects} answers "301 Moved Permanently": with -m the CLI spoke plain HTTP to the TLS port (Flink's redirect to https), retrying; rest.address in the configuration does not do this`
      : `exit ${cli.exitCode}${cli.exitCode === 124 ? ' (stopped after 25 s)' : ''}: ${last.slice(0, 300) || 'no answer logged'}`,
  );
}
