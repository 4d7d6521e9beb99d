import { ClientIdentityPem, PlainProbeResult, TlsProbeRequest, TlsProbeResult } from '../probes/types';
import { ProbeStation } from '../runtime/probe-station';
import { CheckResult, verdict } from './model';

export interface Endpoint {
  /** Check-id prefix, e.g. "blob". */
  id: string;
  label: string;
  host: string;
  port: number;
}

export function describeTls(r: TlsProbeResult): string {
  switch (r.outcome) {
    case 'established':
      return `handshake done (${r.protocol}, ${r.cipher}; server cert ${r.peer?.subject}, SHA-1 ${r.peer?.sha1})`;
    case 'refused':
      return `refused ${r.stage === 'post-handshake' ? 'after' : 'during'} the handshake${r.alert ? ` with alert "${r.alert}"` : ''}${r.alert ? '' : `: ${r.error}`}`;
    case 'not-tls':
      return `no TLS spoken (${r.error})`;
    default:
      return `${r.outcome}${r.error ? ` (${r.error})` : ''}`;
  }
}

function describePlain(p: PlainProbeResult): string {
  if (!p.connected) return `no connection (${p.error})`;
  if (p.bytes === 0) return `plaintext request got 0 bytes back${p.closedByPeer ? ', connection closed' : ''}`;
  return `plaintext request got ${p.bytes} bytes: ${p.looksLikeTlsAlert ? 'a TLS alert record' : JSON.stringify(p.headText)}`;
}

/**
 * The four claims the docs make for every internal endpoint under mutual TLS, each checked
 * from the side that must fail as well as the side that must work:
 * - requires-tls: the port speaks TLS and a plaintext client gets nothing it can use;
 * - requires-client-cert: a TLS client without a certificate is refused by the server;
 * - rejects-foreign-cert: a self-signed certificate the cluster does not trust is refused;
 * - accepts-cluster-cert: the cluster's own certificate completes the handshake.
 * A refusal only counts when the server spoke TLS: a plaintext port "refusing" a TLS client
 * proves nothing about client authentication.
 */
export async function mutualTlsEndpointChecks(
  station: ProbeStation,
  endpoints: Endpoint[],
  clients: { own: ClientIdentityPem; foreign: ClientIdentityPem; expectedServerSha1: string },
): Promise<CheckResult[]> {
  const [plains, byCase] = await Promise.all([
    station.run<PlainProbeResult>(endpoints.map((e) => ({ kind: 'plain' as const, host: e.host, port: e.port }))),
    clientCertChecks(station, endpoints, [
      { id: 'requires-client-cert', title: 'refuses a client without a certificate', expect: 'refused' },
      { id: 'rejects-foreign-cert', title: 'refuses a foreign self-signed certificate', client: clients.foreign, expect: 'refused' },
      { id: 'accepts-cluster-cert', title: "accepts the cluster's own certificate", client: clients.own, expect: 'accepted', expectedServerSha1: clients.expectedServerSha1 },
    ]),
  ]);
  return endpoints.flatMap((e, i) => {
    const plain = plains[i];
    const mine = byCase.filter((c) => c.id.startsWith(`${e.id}.`));
    const spokeTls = mine.some((c) => (c.data as { probe: TlsProbeResult }).probe.serverSpokeTls);
    const none = (mine[0].data as { probe: TlsProbeResult }).probe;
    const plainUseless = plain.connected && !plain.looksLikeHttp && (plain.bytes === 0 || plain.looksLikeTlsAlert);
    return [
      verdict(`${e.id}.requires-tls`, `${e.label} speaks only TLS`, spokeTls && plainUseless, `${e.host}:${e.port}: ${describePlain(plain)}; TLS client: ${spokeTls ? 'server answered with a ServerHello' : describeTls(none)}`, { plain }),
      ...mine,
    ];
  });
}

export interface ClientCase {
  /** Check-id suffix: `<endpoint>.<id>`. */
  id: string;
  title: string;
  client?: ClientIdentityPem;
  expect: 'refused' | 'accepted';
  /** For 'accepted': the server must also show this certificate. */
  expectedServerSha1?: string;
}

/**
 * One handshake per endpoint and client, judged against what the case expects. A refusal only
 * counts when the server spoke TLS: a plaintext port "refusing" a TLS client proves nothing
 * about client authentication.
 */
export async function clientCertChecks(station: ProbeStation, endpoints: Endpoint[], cases: ClientCase[]): Promise<CheckResult[]> {
  const reqs: TlsProbeRequest[] = endpoints.flatMap((e) => cases.map((c) => ({ kind: 'tls' as const, host: e.host, port: e.port, client: c.client, timeoutMs: 5000 })));
  const results = await station.run<TlsProbeResult>(reqs);
  return endpoints.flatMap((e, i) =>
    cases.map((c, j) => {
      const r = results[i * cases.length + j];
      const who = c.client?.label ?? 'no client cert';
      if (c.expect === 'refused') {
        return verdict(`${e.id}.${c.id}`, `${e.label} ${c.title}`, r.outcome === 'refused' && r.serverSpokeTls, `${who}: ${describeTls(r)}`, { probe: r });
      }
      const rightServer = !c.expectedServerSha1 || r.peer?.sha1 === c.expectedServerSha1;
      const ok = r.outcome === 'established' && rightServer;
      const wrongServer = r.outcome === 'established' && !rightServer ? ` — but the server's certificate is not the expected one (SHA-1 ${c.expectedServerSha1})` : '';
      return verdict(`${e.id}.${c.id}`, `${e.label} ${c.title}`, ok, `${who}: ${describeTls(r)}${wrongServer}`, { probe: r });
    }),
  );
}
