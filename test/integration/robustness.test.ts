import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { EXIT, UserError } from '../../harness/errors';
import { ensureBaseImage } from '../../harness/images/base';
import { buildImage } from '../../harness/images/build';
import { LABEL } from '../../harness/runtime/docker';
import { engineAnswers, ensureDockerEngine } from '../../harness/runtime/engine';
import { runCli } from '../helpers/cli';

jest.setTimeout(5 * 60 * 1000);

const ours = async (what: 'ps' | 'network') => (await execa('docker', what === 'ps' ? ['ps', '-aq', '--filter', `label=${LABEL}`] : ['network', 'ls', '-q', '--filter', `label=${LABEL}`])).stdout.split('\n').filter(Boolean).length;
/** Every container on the engine, ours or a build's intermediate one. */
const allContainers = async () => (await execa('docker', ['ps', '-aq'])).stdout.split('\n').filter(Boolean).length;

test('an image build that runs out of space stops with the disk-space message and exit 3', async () => {
  // A build step that meets a real ENOSPC: writing to /dev/full fails with "No space left on
  // device", exactly the error a full disk gives a build.
  const base = await ensureBaseImage();
  const ctx = mkdtempSync(join(tmpdir(), 'fss-enospc-'));
  writeFileSync(join(ctx, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN dd if=/dev/zero of=/dev/full bs=1k count=1\n');
  try {
    const build = buildImage({ tag: 'fss-enospc:test', context: ctx, buildArgs: { BASE_IMAGE: base } });
    await expect(build).rejects.toBeInstanceOf(UserError);
    await expect(build).rejects.toThrow(/^out of disk space building fss-enospc:test: remove old images \(npm run scenario -- --cleanup --images/);
    await expect(build).rejects.toHaveProperty('exitCode', EXIT.environment);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
});

test('SIGINT during an image build: the build stops, nothing is left, exit 130', async () => {
  const before = await allContainers();
  // A salt makes the fixture images' tags new, so this run has to build them.
  const r = await runCli(['ssl-internal'], { env: { FSS_IMAGE_SALT: `interrupt-${Date.now()}` }, interruptWhen: /▸ probe image: building/, signal: 'SIGINT' });
  expect(r.code).toBe(130);
  // The classic builder's intermediate container goes when the client does; give it a moment.
  for (let i = 0; i < 20 && (await allContainers()) > before; i++) await new Promise((res) => setTimeout(res, 500));
  expect(await allContainers()).toBe(before);
  expect(await ours('network')).toBe(0);
  const builds = (await execa('ps', ['-eo', 'args'])).stdout.split('\n').filter((l) => /^docker build/.test(l));
  expect(builds).toEqual([]);
});

test('the engine stopping mid-run: one line naming it, exit 3; after a restart --cleanup leaves nothing', async () => {
  let stopped = false;
  const r = await runCli(['ssl-internal'], {
    interruptWhen: /▸ cluster ready/,
    // Not a signal to the harness: the engine goes away under it.
    onMatch: () => {
      stopped = true;
      void execa('pkill', ['-TERM', '-x', 'dockerd'], { reject: false });
    },
  });
  expect(stopped).toBe(true);
  expect(r.code).toBe(EXIT.environment);
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  expect(last).toMatch(/^error: the Docker engine stopped answering during the run \(.*\); start it again, then npm run scenario -- --cleanup$/);
  // What a user does next: the harness starts the engine again, --cleanup removes the rest.
  for (let i = 0; i < 60 && (await execa('pgrep', ['-x', 'dockerd'], { reject: false })).exitCode === 0; i++) await new Promise((res) => setTimeout(res, 500));
  await ensureDockerEngine();
  expect(await engineAnswers()).toBe(true);
  const clean = await runCli(['--cleanup']);
  expect(clean.code).toBe(0);
  expect({ containers: await ours('ps'), networks: await ours('network') }).toEqual({ containers: 0, networks: 0 });
});

test('a Flink release PyPI does not have: one line, exit 3, nothing left (the probe may already have started)', async () => {
  const r = await runCli(['ssl-internal', '--flink-version', '1.20.99']);
  expect(r.code).toBe(EXIT.environment);
  expect(r.stderr.trim().split('\n').at(-1)).toBe('error: cannot fetch Flink 1.20.99: PyPI has no apache-flink-libraries 1.20.99 (needs python3 with pip)');
  expect({ containers: await ours('ps'), networks: await ours('network') }).toEqual({ containers: 0, networks: 0 });
});
