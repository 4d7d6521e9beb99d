import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import execa from 'execa';
import { LABEL } from '../../harness/runtime/docker';
import { runCli } from '../helpers/cli';

jest.setTimeout(5 * 60 * 1000);

/** GET through the published port as a workshop attendee would (curl --resolve jobmanager:PORT:127.0.0.1). */
function get(port: number, ca: string, headers: Record<string, string> = {}): Promise<number | string> {
  return new Promise((resolve) => {
    https
      .get({ host: '127.0.0.1', port, path: '/overview', servername: 'jobmanager', ca, headers, checkServerIdentity: () => undefined }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      })
      .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

test('--keep leaves rest-proxy running on the host port, prints the commands, and --cleanup removes it', async () => {
  const port = 18443;
  const run = await runCli(['rest-proxy', '--keep', '--host-port', String(port)]);
  try {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sandbox kept running');
    expect(run.stdout).toContain("-H 'Authorization: Bearer workshop-demo-token'");
    const pki = /Key material: (\S+)/.exec(run.stdout)?.[1] as string;
    const ca = readFileSync(join(pki, 'proxy-ca.pem'), 'utf8');
    expect(await get(port, ca)).toBe(401);
    expect(await get(port, ca, { Authorization: 'Bearer workshop-demo-token' })).toBe(200);
  } finally {
    const clean = await runCli(['--cleanup']);
    expect(clean.code).toBe(0);
  }
  const left = await execa('docker', ['ps', '-aq', '--filter', `label=${LABEL}`]);
  expect(left.stdout.trim()).toBe('');
});

test('a host port already in use: one line naming it, exit 3, nothing started', async () => {
  const srv = net.createServer().listen(18444, '0.0.0.0');
  try {
    const r = await runCli(['ssl-internal', '--keep', '--host-port', '18444']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual(["error: port 18444 (for ssl-internal's front door) is already in use on this machine: stop what uses it, or pass --host-port N"]);
  } finally {
    srv.close();
  }
});
