import net from 'node:net';
import { PlainProbeRequest, PlainProbeResult } from './types';

/** A plaintext client: connects, sends a few bytes, reports what (if anything) came back. */
export function probePlain(req: PlainProbeRequest): Promise<PlainProbeResult> {
  const started = Date.now();
  const timeoutMs = req.timeoutMs ?? 1500;
  const target = `${req.host}:${req.port}`;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let connected = false;
    let closedByPeer = false;
    let error: string | undefined;
    let done = false;
    const socket = net.connect({ host: req.host, port: req.port });
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const head = all.subarray(0, 24);
      const text = all.toString('latin1');
      const http = text.startsWith('HTTP/');
      resolve({
        kind: 'plain',
        target,
        connected,
        bytes: all.length,
        headHex: head.toString('hex'),
        headText: head.toString('latin1').replace(/[^\x20-\x7e]/g, '.'),
        // A TLS record: content type 21 (alert) or 22 (handshake), version 3.x.
        looksLikeTlsAlert: all.length >= 2 && (all[0] === 0x15 || all[0] === 0x16) && all[1] === 0x03,
        looksLikeHttp: http,
        httpStatusLine: http ? text.split('\r\n')[0] : undefined,
        location: http ? /\r\nlocation:\s*([^\r\n]+)/i.exec(text)?.[1] : undefined,
        closedByPeer,
        error,
        elapsedMs: Date.now() - started,
      });
    };
    // First the connection (generous: under load the probe's own event loop may be late), then
    // the answer; a connection that never came says so instead of reporting no reason.
    const connectMs = req.connectTimeoutMs ?? 5000;
    let timer = setTimeout(() => {
      error = `no connection within ${connectMs} ms`;
      finish();
    }, connectMs);
    socket.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(finish, timeoutMs);
      socket.write(req.send ?? `GET /overview HTTP/1.0\r\nHost: ${req.host}\r\n\r\n`, 'latin1');
    });
    socket.on('data', (d) => {
      chunks.push(d);
      if (Buffer.concat(chunks).length > 4096) finish();
    });
    socket.on('end', () => {
      closedByPeer = true;
      finish();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = `${e.code ?? 'ERROR'}: ${e.message}`;
      if (e.code === 'ECONNRESET') closedByPeer = true;
      finish();
    });
  });
}
