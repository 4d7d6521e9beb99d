/**
 * Docs: "Tips for a YARN Deployment":
 *
 *   To secure the external REST endpoint, you need to issue the REST endpoint's certificate such
 *   that it is valid for all hosts that the JobManager may get deployed to. This can be done with
 *   a wildcard DNS name or by adding multiple DNS names.
 *
 * Both kinds of certificate, each with the JobManager placed on each NodeManager in turn (YARN
 * node labels, Flink's yarn.application.node-label): four session clusters, verified WITH host
 * name checking (Node's TLS, curl --cacert, openssl s_client -verify_hostname) against the host
 * YARN actually put the JobManager on. Flink's own CLI is asked too: it checks no names (INFO).
 */
import { describeName, judgeToolNames, nameOutcome, NamedEndpoint, probeNames, toolNameResults, ToolCase } from '../harness/checks/hostname-verification';
import { CheckResult, finding, verdict } from '../harness/checks/model';
import { nodeLabel, RESOURCE_MANAGER, RM_WEB_PORT, YARN_CLIENT, YARN_DOMAIN } from '../harness/config/hadoop';
import { Identity } from '../harness/pki';
import { FileSpec } from '../harness/runtime/sandbox';
import { YarnCluster } from '../harness/runtime/yarn';
import { submitToYarn } from '../harness/runtime/yarn-flink';
import { ProbeStation } from '../harness/runtime/probe-station';
import { CLIENT_DIR, clientFiles, deploySessions, NODE_MANAGERS, restStores, sessionsNotDeployed, shippedRestSsl, yarnFlinkBase, YarnSession } from './lib/yarn';
import { Scenario } from './types';

type Variant = 'names' | 'wildcard';
const VARIANTS: Variant[] = ['names', 'wildcard'];
const TITLE: Record<Variant, string> = { names: 'a certificate naming every NodeManager', wildcard: `a wildcard certificate (*.${YARN_DOMAIN})` };

interface Material {
  certs: Record<Variant, Identity>;
}

/** One session cluster: a certificate variant, the NodeManager its JobManager must land on. */
interface Deployment extends YarnSession {
  variant: Variant;
  node: string;
}

const deploymentDir = (variant: Variant, node: string) => `${CLIENT_DIR}/rest-${variant}-${nodeLabel(node)}`;

