import { SCENARIOS } from '../../scenarios';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Identity } from '../../harness/pki';
import { runCli } from '../helpers/cli';

// Bad input ends early: one line on stderr, a documented exit code, no Docker needed.
const oneLine = (s: string) => s.trim().split('\n');

test('a misspelt scenario names the nearest one (exit 2)', async () => {
  const r = await runCli(['ssl-intrnal']);
  expect(r.code).toBe(2);
  expect(oneLine(r.stderr)).toEqual(['error: unknown scenario "ssl-intrnal"; did you mean ssl-internal? (npm run scenario -- --list)']);
});

test('an unknown option names the nearest one (exit 2)', async () => {
  const r = await runCli(['ssl-internal', '--brake', 'x']);
  expect(r.code).toBe(2);
  expect(oneLine(r.stderr)).toEqual(['error: unknown option --brake; did you mean --break?']);
});

test('a Flink version without its patch number is refused before anything starts (exit 2)', async () => {
  const r = await runCli(['ssl-internal', '--flink-version', '2.3']);
  expect(r.code).toBe(2);
  expect(oneLine(r.stderr)).toEqual(['error: not a Flink release: "2.3" (expected X.Y.Z, e.g. 1.20.5)']);
});

test('an unknown fault lists the known ones (exit 2)', async () => {
  const r = await runCli(['ssl-internal', '--break', 'blob-off']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/did you mean blob-ssl-off\?/);
});

test('--list shows every scenario with its doc section', async () => {
  const r = await runCli(['--list']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^ssl-internal\s+.+\n\s+doc: .*Internal Connections/m);
});

test('a keystore the password does not open stops the run before anything starts (exit 4)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fss-cli-'));
  const ks = join(dir, 'mine.p12');
  writeFileSync(ks, Identity.selfSigned('mine', { cn: 'mine' }, 2048).keystore('right'), { mode: 0o600 });
  const r = await runCli(['ssl-internal', '--keystore', ks, '--store-password', 'wrong']);
  expect(r.code).toBe(4);
  expect(oneLine(r.stderr)).toEqual([`error: --keystore ${ks}: the password does not open it with the --store-password given (security.ssl.internal.keystore-password)`]);
  const missing = await runCli(['ssl-internal', '--keystore', join(dir, 'nope.p12'), '--store-password', 'x']);
  expect(missing.code).toBe(4);
  expect(missing.stderr).toMatch(/cannot read it \(ENOENT\); it would be security\.ssl\.internal\.keystore/);
});

test('--keystore is refused (exit 2, one line naming the scenarios that take it) where there is no single internal keystore, and with --all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fss-cli-'));
  const ks = join(dir, 'mine.p12');
  writeFileSync(ks, Identity.selfSigned('mine', { cn: 'mine' }, 2048).keystore('right'), { mode: 0o600 });
  const takers = SCENARIOS.filter((s) => s.takesKeystore).map((s) => s.name).join(', ');
  // The pinned scenario's negative control needs a second certificate of the same CA: a user's keystore cannot give one.
  const pinned = await runCli(['ssl-internal-pinned', '--keystore', ks, '--store-password', 'right']);
  expect(pinned.code).toBe(2);
  expect(oneLine(pinned.stderr)).toEqual([`error: --keystore replaces a scenario's one internal keystore; ssl-internal-pinned has none to replace (scenarios that take it: ${takers})`]);
  const all = await runCli(['--all', '--keystore', ks, '--store-password', 'right']);
  expect(all.code).toBe(2);
  expect(oneLine(all.stderr)).toEqual([`error: --keystore replaces a scenario's one internal keystore; not with --all (scenarios that take it: ${takers})`]);
  const passwordOnly = await runCli(['ssl-ciphers', '--store-password', 'right']);
  expect(passwordOnly.code).toBe(2);
  expect(oneLine(passwordOnly.stderr)).toEqual(['error: --store-password goes with --keystore']);
});

test('no Docker engine: says how to get one (exit 3)', async () => {
  const r = await runCli(['ssl-internal'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
  expect(r.code).toBe(3);
  expect(oneLine(r.stderr)).toHaveLength(1);
  expect(r.stderr).toMatch(/no Docker engine answers at DOCKER_HOST=unix:\/\/\/nonexistent\/docker.sock: start Docker/);
});
