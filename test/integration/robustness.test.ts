import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { DEFAULT_FLINK_VERSION } from '../../harness/config/version';
import { EXIT, UserError } from '../../harness/errors';
import { ensureBaseImage } from '../../harness/images/base';
import { buildImage } from '../../harness/images/build';
import { fixtureImageTag, flinkImageTag } from '../../harness/images/flink';
import { runCli } from '../helpers/cli';
import { enginePid, engineSocket } from '../helpers/engine';
import { EngineProxy } from '../helpers/engine-proxy';
import { leftoversOf, runIdOf } from '../helpers/run';

jest.setTimeout(5 * 60 * 1000);

const settle = async (done: () => Promise<boolean>, seconds = 10) => {
  for (let i = 0; i < seconds * 2 && !(await done()); i++) await new Promise((res) => setTimeout(res, 500));
};

/**
 * A build's intermediate containers, told apart without a label: the legacy builder
 * (DOCKER_BUILDKIT=0) gives them none of the build (--label is applied as a last LABEL step,
 * checked on docker 20.10) and a random name. What ties them to a build is their image, which
 * descends from our base (`ancestor=`), and that they were not there before it began (a set
 * taken then, so no clock is compared). On an engine shared with others this can only
 * over-count (a stranger's container on our base made meanwhile), never miss one of ours.
 */
async function baseContainers(base: string): Promise<string[]> {
  return (await execa('docker', ['ps', '-aq', '--filter', `ancestor=${base}`])).stdout.split('\n').filter(Boolean);
}
const newSince = async (base: string, before: string[]) => (await baseContainers(base)).filter((id) => !before.includes(id));

/** The tags a run builds under FSS_IMAGE_SALT=salt, from the harness's own tag code. */
function saltedTags(salt: string, base: string): string[] {
  const before = process.env.FSS_IMAGE_SALT;
  process.env.FSS_IMAGE_SALT = salt;
  try {
    return [fixtureImageTag(base, 'probe'), flinkImageTag(base, DEFAULT_FLINK_VERSION)];
  } finally {
    if (before === undefined) delete process.env.FSS_IMAGE_SALT;
    else process.env.FSS_IMAGE_SALT = before;
  }
}

/** `docker build` processes on this machine building one of `tags` (ps only reads /proc). */
async function buildsOf(tags: string[]): Promise<string[]> {
  const lines = (await execa('ps', ['-eo', 'args'])).stdout.split('\n');
  return lines.filter((l) => /^docker build /.test(l) && tags.some((t) => l.split(' ').includes(t)));
}

test('an image build that runs out of space stops with the disk-space message and exit 3, leaving no build container', async () => {
  // A build step that meets a real ENOSPC: writing to /dev/full fails with "No space left on
  // device", exactly the error a full disk gives a build.
  const base = await ensureBaseImage();
  const ctx = mkdtempSync(join(tmpdir(), 'fss-enospc-'));
  writeFileSync(join(ctx, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN dd if=/dev/zero of=/dev/full bs=1k count=1\n');
  const before = await baseContainers(base);
  try {
    const build = buildImage({ tag: 'fss-enospc:test', context: ctx, buildArgs: { BASE_IMAGE: base } });
    await expect(build).rejects.toBeInstanceOf(UserError);
    await expect(build).rejects.toThrow(/^out of disk space building fss-enospc:test: remove old images \(npm run scenario -- --cleanup --images/);
    await expect(build).rejects.toHaveProperty('exitCode', EXIT.environment);
    // The failed step's container goes too (--force-rm): nothing could attribute it later.
    expect(await newSince(base, before)).toEqual([]);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
});

test('SIGINT during an image build: the build stops, nothing of this run is left, exit 130', async () => {
  const base = await ensureBaseImage();
  // A salt makes the fixture images' tags new, so this run has to build them.
  const salt = `interrupt-${Date.now()}`;
  const tags = saltedTags(salt, base);
  const before = await baseContainers(base);
  const r = await runCli(['ssl-internal'], { env: { FSS_IMAGE_SALT: salt }, interruptWhen: /▸ probe image: building/, signal: 'SIGINT' });
  expect(r.code).toBe(130);
  expect(r.stderr).toContain(`probe image: building ${tags[0]}`);
  const runId = runIdOf(r.stderr);
  // The classic builder's intermediate container goes when the client does; give it a moment.
  await settle(async () => (await newSince(base, before)).length === 0 && (await buildsOf(tags)).length === 0);
  expect(await newSince(base, before)).toEqual([]);
  expect(await buildsOf(tags)).toEqual([]);
  expect(await leftoversOf(runId)).toEqual({ containers: 0, networks: 0 });
});

// The test owns the engine it stops: a proxy to the real socket. The real dockerd is never
// signalled (its pid is compared at the end).
const socket = engineSocket();
(socket ? test : test.skip)(`the engine stopping mid-run: one line naming it, exit 3; once it answers again --cleanup --run leaves nothing${socket ? '' : ' (skipped: DOCKER_HOST is not a unix socket to proxy)'}`, async () => {
  const pid = await enginePid();
  const dir = mkdtempSync(join(tmpdir(), 'fss-engine-'));
  const proxy = new EngineProxy(join(dir, 'docker.sock'), socket as string);
  await proxy.start();
  try {
    let stopped = false;
    const r = await runCli(['ssl-internal'], {
      env: { DOCKER_HOST: proxy.dockerHost },
      interruptWhen: /▸ cluster ready/,
      // Not a signal to the harness: its engine goes away under it, open streams and execs cut.
      onMatch: () => {
        stopped = true;
        void proxy.stop();
      },
    });
    expect(stopped).toBe(true);
    const runId = runIdOf(r.stderr);
    expect(r.code).toBe(EXIT.environment);
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^error: the Docker engine stopped answering during the run \(.*\); start it again, then npm run scenario -- --cleanup$/);
    // The run could not remove anything without its engine: its containers are still there.
    expect((await leftoversOf(runId)).containers).toBeGreaterThan(0);
    // What a user does next: the engine answers again, --cleanup removes that run.
    await proxy.start();
    const clean = await runCli(['--cleanup', '--run', runId], { env: { DOCKER_HOST: proxy.dockerHost } });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(runId);
    expect(await leftoversOf(runId)).toEqual({ containers: 0, networks: 0 });
  } finally {
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  expect(await enginePid()).toBe(pid);
});

test('a Flink release PyPI does not have: one line, exit 3, nothing left (the probe may already have started)', async () => {
  const r = await runCli(['ssl-internal', '--flink-version', '1.20.99']);
  expect(r.code).toBe(EXIT.environment);
  expect(r.stderr.trim().split('\n').at(-1)).toBe('error: cannot fetch Flink 1.20.99: PyPI has no apache-flink-libraries 1.20.99 (needs python3 with pip)');
  expect(await leftoversOf(runIdOf(r.stderr))).toEqual({ containers: 0, networks: 0 });
});