export const yarnRestAnyNode: Scenario<Material> = {
  name: 'yarn-rest-any-node',
  runtime: 'yarn',
  title: 'YARN: a REST certificate valid on every host the JobManager may land on (several DNS names, or a wildcard)',
  docSection: 'Security › SSL Setup › Tips for a YARN Deployment (REST certificate for all JobManager hosts)',
  description: 'Four YARN session clusters, the JobManager placed on each NodeManager in turn with node labels, with a multi-name and a wildcard REST certificate; host names verified by Node, curl and openssl where the JobManager actually runs.',
  images: ['hadoop'],
  faults: {
    'cert-names-one-node': {
      setting: `REST certificate SAN=dns:${NODE_MANAGERS[0]} only`,
      description: 'the multi-name certificate forgets a NodeManager: verification fails when the JobManager lands there',
      expectRed: ['rest.names-verified-on-every-node', 'doc.tools-verify-hostname'],
      evidence: { 'rest.names-verified-on-every-node': new RegExp(`${NODE_MANAGERS[1].replace(/\./g, '\\.')}:\\d+ \\(JobManager REST\\): chain verified, name refused`) },
    },
    'wildcard-one-label-too-high': {
      setting: 'REST certificate SAN=dns:*.test',
      description: `a wildcard one level above the NodeManagers' domain: *.test does not cover nodemanager-N.${YARN_DOMAIN} (a wildcard stands for one label)`,
      expectRed: ['rest.wildcard-verified-on-every-node', 'doc.tools-verify-hostname'],
    },
  },

  prepare(inputs) {
    const names = inputs.fault === 'cert-names-one-node' ? [NODE_MANAGERS[0]] : NODE_MANAGERS;
    const wildcard = inputs.fault === 'wildcard-one-label-too-high' ? '*.test' : `*.${YARN_DOMAIN}`;
    return {
      certs: {
        names: Identity.selfSigned('flink.rest', { cn: names[0], san: { dns: names, ip: [] } }, 2048),
        wildcard: Identity.selfSigned('flink.rest', { cn: wildcard, san: { dns: [wildcard], ip: [] } }, 2048),
      },
    };
  },

  workshop: (ctx) => [
    'Try it:',
    `  docker exec ${ctx.sandbox.runId}-${YARN_CLIENT} yarn application -list           # four sessions, one per certificate and NodeManager`,
    `  docker exec ${ctx.sandbox.runId}-${YARN_CLIENT} yarn node -list -showDetails     # the node labels nm1, nm2`,
    `  docker exec ${ctx.sandbox.runId}-probe curl -s http://${RESOURCE_MANAGER}:${RM_WEB_PORT}/ws/v1/cluster/apps | head -c 600`,
    `  docker exec ${ctx.sandbox.runId}-probe curl -sv --cacert /probe/rest-names.pem https://${NODE_MANAGERS[1]}:<REST port>/overview   # name verified`,
  ],

  async run(ctx) {
    const { version } = ctx;
    const { certs } = ctx.material;
    const deployments: Deployment[] = VARIANTS.flatMap((variant) =>
      NODE_MANAGERS.map((node) => ({ variant, node, name: `rest-${variant}-${nodeLabel(node)}`, dir: deploymentDir(variant, node), settings: [`yarn.application.node-label=${nodeLabel(node)}`] })),
    );
    const files = clientFiles({ ...yarnFlinkBase(), ...shippedRestSsl() }, version, Object.fromEntries(deployments.map((d) => [d.dir, restStores(certs[d.variant])])));
    const pems: FileSpec[] = VARIANTS.map((v) => ({ content: certs[v].certPem(), target: `/probe/rest-${v}.pem`, mode: 0o644 }));

    const [yarn, station] = await ctx.phase('cluster', 'YARN up with node labels nm1, nm2 (yarn node -list, yarn rmadmin), client, probe', () =>
      Promise.all([YarnCluster.start(ctx.sandbox, { image: ctx.images.get('hadoop'), nodeLabels: true, clientFiles: files }), ProbeStation.start(ctx.sandbox, ctx.images.get('probe'), pems)]),
    );
    await ctx.phase('start', 'four session clusters (yarn-session.sh -d), each JobManager on the NodeManager its label names, RUNNING', () => deploySessions(yarn, station, deployments));

    return ctx.phase('checks', 'host names verified where each JobManager landed (Node, curl, openssl), Flink\'s CLI', async () => {
      const down = sessionsNotDeployed(deployments);
      if (down) return [down];
      const endpoint = (d: Deployment): NamedEndpoint => ({ name: d.app?.amHost ?? '?', port: d.submission?.web?.port ?? 0, label: 'JobManager REST' });
      const byVariant = await Promise.all(
        VARIANTS.map(async (v) => {
          const ds = deployments.filter((d) => d.variant === v);
          const results = await Promise.all(ds.map((d) => probeNames(station, [endpoint(d)], certs[v].certPem()).then((r) => r[0])));
          // Only where YARN put the JobManager where its label asked does the name prove anything.
          const notes = ds.map((d, i) => `${describeName(endpoint(d), results[i])}${d.app?.amHost === d.node ? '' : ` [asked for ${d.node}, landed on ${d.app?.amHost}]`}`);
          const ok = ds.every((d, i) => d.app?.amHost === d.node && nameOutcome(results[i]) === 'verified');
          return verdict(`rest.${v}-verified-on-every-node`, `${TITLE[v]} verifies on every NodeManager the JobManager landed on`, ok, notes.join('; '));
        }),
      );
      const cases: Array<ToolCase & { variant: Variant }> = deployments.flatMap((d) => (['curl', 'openssl'] as const).map((tool) => ({ tool, name: endpoint(d).name, port: endpoint(d).port, expect: 'verified' as const, variant: d.variant })));
      const tools = (
        await Promise.all(VARIANTS.map((v) => toolNameResults(station, cases.filter((c) => c.variant === v), { caFile: `/probe/rest-${v}.pem` })))
      ).flat();
      return [...byVariant, judgeToolNames('doc.tools-verify-hostname', 'curl --cacert and openssl s_client -verify_hostname agree, for every JobManager host', tools), await cliNames(yarn, deployments, certs)];
    });
  },
};

/**
 * INFO: Flink's CLI reaches the session on the second NodeManager with the multi-name truststore
 * and prints its jobs; whether the certificate names that host makes no difference to it.
 */
async function cliNames(yarn: YarnCluster, deployments: Deployment[], certs: Record<Variant, Identity>): Promise<CheckResult> {
  const d = deployments.find((x) => x.variant === 'names' && x.node === NODE_MANAGERS[1]) as Deployment;
  const app = d.app?.id as string;
  const args = ['list', '-t', 'yarn-session', `-Dyarn.application.id=${app}`];
  const r = await submitToYarn(yarn, args, { cwd: d.dir, timeoutMs: 45_000 });
  const named = (certs.names.cert.extensions.find((e: { name: string }) => e.name === 'subjectAltName') as { altNames?: Array<{ value: string }> } | undefined)?.altNames?.some((a) => a.value === d.app?.amHost);
  const listed = r.exitCode === 0 && /No running jobs|Running\/Restarting Jobs/.test(r.output);
  return finding(
    'cli.hostname-verification',
    "Flink's CLI and the JobManager's host name (it does not verify names: the docs' blog says so too)",
    `flink ${args.join(' ')} (truststore: the multi-name certificate, ${named ? 'which names' : 'which does NOT name'} ${d.app?.amHost}): ${listed ? 'connected and listed the jobs' : `exit ${r.exitCode}: ${r.output.trim().split('\n').pop()?.slice(0, 200)}`}`,
  );
}
