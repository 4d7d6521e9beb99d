import { describeCleanup, planCleanup, RunState } from '../../harness/runtime/cleanup-plan';
import { ownerState, ownerToken, parseStartTime } from '../../harness/runtime/owner';
import { freeSandboxPrefixes } from '../../harness/runtime/subnets';
import { runCli } from '../helpers/cli';

const run = (runId: string, s: Partial<RunState> = {}): RunState => ({ runId, owner: 'gone', ownerPid: '4242', keep: false, running: false, ...s });

describe('planCleanup: what --cleanup removes', () => {
  const crashed = run('fss-20261201000000-aaaaaa', { running: true });
  const interrupted = run('fss-20261201000000-bbbbbb');
  const keptLive = run('fss-20261201000000-cccccc', { keep: true, running: true });
  const keptStopped = run('fss-20261201000000-dddddd', { keep: true });
  const inProgress = run('fss-20261201000000-eeeeee', { owner: 'alive', running: true });
  const noProc = run('fss-20261201000000-ffffff', { owner: 'unknown' });
  const older = run('fss-20261201000000-000000', { owner: 'none', ownerPid: undefined });
  const all = [crashed, interrupted, keptLive, keptStopped, inProgress, noProc, older];

  test('by default: what ended without cleaning up (containers still running or not), and runs of older versions', () => {
    const p = planCleanup(all);
    expect(p.remove).toEqual([crashed.runId, interrupted.runId, keptStopped.runId, older.runId]);
    expect(p.kept).toEqual([
      { runId: keptLive.runId, why: 'a --keep sandbox, still running' },
      { runId: inProgress.runId, why: 'in progress (process 4242)' },
      { runId: noProc.runId, why: 'its process 4242 may still run (no /proc on this system to tell)' },
    ]);
  });

  test('--run ID: that run only, even live or in progress; an unknown id removes nothing', () => {
    expect(planCleanup(all, { run: keptLive.runId })).toEqual({ remove: [keptLive.runId], kept: [] });
    expect(planCleanup(all, { run: inProgress.runId }).remove).toEqual([inProgress.runId]);
    expect(planCleanup(all, { run: 'fss-20990101000000-999999' })).toEqual({ remove: [], kept: [], missing: 'fss-20990101000000-999999' });
  });

  test('--all-runs: every run', () => {
    expect(planCleanup(all, { allRuns: true }).remove).toEqual(all.map((r) => r.runId));
  });

  test('the output says what it kept and how to remove it', () => {
    const lines = describeCleanup(planCleanup([crashed, keptLive, inProgress]), { containers: 3, networks: 1, volumes: 0 });
    expect(lines).toEqual([
      `removed 3 containers, 1 networks, 0 volumes of 1 run(s): ${crashed.runId}`,
      `kept ${keptLive.runId}: a --keep sandbox, still running; remove it with: npm run scenario -- --cleanup --run ${keptLive.runId}`,
      `kept ${inProgress.runId}: in progress (process 4242); remove it with: npm run scenario -- --cleanup --run ${inProgress.runId}`,
      '(npm run scenario -- --cleanup --all-runs removes every run of this project, kept or in progress)',
    ]);
    expect(describeCleanup(planCleanup([], { run: 'fss-20990101000000-999999' }), { containers: 0, networks: 0, volumes: 0 })).toEqual([
      'nothing of run fss-20990101000000-999999 on this engine (runs are named fss-YYYYMMDDhhmmss-xxxxxx)',
    ]);
  });
});

describe('the owner of a run (read from /proc, nothing signalled)', () => {
  test('field 22 of /proc/<pid>/stat, also when the process name holds spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    expect(parseStartTime(`123 (a b) c) ${fields.join(' ')}`)).toBe('22');
  });

  const linux = process.platform === 'linux';
  (linux ? test : test.skip)('this process is alive; the same pid with another start time, or a pid that is gone, is not', () => {
    const me = ownerToken();
    expect(me).toMatch(/^\d+:\d+$/);
    expect(ownerState(me)).toBe('alive');
    expect(ownerState(`${process.pid}:1`)).toBe('gone');
    expect(ownerState('999999999:1')).toBe('gone');
  });

  test('without /proc nothing can be told', () => {
    expect(ownerState(ownerToken(), false)).toBe('unknown');
  });
});

describe('--run and --all-runs (usage, no Docker needed)', () => {
  test('go with --cleanup only, and not together', async () => {
    const alone = await runCli(['ssl-internal', '--run', 'fss-20261201000000-aaaaaa']);
    expect([alone.code, alone.stderr.trim()]).toEqual([2, 'error: --run goes with --cleanup']);
    const both = await runCli(['--cleanup', '--run', 'fss-20261201000000-aaaaaa', '--all-runs']);
    expect([both.code, both.stderr.trim()]).toEqual([2, 'error: --run ID or --all-runs, not both']);
  });

  test('--run takes a run id as a run prints it', async () => {
    const r = await runCli(['--cleanup', '--run', 'label=x']);
    expect([r.code, r.stderr.trim()]).toEqual([2, 'error: --run needs a run id (fss-YYYYMMDDhhmmss-xxxxxx, as a run prints it), not "label=x"']);
  });
});

describe('the sandbox network\'s subnet', () => {
  test('avoids every /24 another network overlaps, a whole /16 included', () => {
    expect(freeSandboxPrefixes('172.17.0.0/16 ')).toHaveLength(256);
    expect(freeSandboxPrefixes('172.29.3.0/24 172.29.200.0/24 fd00::/64')).not.toContain('172.29.3');
    expect(freeSandboxPrefixes('172.29.3.0/24 172.29.200.0/24').length).toBe(254);
    expect(freeSandboxPrefixes('172.29.16.0/20').filter((p) => /^172\.29\.(1[6-9]|2\d|3[01])$/.test(p))).toEqual([]);
    expect(freeSandboxPrefixes('172.29.0.0/16')).toEqual([]);
    expect(freeSandboxPrefixes('172.16.0.0/12')).toEqual([]);
  });
});
