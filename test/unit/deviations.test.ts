import { knownDeviation } from '../../harness/checks/deviations';
import { verdict } from '../../harness/checks/model';
import { FlinkVersion } from '../../harness/config/version';

const hostnameFail = verdict('cluster.job-completes', 'job', false, 'exit 1, job x FAILED | Caused by: java.security.cert.CertificateException: No name matching fss-1-taskmanager-2.fss-1 found');

test('a release deviation applies from its version on, and only to its own error', () => {
  expect(knownDeviation(hostnameFail, new FlinkVersion('2.3.0'))).toMatch(/FLINK-40727/);
  expect(knownDeviation(hostnameFail, new FlinkVersion('2.2.1'))).toBeUndefined();
  expect(knownDeviation(verdict('cluster.job-completes', 'job', false, 'exit 1, 15/16 sums right'), new FlinkVersion('2.3.0'))).toBeUndefined();
  expect(knownDeviation(verdict('cluster.job-completes', 'job', true, 'No name matching x found'), new FlinkVersion('2.3.0'))).toBeUndefined();
  expect(knownDeviation(verdict('rest.serves-tls', 't', false, 'No name matching x found'), new FlinkVersion('2.3.0'))).toBeUndefined();
});

test("a scenario's own deviation comes first", () => {
  expect(knownDeviation(hostnameFail, new FlinkVersion('1.20.5'), { 'cluster.job-completes': 'mine' })).toBe('mine');
});
