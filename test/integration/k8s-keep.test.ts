import execa from 'execa';
import { runCli } from '../helpers/cli';
import { leftoversOf, runIdOf } from '../helpers/run';

jest.setTimeout(10 * 60 * 1000);

// What a workshop attendee does with a kept Kubernetes run: paste the printed kubectl commands.
test('--keep of a Kubernetes scenario prints kubectl commands that work; --cleanup --run removes its namespace', async () => {
  const run = await runCli(['k8s-ssl-internal', '--keep', '--keep-cluster']);
  const runId = runIdOf(run.stderr);
  const getPods = /^\s*(\S+ --kubeconfig \S+ -n (\S+)) get pods -o wide\s*$/m.exec(run.stdout);
  try {
    expect({ code: run.code, kubectl: Boolean(getPods), tail: getPods ? '' : run.stdout.slice(-1500) }).toEqual({ code: 0, kubectl: true, tail: '' });
    expect(run.stdout).toContain('Sandbox kept running');
    const kc = (getPods as RegExpExecArray)[1];
    const pods = await execa('sh', ['-c', `${kc} get pods -o name`]);
    expect(pods.stdout.split('\n').sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^pod\/jobmanager-/), 'pod/probe', 'pod/taskmanager-0', 'pod/taskmanager-1']));
    // The hand-out's REST line, as printed (minus its comment).
    const rest = /^\s*(\S+ --kubeconfig .* exec probe -- curl -s http:\/\/jobmanager:\d+\/overview)/m.exec(run.stdout)?.[1] as string;
    expect(JSON.parse((await execa('sh', ['-c', rest])).stdout)).toEqual(expect.objectContaining({ taskmanagers: 2 }));
  } finally {
    expect((await runCli(['--cleanup', '--run', runId])).code).toBe(0);
  }
  const ns = (getPods as RegExpExecArray)[2];
  const gone = await execa('sh', ['-c', `${(getPods as RegExpExecArray)[1]} get namespace ${ns}`], { reject: false });
  // Deleted, or still terminating its pods: either way not Active.
  expect(gone.exitCode !== 0 || /Terminating/.test(gone.stdout)).toBe(true);
  expect(await leftoversOf(runId)).toEqual({ containers: 0, networks: 0 });
});
