import { applicable, markDeviations } from '../../harness/checks/deviations';
import { CheckResult, verdict } from '../../harness/checks/model';
import { FlinkVersion } from '../../harness/config/version';
import { exitCode, summaryLine, tally } from '../../harness/report/outcome';
import { sslCiphers } from '../../scenarios/ssl-ciphers';

const hostnameFail = () => verdict('cluster.job-completes', 'job', false, 'exit 1, job x FAILED | Caused by: java.security.cert.CertificateException: No name matching fss-1-taskmanager-2.fss-1 found');
const mark = (c: CheckResult, scenario: string, version: string) => {
  markDeviations([c], applicable(scenario, new FlinkVersion(version), scenario === 'ssl-ciphers' ? sslCiphers.knownDeviations : []));
  return c.deviation?.kind;
};

test('a release deviation: its releases, its scenarios, its own error only', () => {
  expect(mark(hostnameFail(), 'ssl-internal', '2.3.0')).toBe('known');
  expect(hostnameFail().evidence).not.toMatch(/known deviation/);
  // Not seen on these releases: an ordinary FAIL (a new release must be looked at, not excused).
  expect(mark(hostnameFail(), 'ssl-internal', '2.2.1')).toBeUndefined();
  expect(mark(hostnameFail(), 'ssl-internal', '2.4.0')).toBeUndefined();
  // Another cause of the same check, another check with the same words, a scenario it was not seen in.
  expect(mark(verdict('cluster.job-completes', 'job', false, 'exit 1, 15/16 sums right'), 'ssl-internal', '2.3.0')).toBeUndefined();
  expect(mark(verdict('rest.serves-tls', 't', false, 'No name matching x found'), 'ssl-internal', '2.3.0')).toBeUndefined();
  expect(mark(hostnameFail(), 'ssl-internal-pinned', '2.3.0')).toBeUndefined();
});

test('a declared deviation whose check passes is reported as fixed', () => {
  const c = verdict('cluster.job-completes', 'job', true, 'job FINISHED: 16/16 sums right');
  expect(mark(c, 'rest-proxy', '2.3.0')).toBe('fixed');
  expect(c.evidence).toMatch(/FLINK-40727 not seen: fixed upstream\?/);
  expect(mark(verdict('cluster.job-completes', 'job', true, 'ok'), 'rest-proxy', '1.20.5')).toBeUndefined();
});

describe('ssl-ciphers REST (FLINK-39969): matched by exactly what REST accepted', () => {
  const seen = ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'];
  const rest = (accepted: string[], protocols: Record<string, boolean> = { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true }) =>
    verdict('rest.refuses-weak-suites', 'weak', false, 'accepted weak: …', { scan: { endpoint: { id: 'rest' }, accepted, untestable: [], refusedByAlert: [], unanswered: [], protocols, ms: 1 } });
  test('the recorded set (order aside) is the known deviation', () => {
    expect(mark(rest([...seen].reverse()), 'ssl-ciphers', '1.20.5')).toBe('known');
    expect(mark(rest(seen), 'ssl-ciphers', '2.3.0')).toBe('known');
  });
  test('an RC4 or NULL suite more, TLSv1 accepted, or a release it was not seen on: an ordinary FAIL', () => {
    expect(mark(rest([...seen, 'TLS_RSA_WITH_RC4_128_SHA']), 'ssl-ciphers', '1.20.5')).toBeUndefined();
    expect(mark(rest([...seen, 'TLS_ECDHE_RSA_WITH_NULL_SHA']), 'ssl-ciphers', '1.20.5')).toBeUndefined();
    expect(mark(rest(seen, { TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true }), 'ssl-ciphers', '1.20.5')).toBeUndefined();
    expect(mark(rest(seen), 'ssl-ciphers', '1.19.3')).toBeUndefined();
    // The same evidence on an internal endpoint is not excused.
    const rpc = rest(seen);
    rpc.id = 'jm-rpc.refuses-weak-suites';
    expect(mark(rpc, 'ssl-ciphers', '1.20.5')).toBeUndefined();
  });
});

describe('one exit rule for a run, --all and the suite', () => {
  const known = () => {
    const c = hostnameFail();
    mark(c, 'ssl-internal', '2.3.0');
    return c;
  };
  const pass = verdict('a.b', 'a', true, 'ok');
  const info: CheckResult = { id: 'i.j', title: 'i', status: 'INFO', evidence: 'seen' };
  test('only known deviations failed: 0; --strict: 1', () => {
    expect(exitCode([{ checks: [pass, info, known()] }])).toBe(0);
    expect(exitCode([{ checks: [pass, info, known()] }], { strict: true })).toBe(1);
    expect(summaryLine(tally([pass, info, known()]))).toBe('1 passed, 0 failed, 1 known deviation, 1 findings (INFO)');
  });
  test('a declared deviation now passing: 0, reported; --strict: 1', () => {
    const fixed = verdict('cluster.job-completes', 'job', true, 'ok');
    mark(fixed, 'ssl-internal', '2.3.0');
    expect(exitCode([{ checks: [fixed] }])).toBe(0);
    expect(exitCode([{ checks: [fixed] }], { strict: true })).toBe(1);
    expect(summaryLine(tally([fixed]))).toMatch(/1 declared deviation not seen \(fixed upstream\?\)/);
  });
  test('any other FAIL, a run without checks, a sandbox that did not come up', () => {
    expect(exitCode([{ checks: [pass, known(), verdict('x.y', 'x', false, 'no')] }])).toBe(1);
    expect(exitCode([{ checks: [pass] }, { checks: [] }])).toBe(1);
    expect(exitCode([{ checks: [pass] }, { checks: [], error: 'jobmanager did not start' }])).toBe(5);
  });
});
