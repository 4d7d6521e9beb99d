import http from 'node:http';
import https from 'node:https';
import { HttpProbeRequest, HttpProbeResult } from './types';

function once(req: HttpProbeRequest): Promise<Omit<HttpProbeResult, 'attempts' | 'elapsedMs'>> {
  return new Promise((resolve) => {
    const url = new URL(req.url);
    const lib = url.protocol === 'https:' ? https : http;
    const r = lib.request(
      url,
      {
        method: req.method ?? 'GET',
        headers: req.headers,
        ca: req.caPem,
        cert: req.client?.certPem,
        key: req.client?.keyPem,
        rejectUnauthorized: !req.insecure,
        timeout: req.timeoutMs ?? 5000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ kind: 'http', url: req.url, status: res.statusCode, body: body.slice(0, 4000), json });
        });
      },
    );
    r.on('timeout', () => r.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    r.on('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'http', url: req.url, error: e.message.split('\n')[0], code: e.code }));
    if (req.body) r.write(req.body);
    r.end();
  });
}

function at(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), json);
}

/** curl's job: one request (or polling until a JSON field reaches a value). */
export async function probeHttp(req: HttpProbeRequest): Promise<HttpProbeResult> {
  const started = Date.now();
  let attempts = 0;
  let current = req;
  for (;;) {
    attempts++;
    let res = await once(current);
    if (current.fallbackToHttp && current.url.startsWith('https:') && /EPROTO|WRONG_VERSION|packet length/i.test(`${res.code} ${res.error}`)) {
      current = { ...current, url: current.url.replace(/^https:/, 'http:') };
      res = await once(current);
    }
    const done =
      !req.until ||
      Number(at(res.json, req.until.path)) >= req.until.atLeast ||
      Date.now() - started > req.until.deadlineMs;
    if (done) return { ...res, url: current.url, attempts, elapsedMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, 500));
  }
}
