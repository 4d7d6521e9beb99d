import { ClientIdentityPem, HttpProbeResult, PlainProbeResult, TlsProbeResult } from '../probes/types';
import { ProbeStation } from '../runtime/probe-station';
import { describeTls } from './tls-endpoint';
import { CheckResult, finding, verdict } from './model';

/** Node's codes for "I do not trust this certificate" (as opposed to "this is not TLS"). */
const UNTRUSTED = /DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE/;

export interface RestTarget {
  /** The JobManager's DNS name, in the certificate's SANs. */
  host: string;
  /** Its fixed address, in the certificate's SANs (unless a fault removed it). */
  ip: string;
  /** Another DNS name of the same JobManager that the certificate does not name. */
  hostNotInSan: string;
  port: number;
  /** What a trusting client trusts: the server certificate itself, or the CA. */
  trustPem: string;
  /** Mutual authentication: the identity clients present. */
  client?: ClientIdentityPem;
  foreign: ClientIdentityPem;
  /** security.ssl.protocol as configured, to compare with what REST negotiates. */
  configuredProtocol: string;
  /** CA scenario: the CA that signed the server certificate, and an unrelated one. */
  ca?: { pem: string; subject: string; otherPem: string };
}

function httpWhat(r: HttpProbeResult): string {
  if (r.status !== undefined) {
    const j = r.json as { taskmanagers?: number; 'flink-version'?: string } | undefined;
    return `HTTP ${r.status}${j?.taskmanagers !== undefined ? ` (${j.taskmanagers} TaskManagers, Flink ${j['flink-version']})` : ''}`;
  }
  return `refused: ${r.code ?? ''} ${r.error ?? ''}`.trim();
}

/**
 * The REST endpoint's TLS claims from the docs, each from both sides: it serves TLS and nothing
 * else; a client with the truststore gets the cluster's JSON, one with only the system CAs does
 * not; the certificate names the JobManager by DNS name and IP and nothing else; with a CA, the
 * chain leads to it and not to another CA; with mutual auth, no or a foreign client certificate
 * is refused.
 */
