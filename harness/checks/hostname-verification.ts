/**
 * Hostname verification as a client that does it would (openssl s_client -verify_hostname,
 * curl): the chain must verify against the trusted certificate AND the name the client asked for
 * must be in the server certificate. A mismatch counts only as a mismatch: the server spoke TLS,
 * sent its certificate, the chain verified, and only the name failed; a dead port or an unknown
 * chain is no evidence about names.
 */
import { ClientIdentityPem, TlsProbeRequest, TlsProbeResult } from '../probes/types';
import { ProbeStation } from '../runtime/probe-station';
import { CheckResult, verdict } from './model';
import { describeTls } from './tls-endpoint';

export interface NamedEndpoint {
  /** The name the client asks for (DNS lookup, SNI and the name checked). */
  name: string;
  port: number;
  /** What listens there ("TaskManager RPC"). */
  label: string;
}

export type NameOutcome = 'verified' | 'name-mismatch' | 'chain-failed' | 'no-certificate';

export function nameOutcome(r: TlsProbeResult): NameOutcome {
  if (!r.serverSpokeTls || !r.peer) return 'no-certificate';
  // Node checks the name only once the chain verified; its error then stands for the name.
  if (r.authorized === true) return r.hostnameError ? 'name-mismatch' : 'verified';
  return r.authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'name-mismatch' : 'chain-failed';
}

export function describeName(e: NamedEndpoint, r: TlsProbeResult): string {
  const o = nameOutcome(r);
  const what = `${e.name}:${e.port} (${e.label})`;
  if (o === 'verified') return `${what}: verified (chain and name; SAN ${r.peer?.san})`;
  if (o === 'name-mismatch') return `${what}: chain verified, name refused: ${r.hostnameError}`;
  if (o === 'chain-failed') return `${what}: chain not verified (${r.authorizationError ?? 'no CA given'})`;
  return `${what}: no certificate to check: ${describeTls(r)}`;
}

/** One TLS handshake per endpoint from the station, verifying against `caPem` and presenting `client`. */
export async function probeNames(station: ProbeStation, endpoints: NamedEndpoint[], caPem: string, client?: ClientIdentityPem): Promise<TlsProbeResult[]> {
  return station.run<TlsProbeResult>(endpoints.map((e): TlsProbeRequest => ({ kind: 'tls', host: e.name, port: e.port, servername: e.name, caPem, client })));
}

/** A check that every endpoint ends as `expect` (each one's outcome is the evidence). */
export function judgeNames(id: string, title: string, endpoints: NamedEndpoint[], results: TlsProbeResult[], expect: NameOutcome): CheckResult {
  const ok = endpoints.length > 0 && results.every((r) => nameOutcome(r) === expect);
  return verdict(id, title, ok, endpoints.map((e, i) => describeName(e, results[i])).join('; '));
}
