import { shellQuote } from '../config/shell';
import { ProbeStation } from '../runtime/probe-station';
import { CheckResult, verdict } from './model';

const firstLine = (s: string) => s.trim().split('\n').filter(Boolean)[0] ?? '';

/**
 * curl was refused by the TLS server: a handshake failure (35) or a failed read after it (56,
 * TLS 1.3's certificate_required), with the server's alert named. A connection that never
 * happened (6, 7, 28) or curl's own trust failure (60) is not a server refusal.
 */
export function curlRefusedByServer(exit: number, stderr: string): boolean {
  return (exit === 35 || exit === 56) && /alert (certificate required|handshake failure|bad certificate|unknown ca|certificate unknown)/i.test(stderr);
}

/**
 * The docs' own commands, literally, in the probe container on the sandbox network:
 *   openssl pkcs12 -passin pass:… -in rest.keystore -out rest.pem -nodes
 *   curl --cacert rest.pem https://…            (and, with mutual SSL, --cert rest.pem)
 * OpenSSL 3 refuses stores encrypted with legacy algorithms (RC2-40, as older keytools wrote
 * them) unless given -legacy; the harness retries with it and says so in the evidence.
 */
export async function docCommandChecks(station: ProbeStation, o: { dir: string; keystoreFile: string; password: string; url: string; mutual: boolean }): Promise<CheckResult[]> {
  const cd = `cd ${shellQuote(o.dir)} && `;
  const opensslCmd = `openssl pkcs12 -passin pass:${o.password} -in ${o.keystoreFile} -out rest.pem -nodes`;
  let pem = await station.sh(`${cd}${opensslCmd.replace(`pass:${o.password}`, `pass:${shellQuote(o.password)}`)}`);
  let legacy = false;
  if (pem.exitCode !== 0 && /unsupported|RC2|legacy/i.test(pem.stderr)) {
    legacy = true;
    pem = await station.sh(`${cd}${opensslCmd.replace(`pass:${o.password}`, `pass:${shellQuote(o.password)}`)} -legacy`);
  }
  const counts = await station.sh(`${cd}grep -c 'BEGIN CERTIFICATE' rest.pem; grep -c 'BEGIN.*PRIVATE KEY' rest.pem; chmod 600 rest.pem`);
  const [certs, keys] = counts.stdout.trim().split('\n').map(Number);
  const checks: CheckResult[] = [
    verdict(
      'doc.openssl-pem',
      'the docs\' openssl pkcs12 … -nodes turns the keystore into rest.pem',
      pem.exitCode === 0 && certs >= 1 && keys === 1,
      `\`${opensslCmd.replace(o.password, '…')}\` → exit ${pem.exitCode}${legacy ? ' (needed -legacy: OpenSSL 3 and a legacy-encrypted store)' : ' (no -legacy needed: the store uses 3DES/SHA-1, which OpenSSL 3 reads by default)'}; rest.pem: ${certs} certificate(s), ${keys} key`,
    ),
  ];

  const curl = (args: string) => station.sh(`${cd}curl -sS --max-time 10 ${args} ${shellQuote(o.url)}; echo " exit=$?"`);
  const cert = o.mutual ? ' --cert rest.pem' : '';
  const [withCa, without] = await Promise.all([curl(`--cacert rest.pem${cert}`), curl(cert.trim())]);
  const exitOf = (r: { stdout: string }) => Number(/exit=(\d+)\s*$/.exec(r.stdout)?.[1] ?? -1);
  const ok = exitOf(withCa) === 0 && /"taskmanagers":\d+/.test(withCa.stdout);
  const refused = exitOf(without) === 60; // curl: peer certificate cannot be authenticated with known CA certificates
  checks.push(
    verdict(
      'doc.curl-cacert',
      `curl --cacert rest.pem${cert} gets the API`,
      ok,
      `\`curl --cacert rest.pem${cert} ${o.url}\` → exit ${exitOf(withCa)} ${ok ? withCa.stdout.slice(0, 80) : firstLine(withCa.stderr)}`,
    ),
    verdict(
      'doc.curl-untrusted-without-cacert',
      'without --cacert curl refuses the certificate',
      refused,
      `\`curl${cert} ${o.url}\` → exit ${exitOf(without)} ${firstLine(without.stderr)}`,
    ),
  );
  if (o.mutual) {
    const noCert = await curl('--cacert rest.pem');
    checks.push(
      verdict(
        'doc.curl-refused-without-cert',
        'curl --cacert rest.pem without --cert is refused by the server',
        curlRefusedByServer(exitOf(noCert), noCert.stderr) && !/"taskmanagers"/.test(noCert.stdout),
        `\`curl --cacert rest.pem ${o.url}\` → exit ${exitOf(noCert)} ${firstLine(noCert.stderr) || noCert.stdout.slice(0, 80)}`,
      ),
    );
  }
  return checks;
}
