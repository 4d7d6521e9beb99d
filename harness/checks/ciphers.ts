import { ClientIdentityPem, TlsProbeRequest, TlsProbeResult } from '../probes/types';
import { PROTOCOLS, TLS12_SUITES, TLS13_SUITES } from '../probes/suites';
import { ProbeStation } from '../runtime/probe-station';
import { CheckResult, verdict } from './model';
import { Endpoint } from './tls-endpoint';

export interface SuiteScan {
  endpoint: Endpoint;
  /** IANA names of TLS 1.2 suites the server accepted, then TLS 1.3 ones. */
  accepted: string[];
  /** Suites the probe's OpenSSL could not offer (not tested). */
  untestable: string[];
  /** Suites and versions the server turned down with a TLS alert (what a refusal looks like). */
  refusedByAlert: string[];
  /** Suites and versions that got no TLS answer at all (no connection, timeout, not TLS). */
  unanswered: string[];
  protocols: Record<string, boolean>;
  ms: number;
}

/**
 * The server turned the offer down itself: an alert (for a suite it lacks, before any
 * ServerHello, which the probe reports as not-tls with that alert) or a refusal mid-handshake.
 */
export const serverRefused = (r: TlsProbeResult) => r.outcome === 'refused' || (r.outcome === 'not-tls' && !!r.alert);

/**
 * One handshake per suite (TLS 1.2 pinned, then each TLS 1.3 suite) and per protocol version,
 * all endpoints at once in one batch: a suite or version is accepted when the handshake
 * completes. The cluster's own certificate is presented, so mutual TLS is not what refuses.
 */
export async function scanSuites(station: ProbeStation, endpoints: Endpoint[], client?: ClientIdentityPem): Promise<{ scans: SuiteScan[]; totalMs: number; handshakes: number }> {
  const plan = endpoints.flatMap((e) => [
    ...TLS12_SUITES.map((s) => ({ e, kind: 'suite' as const, name: s.iana, req: { ciphers: `${s.openssl}:@SECLEVEL=0`, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } })),
    ...TLS13_SUITES.map((s) => ({ e, kind: 'suite' as const, name: s, req: { ciphers: s, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } })),
    ...PROTOCOLS.map((p) => ({ e, kind: 'protocol' as const, name: p, req: { ciphers: 'ALL:@SECLEVEL=0', minVersion: p, maxVersion: p } })),
  ]);
  const t0 = Date.now();
  const results = await station.run<TlsProbeResult>(
    plan.map((p) => ({ kind: 'tls', host: p.e.host, port: p.e.port, client, timeoutMs: 5000, settleMs: 50, ...p.req }) as TlsProbeRequest),
  );
  const totalMs = Date.now() - t0;
  const scans = endpoints.map((e) => {
    const mine = plan.map((p, i) => ({ ...p, r: results[i] })).filter((p) => p.e === e);
    return {
      endpoint: e,
      accepted: mine.filter((p) => p.kind === 'suite' && p.r.outcome === 'established').map((p) => p.name),
      untestable: mine.filter((p) => p.r.outcome === 'client-unsupported').map((p) => p.name),
      refusedByAlert: mine.filter((p) => serverRefused(p.r)).map((p) => p.name),
      unanswered: mine.filter((p) => !['established', 'client-unsupported'].includes(p.r.outcome) && !serverRefused(p.r)).map((p) => p.name),
      protocols: Object.fromEntries(mine.filter((p) => p.kind === 'protocol').map((p) => [p.name, p.r.outcome === 'established'])),
      ms: Math.max(...mine.map((p) => p.r.elapsedMs)),
    };
  });
  return { scans, totalMs, handshakes: plan.length };
}

/**
 * What the docs promise for security.ssl.algorithms and security.ssl.protocol, per endpoint:
 * only the configured suites are accepted; weak ones are refused; versions other than the
 * configured one are refused.
 */
export function cipherPolicyChecks(scans: SuiteScan[], configured: { algorithms: string[]; protocol: string }): CheckResult[] {
  return scans.flatMap((s) => {
    const id = s.endpoint.id;
    const extra = s.accepted.filter((a) => !configured.algorithms.includes(a));
    const versions = Object.entries(s.protocols).map(([p, ok]) => `${p} ${ok ? 'accepted' : s.unanswered.includes(p) ? 'no TLS answer' : 'refused'}`).join(', ');
    const otherVersions = Object.entries(s.protocols).filter(([p, ok]) => ok && p !== configured.protocol).map(([p]) => p);
    const unansweredVersions = Object.keys(s.protocols).filter((p) => p !== configured.protocol && s.unanswered.includes(p));
    return [
      verdict(
        `${id}.only-configured-suites`,
        `${s.endpoint.label} accepts only the configured suites`,
        s.accepted.length > 0 && extra.length === 0,
        `accepted: ${s.accepted.join(', ') || 'none'}${extra.length ? ` — NOT configured: ${extra.join(', ')}` : ''}`,
        { scan: s },
      ),
      weakSuitesVerdict(s),
      verdict(
        `${id}.refuses-other-protocols`,
        `${s.endpoint.label} speaks only ${configured.protocol}`,
        // A version "refused" only counts as the server's alert while the configured one works.
        s.protocols[configured.protocol] === true && otherVersions.length === 0 && unansweredVersions.length === 0,
        `${versions}${otherVersions.length ? ` — security.ssl.protocol is ${configured.protocol}` : ''}`,
        { scan: s },
      ),
    ];
  });
}

/**
 * *.refuses-weak-suites: every weak suite the probe offered was refused by the server with a
 * TLS alert, in a scan where the same endpoint accepted at least one suite. A dead or plaintext
 * port "refuses" every suite too; that is not this claim.
 */
export function weakSuitesVerdict(s: SuiteScan): CheckResult {
  const weak = TLS12_SUITES.filter((w) => w.weak).map((w) => w.iana);
  const offered = weak.filter((w) => !s.untestable.includes(w));
  const accepted = offered.filter((w) => s.accepted.includes(w));
  const noAnswer = offered.filter((w) => s.unanswered.includes(w));
  const spoke = s.accepted.length > 0;
  const ok = spoke && accepted.length === 0 && noAnswer.length === 0;
  const why = !spoke
    ? `the endpoint accepted no suite at all in this scan (${s.unanswered.length} offers got no TLS answer): a refusal proves nothing here`
    : accepted.length
      ? `accepted weak: ${accepted.join(', ')}`
      : noAnswer.length
        ? `no TLS answer (not a refusal) for: ${noAnswer.join(', ')}`
        : `refused with a TLS alert all ${offered.length} weak suites offered: ${offered.join(', ')}`;
  return verdict(
    `${s.endpoint.id}.refuses-weak-suites`,
    `${s.endpoint.label} refuses weak suites (TLS_RSA_*, CBC, 3DES, NULL, RC4)`,
    ok,
    `${why}${s.untestable.length ? `; not offerable by the probe: ${s.untestable.join(', ')}` : ''}`,
    { scan: s },
  );
}
