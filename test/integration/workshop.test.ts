import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import execa from 'execa';
import { listRuns } from '../../harness/runtime/cleanup';
import { planCleanup } from '../../harness/runtime/cleanup-plan';
import { runCli } from '../helpers/cli';
import { leftoversOf, runIdOf } from '../helpers/run';

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

test('--keep leaves rest-proxy running on the host port, prints the commands; --cleanup keeps it, --cleanup --run removes it', async () => {
  const port = 18443;
  const run = await runCli(['rest-proxy', '--keep', '--host-port', String(port)]);
  const runId = runIdOf(run.stderr);
  try {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Sandbox kept running');
    expect(run.stdout).toContain(`Tear it down: npm run scenario -- --cleanup --run ${runId}`);
    // What plain --cleanup would decide, from the labels on the engine (read only: other runs
    // on this machine are not the test's to remove).
    expect(planCleanup(await listRuns()).kept).toContainEqual({ runId, why: 'a --keep sandbox, still running' });
    expect(run.stdout).toContain("-H 'Authorization: Bearer workshop-demo-token'");
    const pki = /Key material: (\S+)/.exec(run.stdout)?.[1] as string;
    const ca = readFileSync(join(pki, 'proxy-ca.pem'), 'utf8');
    expect(await get(port, ca)).toBe(401);
    expect(await get(port, ca, { Authorization: 'Bearer workshop-demo-token' })).toBe(200);
  } finally {
    const clean = await runCli(['--cleanup', '--run', runId]);
    expect(clean.code).toBe(0);
  }
  expect(await leftoversOf(runId)).toEqual({ containers: 0, networks: 0 });
});

/** The hand-out's command lines with a given trailing comment, as a user would paste them. */
const handOut = (stdout: string, comment: RegExp) =>
  stdout
    .split('\n')
    .filter((l) => comment.test(l))
    .map((l) => l.replace(/\s+#.*$/, '').trim());

test('--keep kerberos-kafka: the printed kcat commands do what their comments say', async () => {
  const port = 18081;
  const run = await runCli(['kerberos-kafka', '--keep', '--host-port', String(port)]);
  const runId = runIdOf(run.stderr);
  try {
    expect(run.code).toBe(0);
    const [accepted] = handOut(run.stdout, /# accepted/);
    const [unauthorised] = handOut(run.stdout, /# Topic authorization failed/);
    const [noSasl] = handOut(run.stdout, /# refused: no SASL/);
    const ok = await execa('sh', ['-c', accepted], { reject: false, all: true });
    expect({ exit: ok.exitCode, topics: /\d+ topics?:/.test(ok.all ?? '') }).toEqual({ exit: 0, topics: true });
    const denied = await execa('sh', ['-c', unauthorised], { reject: false, all: true });
    expect(denied.exitCode).not.toBe(0);
    expect(denied.all).toMatch(/Topic authorization failed/);
    const plain = await execa('sh', ['-c', noSasl], { reject: false, all: true });
    expect(plain.exitCode).not.toBe(0);
  } finally {
    const clean = await runCli(['--cleanup', '--run', runId]);
    expect(clean.code).toBe(0);
  }
  expect(await leftoversOf(runId)).toEqual({ containers: 0, networks: 0 });
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
