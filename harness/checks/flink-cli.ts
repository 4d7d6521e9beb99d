import { lastErrorLine } from '../runtime/logs';
import { FlinkCluster } from '../runtime/flink-cluster';
import { CheckResult, finding, verdict } from './model';

/**
 * Flink's REST client (JDK TLS, with -Djavax.net.debug) refusing the server itself: the chain
 * does not verify, or the pinned fingerprint does not match (it then sends certificate_unknown).
 */
export const CLIENT_REFUSED_SERVER = /PKIX path building failed|unable to find valid certification path|Fatal \(CERTIFICATE_UNKNOWN\): (?!Received)/;
/** The server refusing Flink's REST client: an alert the client received during the handshake. */
export const SERVER_REFUSED_CLIENT = /Received fatal alert: (?:bad_certificate|certificate_required|certificate_unknown|handshake_failure)/;
/** Either of them, for picking the line that says why a CLI run failed. */
export const TLS_REFUSAL = /SSLHandshakeException|PKIX path building failed|unable to find valid certification path|Fatal \((?:BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE)\)|Received fatal alert: (?:bad_certificate|certificate_required|certificate_unknown|handshake_failure)/;

/**
 * How long a CLI that is expected to be refused (or to hang) may run. Flink's REST client retries
 * a failed handshake until stopped, so without an `until` pattern it always runs this long (with
 * one, it is stopped once it printed the refusal); the time must cover a JVM start
 * and the first handshake with four such clients and the cluster's three JVMs on two cores. 12 s
 * was not enough under that load in CI (the handshake was still under way at the timeout).
 */
export const REFUSED_CLI_MS = 25_000;

/** Flink's REST client parsing the redirect a TLS port sends to plain HTTP (it retries that too). */
export const PLAIN_HTTP_REDIRECT = /Unavailable value|neither of the expected type/;

export const hung = (r: { exitCode: number; stoppedAtEvidence?: boolean }) =>
  r.stoppedAtEvidence ? ' (stopped once it printed this: the client retries until stopped)' : r.exitCode === 124 ? ' (hung: stopped after the timeout, still retrying)' : '';

/** The line that says why a CLI run failed: the TLS refusal when there is one. */
export function why(output: string): string {
  const m = TLS_REFUSAL.exec(output);
  if (m) {
    const line = output.slice(output.lastIndexOf('\n', m.index) + 1).split('\n')[0];
    return line.replace(/^javax\.net\.ssl\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|/, 'JDK TLS: ').trim().slice(0, 300);
  }
  return lastErrorLine(output);
}

/**
 * Flink's own REST client (the CLI's `list`) against the HTTPS endpoint: it succeeds with the
 * REST truststore (and keystore, for mutual auth) configured, and fails with the wrong trust
 * or without a client certificate.
 */
export async function flinkCliChecks(cluster: FlinkCluster, confs: { good: string; foreignTrust: string; noKeystore?: string; nameNotInSan?: string }): Promise<CheckResult[]> {
  // The clients expected to be refused stop once they print the refusal their check looks for.
  const [good, foreign, noKey, hostPort, otherName] = await Promise.all([
    cluster.cli(['list'], confs.good, 30_000),
    cluster.cli(['list'], confs.foreignTrust, REFUSED_CLI_MS, { tlsDebug: true, until: CLIENT_REFUSED_SERVER }),
    confs.noKeystore ? cluster.cli(['list'], confs.noKeystore, REFUSED_CLI_MS, { tlsDebug: true, until: SERVER_REFUSED_CLIENT }) : Promise.resolve(undefined),
    cluster.cli(['list', '-m', 'jobmanager:8081'], confs.good, REFUSED_CLI_MS, { until: PLAIN_HTTP_REDIRECT }),
    // Only until a refusal: a client that connects lists jobs and exits by itself.
    confs.nameNotInSan ? cluster.cli(['list'], confs.nameNotInSan, REFUSED_CLI_MS, { tlsDebug: true, until: TLS_REFUSAL }) : Promise.resolve(undefined),
  ]);
  const listed = good.exitCode === 0 && /No running jobs|Running\/Restarting Jobs|Scheduled Jobs|No scheduled jobs/.test(good.output);
  const checks = [
    verdict('cli.list-with-truststore', 'flink list over HTTPS works with the REST truststore configured', listed, `exit ${good.exitCode}: ${listed ? good.output.trim().split('\n').filter((l) => /jobs/i.test(l)).slice(-1)[0] : why(good.output)}`),
    verdict(
      'cli.refused-with-foreign-truststore',
      'flink list fails when its truststore does not hold the server\'s certificate',
      // The CLI's own trust refusing the server, not the server refusing it or any other failure.
      foreign.exitCode !== 0 && CLIENT_REFUSED_SERVER.test(foreign.output),
      `exit ${foreign.exitCode}${hung(foreign)}: ${why(foreign.output)}`,
    ),
  ];
  if (noKey) {
    checks.push(
      verdict(
        'cli.refused-without-keystore',
        'flink list without a client keystore is refused (mutual auth)',
        // The server's alert, received by the CLI: not a trust failure of the CLI's own.
        noKey.exitCode !== 0 && SERVER_REFUSED_CLIENT.test(noKey.output),
        `exit ${noKey.exitCode}${hung(noKey)}: ${why(noKey.output)}`,
      ),
    );
  }
  // Observed on 1.20.5: with -m host:port (no scheme) the CLI talks plain HTTP although the
  // same configuration has security.ssl.rest.enabled, and retries the redirect it gets forever.
  const hostPortOk = hostPort.exitCode === 0;
  checks.push(
    finding(
      'cli.m-host-port',
      'flink list -m jobmanager:8081 (address without scheme) with the same client configuration',
      hostPortOk ? `works (exit 0)` : `exit ${hostPort.exitCode}${hung(hostPort)}: ${why(hostPort.output)}${PLAIN_HTTP_REDIRECT.test(hostPort.output) ? ' — the client spoke plain HTTP to the TLS port and got the redirect; -m https://jobmanager:8081 or rest.address works' : ''}`,
    ),
  );
  // Does Flink's REST client check that the certificate names the host it connects to? The
  // same trusted certificate, reached by a name that is not in its SANs.
  if (otherName) {
    checks.push(
      finding(
        'cli.hostname-verification',
        'flink list to a JobManager name that is not in the REST certificate',
        otherName.exitCode === 0
          ? 'connected and listed jobs: Flink\'s REST client does not verify the host name against the certificate'
          : `exit ${otherName.exitCode}${hung(otherName)}: ${why(otherName.output)} — the client refused the name mismatch`,
      ),
    );
  }
  return checks;
}
