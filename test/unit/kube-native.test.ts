import { describeDefaultAccounts, judgeCreatedByJobManager, judgeTaskManagerAccount, parseOptionDefaults, PodFacts } from '../../harness/checks/kube-native';

const dep = { name: 'fss-native', uid: 'u-1' };
const tm = (over: Partial<PodFacts> = {}): PodFacts => ({ name: 'fss-native-taskmanager-1-1', serviceAccount: 'flink-tm', owners: [{ kind: 'Deployment', name: 'fss-native', uid: 'u-1', controller: true }], ...over });
const jmLog = 'INFO  KubernetesResourceManagerDriver - Creating new TaskManager pod with name fss-native-taskmanager-1-1 and resource <1280,0.5>.';

describe('native.taskmanagers-created-by-jobmanager', () => {
  it('passes with the owner reference, the log line and a client that may not create pods', () => {
    expect(judgeCreatedByJobManager([tm()], dep, jmLog, 'no').status).toBe('PASS');
  });
  it('fails without a TaskManager, with another owner, without the log line, or when the client could have made it', () => {
    expect(judgeCreatedByJobManager([], dep, jmLog, 'no').status).toBe('FAIL');
    expect(judgeCreatedByJobManager([tm({ owners: [{ kind: 'Deployment', name: 'fss-native', uid: 'other' }] })], dep, jmLog, 'no').status).toBe('FAIL');
    expect(judgeCreatedByJobManager([tm()], dep, 'nothing', 'no').status).toBe('FAIL');
    expect(judgeCreatedByJobManager([tm()], dep, jmLog, 'yes').status).toBe('FAIL');
    // A prefix of another pod's name is not that pod's line.
    expect(judgeCreatedByJobManager([tm({ name: 'fss-native-taskmanager-1-1' })], dep, jmLog.replace('1-1 ', '1-12 '), 'no').status).toBe('FAIL');
  });
});

describe('native.taskmanagers-own-account', () => {
  const refused = { account: 'flink-tm', allowed: [], refused: [{ what: 'create pods', canI: 'no' }] };
  it('passes when the TaskManagers run as their own account without rights', () => {
    expect(judgeTaskManagerAccount([tm()], 'flink', refused).status).toBe('PASS');
  });
  it("fails on the JobManager's account, on an account that may create pods, or an unanswered question", () => {
    expect(judgeTaskManagerAccount([tm({ serviceAccount: 'flink' })], 'flink', refused).status).toBe('FAIL');
    expect(judgeTaskManagerAccount([tm()], 'flink', { ...refused, refused: [{ what: 'create pods', canI: 'yes' }] }).status).toBe('FAIL');
    expect(judgeTaskManagerAccount([tm()], 'flink', { ...refused, refused: [{ what: 'create pods', canI: 'error: the server could not find' }] }).status).toBe('FAIL');
  });
});

describe('native.default-accounts', () => {
  const out = [
    'FSS_OPTION kubernetes.jobmanager.service-account default=default fallback=kubernetes.service-account',
    'FSS_OPTION kubernetes.taskmanager.service-account default=default fallback=kubernetes.service-account',
    'FSS_OPTION kubernetes.service-account default=default fallback=(none)',
  ].join('\n');
  it("reads the release's own definitions and says when both roles share one account", () => {
    const opts = parseOptionDefaults(out);
    expect(opts.get('kubernetes.service-account')?.fallback).toEqual([]);
    const r = describeDefaultAccounts('1.20.5', opts, 'kubernetes.jobmanager.service-account', 'kubernetes.taskmanager.service-account', 'ns', []);
    expect(r.status).toBe('INFO');
    expect(r.evidence).toMatch(/JobManager runs as "default" and the TaskManagers as "default": one account/);
  });
  it('says nothing about sharing when the defaults differ or are unknown', () => {
    const opts = parseOptionDefaults(out.replace('taskmanager.service-account default=default', 'taskmanager.service-account default=(none)').replace('kubernetes.service-account default=default fallback=(none)', 'kubernetes.service-account default=other fallback=(none)'));
    const r = describeDefaultAccounts('9.9.9', opts, 'kubernetes.jobmanager.service-account', 'kubernetes.taskmanager.service-account', 'ns', []);
    expect(r.evidence).toMatch(/TaskManagers as "other"/);
    expect(r.evidence).not.toMatch(/one account/);
  });
});