export async function restTlsChecks(station: ProbeStation, t: RestTarget): Promise<CheckResult[]> {
  const url = (host: string) => `https://${host}:${t.port}/overview`;
  const tls = (host: string, extra: { caPem?: string; client?: ClientIdentityPem | null } = {}) => ({
    kind: 'tls' as const,
    host,
    port: t.port,
    caPem: extra.caPem,
    client: extra.client === null ? undefined : extra.client ?? t.client,
  });
  const reqs = [
    tls(t.host),
    { kind: 'plain' as const, host: t.host, port: t.port },
    { kind: 'http' as const, url: url(t.host), caPem: t.trustPem, client: t.client },
    { kind: 'http' as const, url: url(t.host), client: t.client },
    { kind: 'http' as const, url: url(t.ip), caPem: t.trustPem, client: t.client },
    { kind: 'http' as const, url: url(t.hostNotInSan), caPem: t.trustPem, client: t.client },
    tls(t.hostNotInSan),
    ...(t.ca ? [tls(t.host, { caPem: t.ca.pem }), tls(t.host, { caPem: t.ca.otherPem })] : []),
    ...(t.client ? [tls(t.host, { client: null }), tls(t.host, { client: t.foreign })] : []),
  ];
  const r = await station.run(reqs);
  const [served, plain, trusted, untrusted, byIp, byOther, otherTls] = r as [TlsProbeResult, PlainProbeResult, HttpProbeResult, HttpProbeResult, HttpProbeResult, HttpProbeResult, TlsProbeResult];
  const checks: CheckResult[] = [];

  const chain = served.peer?.chain?.length ? served.peer.chain.join(' ← ') : served.peer?.subject;
  checks.push(
    verdict('rest.serves-tls', 'the REST port serves TLS', served.outcome === 'established', served.outcome === 'established' ? `${served.protocol}, ${served.cipher}; chain as served: ${chain}; SAN ${served.peer?.san}` : describeTls(served)),
  );
  // Flink answers plain HTTP on its TLS port with a redirect to https: no API data, so that
  // passes; a 2xx (the API over plain HTTP) does not.
  const apiOverPlain = plain.looksLikeHttp && /^HTTP\/1\.[01] 2\d\d/.test(plain.httpStatusLine ?? '');
  checks.push(
    verdict(
      'rest.rejects-plaintext',
      'plain HTTP to the REST port gets no API answer',
      plain.connected && !apiOverPlain && served.serverSpokeTls,
      plain.connected
        ? plain.looksLikeHttp
          ? `plain GET /overview → "${plain.httpStatusLine}"${plain.location ? `, Location: ${plain.location}` : ''}`
          : `plain GET /overview got ${plain.bytes} bytes${plain.looksLikeTlsAlert ? ' (a TLS alert)' : ''}, no HTTP answer`
        : `no connection: ${plain.error}`,
    ),
  );
  const okJson = (h: HttpProbeResult) => h.status === 200 && typeof (h.json as { taskmanagers?: number } | undefined)?.taskmanagers === 'number';
  checks.push(verdict('rest.trusted-with-truststore', 'a client trusting the truststore gets the cluster\'s JSON', okJson(trusted), `GET ${trusted.url} with the truststore: ${httpWhat(trusted)}`));
  checks.push(
    verdict(
      'rest.untrusted-without-truststore',
      'a client with only the system CAs refuses the certificate',
      UNTRUSTED.test(untrusted.code ?? ''),
      `GET ${untrusted.url} with system CAs only: ${httpWhat(untrusted)}`,
    ),
  );
  const ipOk = okJson(byIp);
  const otherRefused = byOther.code === 'ERR_TLS_CERT_ALTNAME_INVALID' && !!otherTls.peer;
  checks.push(
    verdict('rest.san-matches-name', `the certificate verifies for the JobManager's DNS name ${t.host}`, okJson(trusted), `by name ${t.host}: ${httpWhat(trusted)}`),
    verdict('rest.san-matches-ip', `the certificate verifies for the JobManager's IP ${t.ip}`, ipOk, `by IP ${t.ip}: ${httpWhat(byIp)}`),
    verdict(
      'rest.san-rejects-other-name',
      'the certificate does not verify for a name it does not carry',
      // The name mismatch itself, from a server that answered TLS: not a trust or connection error.
      otherRefused,
      `by ${t.hostNotInSan} (not in SAN): ${httpWhat(byOther)}`,
    ),
  );
  if (served.protocol && served.protocol !== t.configuredProtocol) {
    checks.push(
      finding(
        'rest.protocol-not-as-configured',
        'REST negotiates another TLS version than security.ssl.protocol',
        `security.ssl.protocol: ${t.configuredProtocol}, but a client offering TLS 1.0–1.3 got ${served.protocol} (${served.cipher}) from the REST endpoint`,
      ),
    );
  }
  let i = 7;
  if (t.ca) {
    const [viaCa, viaOther] = r.slice(i, i + 2) as [TlsProbeResult, TlsProbeResult];
    i += 2;
    checks.push(
      verdict(
        'rest.chain-validates-to-ca',
        `the served chain validates to ${t.ca.subject}`,
        viaCa.outcome === 'established' && viaCa.authorized === true,
        `trusting only the CA: ${viaCa.authorized ? 'chain verified' : `not verified (${viaCa.authorizationError})`}; chain ${viaCa.peer?.chain?.join(' ← ')}`,
      ),
    );
    checks.push(
      verdict(
        'rest.other-ca-refused',
        'a client that trusts another CA does not accept the server',
        viaOther.outcome === 'established' && viaOther.authorized === false,
        `trusting another CA: ${viaOther.authorized === false ? `refused (${viaOther.authorizationError})` : `accepted${viaOther.outcome !== 'established' ? ` (${viaOther.outcome})` : ''}`}`,
      ),
    );
  }
  if (t.client) {
    const [none, foreign] = r.slice(i, i + 2) as [TlsProbeResult, TlsProbeResult];
    const refused = (x: TlsProbeResult) => x.outcome === 'refused' && x.serverSpokeTls;
    checks.push(verdict('rest.requires-client-cert', 'a REST client without a certificate is refused', refused(none), `no client cert: ${describeTls(none)}`));
    checks.push(verdict('rest.rejects-foreign-cert', 'a REST client with a foreign certificate is refused', refused(foreign), `${t.foreign.label}: ${describeTls(foreign)}`));
  }
  return checks;
}

