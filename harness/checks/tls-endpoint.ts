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
  const tls = (e: Endpoint, client?: ClientIdentityPem): TlsProbeRequest => ({ kind: 'tls', host: e.host, port: e.port, client, timeoutMs: 5000 });
  const reqs = endpoints.flatMap((e) => [
    { kind: 'plain' as const, host: e.host, port: e.port },
    tls(e),
    tls(e, clients.foreign),
    tls(e, clients.own),
  ]);
  const results = await station.run(reqs);
  return endpoints.flatMap((e, i) => {
    const [plain, none, foreign, own] = results.slice(i * 4, i * 4 + 4) as [PlainProbeResult, TlsProbeResult, TlsProbeResult, TlsProbeResult];
    const spokeTls = none.serverSpokeTls || foreign.serverSpokeTls || own.serverSpokeTls;
    const plainUseless = plain.connected && !plain.looksLikeHttp && (plain.bytes === 0 || plain.looksLikeTlsAlert);
    const refusedByTls = (r: TlsProbeResult) => r.outcome === 'refused' && r.serverSpokeTls;
    const ownOk = own.outcome === 'established' && own.peer?.sha1 === clients.expectedServerSha1;
    const at = `${e.host}:${e.port}`;
    return [
      verdict(`${e.id}.requires-tls`, `${e.label} speaks only TLS`, spokeTls && plainUseless, `${at}: ${describePlain(plain)}; TLS client: ${spokeTls ? 'server answered with a ServerHello' : describeTls(none)}`, { plain }),
      verdict(`${e.id}.requires-client-cert`, `${e.label} refuses a client without a certificate`, refusedByTls(none), `no client cert: ${describeTls(none)}`, { none }),
      verdict(`${e.id}.rejects-foreign-cert`, `${e.label} refuses a foreign self-signed certificate`, refusedByTls(foreign), `${clients.foreign.label}: ${describeTls(foreign)}`, { foreign }),
      verdict(
        `${e.id}.accepts-cluster-cert`,
        `${e.label} accepts the cluster's own certificate`,
        ownOk,
        `${clients.own.label}: ${describeTls(own)}${own.outcome === 'established' && !ownOk ? ` — but the server's certificate is not the cluster's (expected SHA-1 ${clients.expectedServerSha1})` : ''}`,
        { own },
      ),
    ];
  });
}
