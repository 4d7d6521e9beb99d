/**
 * Docs: "Tips for a YARN Deployment":
 *
 *   When deployed using YARN, Flink's web UI is accessible through the YARN proxy's "Tracking
 *   URL". To ensure that the YARN proxy is able to access Flink's HTTPS URL, you need to configure
 *   the YARN proxy to accept Flink's SSL certificates. To do this, add the custom CA certificate
 *   into Java's default truststore on the YARN proxy node.
 *
 * REST SSL with certificates from a custom CA. The ResourceManager (whose web proxy serves the
 * Tracking URL) has that CA in its JDK's default truststore (keytool -importcert -cacerts) and
 * not a second CA. Two session clusters: one with a certificate of the trusted CA, one of the
 * other; both reached directly and through the proxy.
 */
import { CheckResult, finding, verdict } from '../harness/checks/model';
import { RESOURCE_MANAGER, RM_WEB_PORT, YARN_CLIENT } from '../harness/config/hadoop';
import { Identity } from '../harness/pki';
import { HttpProbeResult } from '../harness/probes/types';
import { ProbeStation } from '../harness/runtime/probe-station';
import { nodeManagerAddress, YarnCluster } from '../harness/runtime/yarn';
import { CLIENT_DIR, clientFiles, deploySessions, NODE_MANAGERS, restStores, sessionsNotDeployed, shippedRestSsl, yarnFlinkBase, YarnSession } from './lib/yarn';
import { Scenario } from './types';

/** The JDK's own words when a chain leads to no CA it trusts. */
const PKIX = /PKIX path building failed|unable to find valid certification path/;

interface Material {
  ca: Identity;
  otherCa: Identity;
}

type Which = 'trusted' | 'untrusted';
interface Session extends YarnSession {
  which: Which;
}

