import execa from 'execa';
import { LABEL } from '../../harness/runtime/docker';
import { runCli } from '../helpers/cli';

jest.setTimeout(5 * 60 * 1000);

const leftovers = async () => {
  const c = await execa('docker', ['ps', '-aq', '--filter', `label=${LABEL}`]);
  const n = await execa('docker', ['network', 'ls', '-q', '--filter', `label=${LABEL}`]);
  return { containers: c.stdout.split('\n').filter(Boolean).length, networks: n.stdout.split('\n').filter(Boolean).length };
};

// Interrupt at different points of a run; afterwards nothing of ours may be left.
describe.each([
  ['SIGINT', 'while containers start', /▸ containers up/],
  ['SIGTERM', 'while waiting for the cluster', /▸ cluster ready/],
  ['SIGINT', 'while probes run', /▸ job and probes/],
] as const)('%s %s', (signal, _when, point) => {
  test('leaves no container or network behind, and exits with the signal\'s code', async () => {
    const r = await runCli(['ssl-internal'], { interruptWhen: point, signal });
    expect(r.code).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(r.stderr).toContain(`${signal}: removing this run's containers and network`);
    expect(await leftovers()).toEqual({ containers: 0, networks: 0 });
  });
});

test('the next run after an interrupted one works', async () => {
  const r = await runCli(['ssl-internal']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/21 passed, 0 failed/);
});
