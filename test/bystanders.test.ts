import execa from 'execa';
import { enginePid } from './helpers/engine';
import { readBystanders } from './helpers/bystanders';

// Runs last (test/helpers/last-sequencer.js): whatever the suite started, stopped, cleaned up
// or interrupted, a container, a network and a volume that are not its own are still there, and the
// Docker engine is the same process.
const b = readBystanders();
const SKIPPED = 'skipped: global setup started no bystanders (it does so only when integration tests run)';
// Straight to stderr: jest shows nothing of a suite whose every test is skipped.
if (!b) process.stderr.write(`test/bystanders.test.ts ${SKIPPED}\n`);
// No --format: a volume has no .Id, and the exit code says enough.
const exists = async (kind: 'container' | 'network' | 'volume', id: string) => (await execa('docker', [kind, 'inspect', id], { reject: false })).exitCode === 0;

(b ? describe : describe.skip)(`what is not the suite's is left alone${b ? '' : ` (${SKIPPED})`}`, () => {
  const { container, network, enginePid: pidBefore } = b ?? { container: '', network: '' };

  test('the bystander container still exists and runs', async () => {
    expect(await exists('container', container)).toBe(true);
    expect((await execa('docker', ['inspect', '--format', '{{.State.Running}}', container])).stdout.trim()).toBe('true');
  });

  test('the bystander network still exists', async () => {
    expect(await exists('network', network)).toBe(true);
  });

  test('the bystander volume still exists', async () => {
    expect(b?.volume && (await exists('volume', b.volume))).toBe(true);
  });

  test('the Docker engine process is the one the suite started with', async () => {
    expect(await enginePid()).toBe(pidBefore);
  });
});