export const yarnTrackingProxy: Scenario<Material> = {
  name: 'yarn-tracking-proxy',
  runtime: 'yarn',
  title: "YARN: Flink's HTTPS web UI through the ResourceManager's proxy (Tracking URL), the CA in the proxy node's Java truststore",
  docSection: 'Security › SSL Setup › Tips for a YARN Deployment (the YARN proxy and the custom CA)',
  description: "REST SSL with CA-signed certificates; the ResourceManager's web proxy trusts the CA through its JDK's default truststore; a session with that CA's certificate is reachable through the Tracking URL, one with another CA's is not (the JDK's PKIX error).",
  images: ['hadoop'],
  faults: {
    'ca-missing': {
      setting: "the custom CA not added to the proxy node's Java default truststore",
      description: "the docs' step left out: the proxy cannot verify Flink's certificate",
      expectRed: ['proxy.returns-flink-json'],
      evidence: { 'proxy.returns-flink-json': PKIX },
    },
    'cert-without-ip-san': {
      setting: 'REST certificates name the NodeManagers by DNS name only (no ip:)',
      description: 'Flink registers the Tracking URL with the JobManager host\'s IP address: a certificate without it fails the proxy\'s host name check',
      expectRed: ['proxy.returns-flink-json'],
      evidence: { 'proxy.returns-flink-json': /SSLPeerUnverifiedException: Certificate for <[\d.]+> doesn't match/ },
    },
    'other-ca-trusted': {
      setting: "the other CA added to the proxy node's Java default truststore as well",
      description: 'the proxy trusts every CA in its JDK: the second session becomes reachable too',
      expectRed: ['proxy.refuses-untrusted-ca'],
    },
  },

  prepare() {
    return {
      ca: Identity.selfSigned('rest-ca', { cn: 'Sandbox REST CA', isCa: true }, 2048),
      otherCa: Identity.selfSigned('other-ca', { cn: 'Some Other CA', isCa: true }, 2048),
    };
  },

  workshop: (ctx) => [
    'Try it:',
    `  docker exec ${ctx.sandbox.runId}-${YARN_CLIENT} yarn application -list                    # Tracking-URL: what Flink registered`,
    `  docker exec ${ctx.sandbox.runId}-probe curl -s http://${RESOURCE_MANAGER}:${RM_WEB_PORT}/proxy/<application id>/overview   # Flink's JSON through the proxy`,
    `  docker exec ${ctx.sandbox.runId}-${RESOURCE_MANAGER} keytool -list -cacerts -storepass changeit -alias fss-ca-1   # the CA in the JDK's default truststore (Debian's default password)`,
  ],

  async run(ctx) {
    const { version, fault, sandbox } = ctx;
    const { ca, otherCa } = ctx.material;
    // Flink registers the Tracking URL with the JobManager host's address: the certificates name
    // every NodeManager by DNS name and by address (fixed for that reason).
    const san = { dns: NODE_MANAGERS, ip: fault === 'cert-without-ip-san' ? [] : NODE_MANAGERS.map((_, i) => nodeManagerAddress(sandbox, i)) };
    const certs: Record<Which, Identity> = {
      trusted: Identity.signedBy(ca, 'flink.rest', { cn: NODE_MANAGERS[0], san }, 2048),
      untrusted: Identity.signedBy(otherCa, 'flink.rest', { cn: NODE_MANAGERS[0], san }, 2048),
    };
    const cas: Record<Which, Identity> = { trusted: ca, untrusted: otherCa };
    const sessions: Session[] = (['trusted', 'untrusted'] as Which[]).map((which) => ({ which, name: `proxy-${which}`, dir: `${CLIENT_DIR}/proxy-${which}` }));
    // Each session's clients trust its CA.
    const files = clientFiles({ ...yarnFlinkBase(), ...shippedRestSsl() }, version, Object.fromEntries(sessions.map((s) => [s.dir, restStores(certs[s.which], cas[s.which])])));
    const proxyTrustPems = fault === 'ca-missing' ? [] : fault === 'other-ca-trusted' ? [ca.certPem(), otherCa.certPem()] : [ca.certPem()];

    const [yarn, station] = await ctx.phase('cluster', `YARN up, ${proxyTrustPems.length} CA(s) in the ResourceManager's Java default truststore`, () =>
      Promise.all([YarnCluster.start(sandbox, { image: ctx.images.get('hadoop'), proxyTrustPems, clientFiles: files }), ProbeStation.start(sandbox, ctx.images.get('probe'))]),
    );
    await ctx.phase('start', 'two session clusters (yarn-session.sh -d): certificate of the trusted CA, of the other CA', () => deploySessions(yarn, station, sessions));
    return ctx.phase('checks', 'Flink directly and through the Tracking URL', async () => {
      const down = sessionsNotDeployed(sessions);
      if (down) return [down];
      const [trusted, untrusted] = sessions;
      const [tracking, direct, viaProxy] = await Promise.all([
        trackingUrls(yarn, sessions),
        station.one<HttpProbeResult>({ kind: 'http', url: `https://${untrusted.app?.amHost}:${untrusted.submission?.web?.port}/overview`, caPem: otherCa.certPem() }),
        station.run<HttpProbeResult>(sessions.map((s) => ({ kind: 'http', url: proxyUrl(s), timeoutMs: 20_000 }))),
      ]);
      const rmLog = sandbox.logOf(RESOURCE_MANAGER);
      return [
        tracking,
        verdict(
          'proxy.returns-flink-json',
          "through the Tracking URL the proxy returns Flink's JSON (its CA is in the proxy node's Java truststore)",
          isFlinkJson(viaProxy[0]),
          `${proxyUrl(trusted)}: ${isFlinkJson(viaProxy[0]) ? describe(viaProxy[0]) : `${statusOf(viaProxy[0])}: ${proxyError(viaProxy[0], rmLog, trusted.app?.id as string)}`}`,
        ),
        // A refusal counts only for a JobManager that answers a client trusting its CA directly.
        verdict(
          'proxy.refuses-untrusted-ca',
          "the proxy refuses a JobManager whose CA its Java truststore lacks, with the JDK's PKIX error (the JobManager itself answers)",
          isFlinkJson(direct) && !isFlinkJson(viaProxy[1]) && PKIX.test(proxyError(viaProxy[1], rmLog, untrusted.app?.id as string)),
          `${proxyUrl(untrusted)}: ${isFlinkJson(viaProxy[1]) ? describe(viaProxy[1]) : `${statusOf(viaProxy[1])}: ${proxyError(viaProxy[1], rmLog, untrusted.app?.id as string)}`}; directly with its CA: ${describe(direct)}`,
        ),
      ];
    });
  },
};

const proxyUrl = (s: Session) => `http://${RESOURCE_MANAGER}:${RM_WEB_PORT}/proxy/${s.app?.id}/overview`;

function isFlinkJson(r: HttpProbeResult): boolean {
  return r.status === 200 && typeof (r.json as { 'flink-version'?: string } | undefined)?.['flink-version'] === 'string';
}

const statusOf = (r: HttpProbeResult) => (r.status !== undefined ? `HTTP ${r.status}` : `${r.code ?? ''} ${r.error ?? ''}`.trim());

function describe(r: HttpProbeResult): string {
  if (r.status === undefined) return `${r.code ?? ''} ${r.error ?? ''}`.trim();
  const j = r.json as { 'flink-version'?: string } | undefined;
  return `HTTP ${r.status}${j?.['flink-version'] ? ` (Flink ${j['flink-version']} overview)` : ` ${(r.body ?? '').replace(/\s+/g, ' ').slice(0, 160)}`}`;
}

/**
 * Why the proxy failed for this application, in the JDK's words: the title of its error page, or
 * the ResourceManager's log line for this application's proxy path (never another one's).
 */
export function proxyError(r: HttpProbeResult, rmLog: string, appId: string): string {
  const entities: Record<string, string> = { lt: '<', gt: '>', apos: "'", quot: '"', amp: '&' };
  const title = /<title>([^<]*)<\/title>/i
    .exec(r.body ?? '')?.[1]
    ?.replace(/&(lt|gt|apos|quot|amp);/g, (_, e: string) => entities[e])
    .replace(/\s+/g, ' ')
    .trim();
  if (title) return title;
  const line = rmLog.split('\n').find((l) => l.includes(`/proxy/${appId}/`) && /Exception/.test(l));
  return line?.trim() ?? '';
}

/** INFO: what Flink registered as Tracking-URL (yarn application -status), and what the RM hands out. */
async function trackingUrls(yarn: YarnCluster, sessions: Session[]): Promise<CheckResult> {
  const r = await yarn.yarn(['application', '-status', sessions[0].app?.id as string]);
  const registered = /Tracking-URL : (\S+)/.exec(r.stdout)?.[1] ?? `? (${r.output.trim().split('\n').pop()})`;
  return finding('proxy.tracking-url', 'the Tracking URL: what Flink registered with YARN, and what the ResourceManager hands out', `Flink registered ${registered} (the JobManager host's address, not its name); the RM's Tracking URL is ${sessions[0].app?.trackingUrl}`);
}
