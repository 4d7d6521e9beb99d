import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { PeerCert, TlsOutcome, TlsProbeRequest, TlsProbeResult } from './types';

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE" -> "bad certificate"; undefined when not a peer alert. */
export function alertName(code: string | undefined, message: string): string | undefined {
  const m = /ALERT_([A-Z_]+)$/.exec(code ?? '') ?? /alert ([a-z ]+?)(?::|$)/i.exec(message);
  return m ? m[1].toLowerCase().replace(/_/g, ' ').trim() : undefined;
}

/** Why `name` does not match the certificate (DNS or IP SAN), or undefined when it does. */
export function hostnameMismatch(x: X509Certificate, name: string): string | undefined {
  const ok = isIP(name) ? x.checkIP(name) : x.checkHost(name);
  return ok ? undefined : `"${name}" is not in the certificate's names (${x.subjectAltName ?? x.subject})`;
}

export function describeCert(x: X509Certificate): PeerCert {
  return {
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    san: x.subjectAltName ?? '',
    sha1: x.fingerprint,
    sha256: x.fingerprint256,
    validTo: x.validTo,
  };
}

/**
 * One TLS handshake, described. Chain and hostname are reported, not enforced (unless caPem is
 * given, then `authorized` says whether the chain verifies); the outcome says what the server did.
 */
export function probeTls(req: TlsProbeRequest): Promise<TlsProbeResult> {
  const started = Date.now();
  const timeoutMs = req.timeoutMs ?? 5000;
  const settleMs = req.settleMs ?? 400;
  const servername = req.servername ?? req.host;
  const target = `${req.host}:${req.port}`;

  return new Promise((resolve) => {
    let serverSpokeTls = false;
    let handshakeDone = false;
    let settled = false;
    const result: TlsProbeResult = { kind: 'tls', target, outcome: 'timeout', serverSpokeTls: false, elapsedMs: 0, clientCert: req.client?.label ?? 'none' };

    const finish = (outcome: TlsOutcome, extra: Partial<TlsProbeResult> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      Object.assign(result, extra, { outcome, serverSpokeTls, elapsedMs: Date.now() - started });
      socket.destroy();
      resolve(result);
    };

    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
      host: req.host,
      port: req.port,
      servername: /^[\d.]+$|:/.test(servername) ? undefined : servername,
      cert: req.client?.certPem,
      key: req.client?.keyPem,
      ca: req.caPem,
      rejectUnauthorized: false,
      minVersion: req.minVersion ?? 'TLSv1',
      maxVersion: req.maxVersion,
      ciphers: req.ciphers ?? (req.minVersion === 'TLSv1' || req.minVersion === 'TLSv1.1' || !req.minVersion ? 'ALL:@SECLEVEL=0' : undefined),
      });
    } catch (e) {
      // The probe's own OpenSSL cannot offer this suite or version: nothing was sent.
      resolve({ ...result, outcome: 'client-unsupported', error: (e as Error).message, elapsedMs: Date.now() - started });
      return;
    }

    // Key material is derived only after a ServerHello: proof the peer speaks TLS, even when
    // it refuses us a moment later.
    socket.on('keylog', () => {
      serverSpokeTls = true;
    });

    const timer = setTimeout(() => finish(handshakeDone ? 'established' : 'timeout'), timeoutMs);

    socket.once('secureConnect', () => {
      handshakeDone = true;
      serverSpokeTls = true;
      result.protocol = socket.getProtocol() ?? undefined;
      result.cipher = socket.getCipher()?.standardName ?? socket.getCipher()?.name;
      // The detailed chain first: after getPeerX509Certificate() Node returns an empty object here.
      const chain: string[] = [];
      for (let c = socket.getPeerCertificate(true); c && c.raw && chain.length < 5; c = c.issuerCertificate) {
        chain.push(new X509Certificate(c.raw).subject.replace(/\n/g, ', '));
        if (c.issuerCertificate === c) break;
      }
      const x509 = socket.getPeerX509Certificate();
      result.peer = x509 ? { ...describeCert(x509), chain } : undefined;
      result.authorized = req.caPem ? socket.authorized : undefined;
      result.authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      if (x509) result.hostnameError = hostnameMismatch(x509, servername);
      clearTimeout(timer);
      // Keep reading: a refusal of our certificate under TLS 1.3 arrives now, as an alert.
      setTimeout(() => finish('established'), settleMs);
    });

    socket.on('data', () => undefined);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const alert = alertName(err.code, err.message);
      const error = `${err.code ?? 'ERROR'}: ${err.message.split('\n')[0]}`;
      if (UNREACHABLE.has(err.code ?? '')) return finish('unreachable', { error });
      if (alert && (serverSpokeTls || handshakeDone)) {
        return finish('refused', { alert, error, stage: handshakeDone ? 'post-handshake' : 'handshake' });
      }
      if (handshakeDone) return finish('refused', { error, stage: 'post-handshake' });
      finish(serverSpokeTls ? 'refused' : 'not-tls', { alert, error, stage: serverSpokeTls ? 'handshake' : undefined });
    });
    socket.on('close', () => {
      // A server that checks the client certificate after a TLS 1.3 handshake may simply hang up.
      if (handshakeDone) return finish('refused', { error: 'closed by peer right after the handshake, without an alert', stage: 'post-handshake' });
      finish(serverSpokeTls ? 'refused' : 'not-tls', { error: 'connection closed by peer before the handshake completed', stage: serverSpokeTls ? 'handshake' : undefined });
    });
  });
}
