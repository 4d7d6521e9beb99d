import { isRbacRefusal, judgeRefusedCall, judgeWhoami, parseApiCalls, serviceAccountUser } from '../../harness/checks/kube-rbac';

const user = serviceAccountUser('k8s-rbac-1a2b3c', 'flink');
const forbidden = (verb: string, resource: string, who = user) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${resource} is forbidden: User "${who}" cannot ${verb} resource "${resource}" in API group "" in the namespace "k8s-rbac-1a2b3c"`, reason: 'Forbidden', details: { kind: resource }, code: 403 });
const out = (lines: string[]) => ['Job has been submitted with JobID 0123', ...lines, 'Program execution finished'].join('\n');

describe('what the API answered user code in a TaskManager', () => {
  test('parses one FSS_API line per call', () => {
    const calls = parseApiCalls(out([`FSS_API list-secrets taskmanager-1 403 ${forbidden('list', 'secrets')}`, 'FSS_API create-pod taskmanager-1 ERROR java.net.ConnectException: null']));
    expect(calls.get('list-secrets')).toEqual({ call: 'list-secrets', host: 'taskmanager-1', status: '403', body: forbidden('list', 'secrets') });
    expect(calls.get('create-pod')?.status).toBe('ERROR');
  });

  test("a refusal is RBAC's 403 for this account, verb and resource; nothing else counts", () => {
    const c = (status: string, body: string) => ({ call: 'x', host: 'taskmanager-0', status, body });
    expect(isRbacRefusal(c('403', forbidden('list', 'secrets')), user, 'list', 'secrets')).toBe(true);
    // No answer, no token (401), someone else refused, another verb.
    expect(isRbacRefusal(c('ERROR', 'java.net.http.HttpConnectTimeoutException: HTTP connect timed out'), user, 'list', 'secrets')).toBe(false);
    expect(isRbacRefusal(c('401', JSON.stringify({ kind: 'Status', reason: 'Unauthorized', code: 401 })), user, 'list', 'secrets')).toBe(false);
    expect(isRbacRefusal(c('403', forbidden('list', 'secrets', 'system:anonymous')), user, 'list', 'secrets')).toBe(false);
    expect(isRbacRefusal(c('403', forbidden('get', 'secrets')), user, 'list', 'secrets')).toBe(false);
  });

  test('the check also needs the authorizer to agree, and no object made anyway', () => {
    const call = { call: 'create-pod', host: 'taskmanager-0', status: '403', body: forbidden('create', 'pods') };
    expect(judgeRefusedCall('x', 't', call, user, 'create', 'pods', 'no').status).toBe('PASS');
    expect(judgeRefusedCall('x', 't', call, user, 'create', 'pods', 'yes').status).toBe('FAIL');
    expect(judgeRefusedCall('x', 't', call, user, 'create', 'pods', 'no', ['pod fss-user-code-1 (Running)']).status).toBe('FAIL');
    const created = judgeRefusedCall('x', 't', { ...call, status: '201', body: '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"fss-user-code-1","namespace":"n"' }, user, 'create', 'pods', 'yes', ['pod fss-user-code-1 (Pending)']);
    expect(created.status).toBe('FAIL');
    expect(created.evidence).toBe(`create pods (from taskmanager-0): 201 Pod (fss-user-code-1); kubectl auth can-i create pods --as ${user}: yes; made by the user code: pod fss-user-code-1 (Pending)`);
    // A granted Secret list is shown by names, never by its data.
    const list = { call: 'list-secrets', host: 'taskmanager-0', status: '200', body: '{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"flink-passwords","namespace":"n"},"data":{"k":"c2VjcmV0"}}]}' };
    expect(judgeRefusedCall('y', 't', list, user, 'list', 'secrets', 'yes').evidence).toBe(`list secrets (from taskmanager-0): 200 SecretList (flink-passwords); kubectl auth can-i list secrets --as ${user}: yes`);
  });

  test('reaching the API: a SelfSubjectReview naming the account, from a TaskManager', () => {
    const review = JSON.stringify({ kind: 'SelfSubjectReview', status: { userInfo: { username: user, groups: ['system:serviceaccounts', 'system:authenticated'] } } });
    const tm = /^taskmanager-\d+$/;
    expect(judgeWhoami({ call: 'whoami', host: 'taskmanager-0', status: '201', body: review }, user, tm).status).toBe('PASS');
    expect(judgeWhoami({ call: 'whoami', host: 'jobmanager-5d9c', status: '201', body: review }, user, tm).status).toBe('FAIL');
    expect(judgeWhoami({ call: 'whoami', host: 'taskmanager-0', status: '403', body: forbidden('create', 'selfsubjectreviews', 'system:anonymous') }, user, tm).status).toBe('FAIL');
    // As the job hands it back: cut at 600 characters, so not JSON any more.
    const long = JSON.stringify({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: { username: user, uid: 'u'.repeat(36), groups: ['system:serviceaccounts'], extra: { 'authentication.kubernetes.io/pod-name': ['taskmanager-0'], x: ['y'.repeat(600)] } } } }).slice(0, 600);
    expect(judgeWhoami({ call: 'whoami', host: 'taskmanager-0', status: '201', body: long }, user, tm).evidence).toBe(`SelfSubjectReview (from taskmanager-0): authenticated as ${user}`);
    expect(judgeWhoami(undefined, user, tm, '; flink run exit 1: boom').evidence).toBe('SelfSubjectReview: no answer reported (the job did not run the call); flink run exit 1: boom');
  });
});
