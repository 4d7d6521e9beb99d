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

/** A name as openssl or curl is asked to verify it, and what it must come to. */
export interface ToolCase {
  tool: 'openssl' | 'curl';
  name: string;
  port: number;
  expect: 'verified' | 'name-mismatch';
}

/**
 * openssl's verdict from `s_client -verify_hostname` output: "Verify return code: 0 (ok)" or
 * 62 (hostname mismatch); any other code is about the chain.
 */
export function opensslOutcome(output: string): NameOutcome {
  const code = /Verify return code: (\d+)/.exec(output)?.[1];
  if (code === undefined) return 'no-certificate';
  return code === '0' ? 'verified' : code === '62' ? 'name-mismatch' : 'chain-failed';
}

/** curl's: exit 0 with an HTTP status is verified; exit 60 naming the subject name is the name refused. */
export function curlOutcome(exit: number, stderr: string): NameOutcome {
  if (exit === 0) return 'verified';
  if (exit === 60 && /subject name|alternative certificate subject name|does not match target host/i.test(stderr)) return 'name-mismatch';
  return exit === 60 ? 'chain-failed' : 'no-certificate';
}

/**
 * The same names through the tools a user has (in the probe pod): `openssl s_client
 * -verify_hostname` and `curl --cacert`; `caFile`, `certFile` and `keyFile` must be there.
 */
export async function toolNameResults(station: ProbeStation, cases: ToolCase[], files: { caFile: string; certFile?: string; keyFile?: string }): Promise<Array<{ c: ToolCase; outcome: NameOutcome; said: string }>> {
  // A client certificate only where the server asks for one (internal mutual TLS).
  const clientCert = files.certFile && files.keyFile ? ` -cert ${files.certFile} -key ${files.keyFile}` : '';
  return Promise.all(
    cases.map(async (c) => {
      if (c.tool === 'openssl') {
        const r = await station.sh(`echo | timeout 15 openssl s_client -connect ${c.name}:${c.port} -servername ${c.name} -verify_hostname ${c.name} -CAfile ${files.caFile}${clientCert} 2>&1 | grep -E '^ *Verify return code|verify error' | head -2`);
        return { c, outcome: opensslOutcome(r.stdout), said: r.stdout.trim().split('\n').join(' / ') || 'no verification result' };
      }
      const r = await station.sh(`curl -sS --max-time 15 --cacert ${files.caFile} -o /dev/null -w '%{http_code}' https://${c.name}:${c.port}/overview; echo " exit=$?"`);
      const exit = Number(/exit=(\d+)/.exec(r.stdout)?.[1] ?? -1);
      return { c, outcome: curlOutcome(exit, r.stderr), said: `exit ${exit}${exit === 0 ? `, HTTP ${r.stdout.trim().split(' ')[0]}` : `: ${r.stderr.trim().split('\n')[0]}`}` };
    }),
  );
}

/** wildcard.tools-agree: every tool case came to what it must. */
export function judgeToolNames(id: string, title: string, results: Array<{ c: ToolCase; outcome: NameOutcome; said: string }>): CheckResult {
  return verdict(
    id,
    title,
    results.length > 0 && results.every((r) => r.outcome === r.c.expect),
    results.map((r) => `${r.c.tool} ${r.c.name}:${r.c.port}: ${r.outcome}${r.outcome === r.c.expect ? '' : ` (expected ${r.c.expect})`} (${r.said})`).join('; '),
  );
}
