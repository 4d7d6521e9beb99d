import { matches } from '../../harness/checks/model';
import { DEFAULT_FLINK_VERSION, FlinkVersion } from '../../harness/config/version';
import { exitCodeOf, runScenario } from '../../harness/runner';
import { sslInternal } from '../../scenarios/ssl-internal';

// Real containers: a JobManager, two TaskManagers and a probe station per run.
jest.setTimeout(15 * 60 * 1000);
const version = new FlinkVersion(process.env.FSS_FLINK_VERSION ?? DEFAULT_FLINK_VERSION);

const summary = (r: Awaited<ReturnType<typeof runScenario>>) => r.checks.map((c) => `${c.status} ${c.id}: ${c.evidence}`).join('\n');

test('ssl-internal as documented: every check passes', async () => {
  const r = await runScenario({ scenario: sslInternal, version });
  expect(r.error).toBeUndefined();
  expect(summary(r)).not.toMatch(/^FAIL/m);
  expect(r.checks.map((c) => c.id)).toEqual(
    expect.arrayContaining(['cluster.taskmanagers-registered', 'cluster.job-completes', 'rest.plaintext', 'blob.requires-client-cert', 'data.rejects-foreign-cert']),
  );
  expect(r.checks).toHaveLength(21);
  expect(exitCodeOf(r)).toBe(0);
});

describe.each(Object.entries(sslInternal.faults))('ssl-internal --break %s', (name, fault) => {
  test(`turns exactly ${fault.expectRed.join(', ')} red`, async () => {
    const r = await runScenario({ scenario: sslInternal, version, fault: name });
    expect(r.error).toBeUndefined();
    const red = r.checks.filter((c) => c.status === 'FAIL').map((c) => c.id).sort();
    const expected = r.checks.filter((c) => matches(c.id, fault.expectRed)).map((c) => c.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    // Exactly the channel's checks: the others (cluster works, other channels) stay green.
    expect({ red, evidence: red.length === expected.length ? '' : summary(r) }).toEqual({ red: expected, evidence: '' });
    expect(exitCodeOf(r)).toBe(1);
  });
});
