import { runCli } from '../helpers/cli';
import { leftoversOf, reportOf, runIdOf } from '../helpers/run';

jest.setTimeout(5 * 60 * 1000);

// Interrupt at different points of a run; afterwards nothing of that run may be left.
describe.each([
  ['SIGINT', 'while containers start', /▸ containers up/],
  ['SIGTERM', 'while waiting for the cluster', /▸ cluster ready/],
  ['SIGINT', 'while probes run', /▸ job and probes/],
] as const)('%s %s', (signal, _when, point) => {
  test('leaves no container or network of the run behind, and exits with the signal\'s code', async () => {
    const r = await runCli(['ssl-internal'], { interruptWhen: point, signal });
    expect(r.code).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(r.stderr).toContain(`${signal}: removing this run's containers and network`);
    expect(await leftoversOf(runIdOf(r.stderr))).toEqual({ containers: 0, networks: 0 });
  });
});

test('the next run after an interrupted one works', async () => {
  const r = await runCli(['ssl-internal']);
  expect(r.code).toBe(0);
  // The scenario defines how many checks there are; the run's own report says so.
  const report = reportOf(r.stdout);
  expect(report.failed).toBe(0);
  expect(report.passed).toBeGreaterThan(0);
  expect(r.stdout).toMatch(new RegExp(`^${report.passed} passed, 0 failed\\b`, 'm'));
});
