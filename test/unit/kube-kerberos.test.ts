import { describeModes, judgeMounted, judgeOutsiderRefused, judgeShipped, NamespacedObject, parseApiAnswer, PodKerberos } from '../../harness/checks/kube-kerberos';

const owner = { kind: 'Deployment', name: 'fss-krb', uid: 'u-1' };
const keytab = Buffer.from('keytab-bytes').toString('base64');
const objects = (over: Partial<NamespacedObject> = {}): NamespacedObject[] => [
  { kind: 'ConfigMap', name: 'flink-config-fss-krb', owners: [owner], data: { 'config.yaml': 'x' } },
  { kind: 'Secret', name: 'kerberos-keytab-fss-krb', owners: [owner], data: { 'flink.keytab': keytab }, ...over },
];

describe('native.keytab-secret', () => {
  it('passes for an object of the Deployment holding the same bytes', () => {
    const r = judgeShipped('native.keytab-secret', 't', objects(), owner, 'Secret', keytab, 'keytab', '');
    expect(r.status).toBe('PASS');
    expect(r.evidence).toContain('Secret kerberos-keytab-fss-krb (key flink.keytab), owner Deployment/fss-krb');
  });
  it('fails for other bytes, another owner (by uid) or no such object, naming what Flink made and what the client said', () => {
    expect(judgeShipped('x', 't', objects({ data: { 'flink.keytab': 'b3RoZXI=' } }), owner, 'Secret', keytab, 'keytab', '').status).toBe('FAIL');
    expect(judgeShipped('x', 't', objects({ owners: [{ ...owner, uid: 'old' }] }), owner, 'Secret', keytab, 'keytab', '').status).toBe('FAIL');
    const r = judgeShipped('x', 't', objects().slice(0, 1), owner, 'Secret', keytab, 'keytab', 'WARN Could not found the kerberos keytab file');
    expect(r.status).toBe('FAIL');
    expect(r.evidence).toMatch(/Flink created ConfigMap flink-config-fss-krb; the client logged: WARN Could not found/);
  });
});

const pod = (over: Partial<PodKerberos> = {}): PodKerberos => ({
  pod: 'fss-krb-1',
  role: 'JobManager',
  keytab: { path: '/opt/kerberos/kerberos-keytab/flink.keytab', source: 'Secret s', mode: '644', owner: 'root:flink', same: true },
  krb5: { path: '/etc/krb5.conf', source: 'ConfigMap c', mode: '644', owner: 'root:root', same: true },
  configuredKeytab: '/opt/kerberos/kerberos-keytab/flink.keytab',
  ...over,
});

describe('native.kerberos-mounted', () => {
  it('passes when JobManager and TaskManager have both files and log in with the mounted keytab', () => {
    expect(judgeMounted([pod(), pod({ pod: 'tm', role: 'TaskManager' })]).status).toBe('PASS');
  });
  it('fails without a TaskManager, a missing krb5.conf, other bytes, or a configuration naming another path', () => {
    expect(judgeMounted([pod()]).status).toBe('FAIL');
    expect(judgeMounted([pod(), pod({ role: 'TaskManager', krb5: { path: '/etc/krb5.conf', same: false } })]).status).toBe('FAIL');
    expect(judgeMounted([pod(), pod({ role: 'TaskManager', keytab: { ...pod().keytab!, same: false } })]).status).toBe('FAIL');
    expect(judgeMounted([pod(), pod({ role: 'TaskManager', configuredKeytab: '/opt/flink/client-kerberos/flink.keytab' })]).status).toBe('FAIL');
  });
  it('reports the modes, and calls a world-readable keytab so', () => {
    expect(describeModes([pod()]).evidence).toMatch(/^keytab 644 root:flink: readable by every user/);
    expect(describeModes([pod({ keytab: { ...pod().keytab!, mode: '440' } })]).evidence).toMatch(/^keytab 440 root:flink; krb5.conf 644/);
  });
});

describe('native.keytab-secret-other-namespace', () => {
  const forbidden = parseApiAnswer('{"kind":"Status","status":"Failure","message":"secrets \\"k\\" is forbidden: User \\"system:serviceaccount:o:default\\" cannot get resource","reason":"Forbidden","code":403}\n403');
  it("passes on the authorizer's 403 that can-i agrees with", () => {
    expect(forbidden).toMatchObject({ httpCode: 403, reason: 'Forbidden' });
    expect(judgeOutsiderRefused('k', 'u', forbidden, 'no').status).toBe('PASS');
  });
  it('fails on 200, on a failure that is not the API answering (curl could not connect), or when can-i says yes', () => {
    expect(judgeOutsiderRefused('k', 'u', parseApiAnswer('{"kind":"Secret"}\n200'), 'no').status).toBe('FAIL');
    expect(judgeOutsiderRefused('k', 'u', parseApiAnswer('curl: (6) Could not resolve host: kubernetes.default.svc\n000'), 'no').status).toBe('FAIL');
    expect(judgeOutsiderRefused('k', 'u', forbidden, 'yes').status).toBe('FAIL');
  });
});
