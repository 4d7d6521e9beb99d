import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stagingReplaces, kubeVersionLdflags } from '../../harness/kube/components';
import { checkKubeadmVersions, componentOf } from '../../harness/kube/node-image';
import { dockerWrapper, kindConfig } from '../../harness/kube/kind';
import { flinkObjects, isPasswordKey, secretMountDirs } from '../../harness/kube/flink-deployment';
import { namespaceName } from '../../harness/kube/run-context';
import { findSecret, worldReadable } from '../../harness/checks/kube-objects';
import { FlinkVersion } from '../../harness/config/version';

describe('building Kubernetes from the module proxy', () => {
  test("staging folders of Kubernetes' go.mod become published releases; the sample modules are left out", () => {
    const goMod = ['replace (', '\tk8s.io/api => ./staging/src/k8s.io/api', '\tk8s.io/client-go => ./staging/src/k8s.io/client-go', '\tk8s.io/sample-controller => ./staging/src/k8s.io/sample-controller', ')'].join('\n');
    expect(stagingReplaces(goMod, 'v0.34.4')).toEqual(['replace k8s.io/api => k8s.io/api v0.34.4', 'replace k8s.io/client-go => k8s.io/client-go v0.34.4']);
  });

  test('version stamps for component-base and client-go (kubeadm picks image tags from them)', () => {
    const f = kubeVersionLdflags('v1.34.4');
    expect(f).toContain('-X k8s.io/component-base/version.gitVersion=v1.34.4');
    expect(f).toContain('-X k8s.io/component-base/version.gitMinor=34');
    expect(f).toContain('-X k8s.io/client-go/pkg/version.gitVersion=v1.34.4');
  });

  const listed = ['x/kube-apiserver:v1.34.4', 'x/coredns/coredns:v1.12.1', 'x/pause:3.10.1', 'x/etcd:3.6.5-0'];
  test("kubeadm's image names map to components; the pinned versions must be the ones it asks for", () => {
    expect(listed.map(componentOf)).toEqual(['kube-apiserver', 'coredns', 'pause', 'etcd']);
    expect(() => checkKubeadmVersions(listed, '3.10.1')).not.toThrow();
    expect(() => checkKubeadmVersions(listed.map((l) => l.replace('3.6.5-0', '3.6.6-0')), '3.10.1')).toThrow(/etcd:3\.6\.6-0 but the build pins 3\.6\.5/);
  });

});

describe("kind's docker, on a machine that refuses --privileged", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fss-wrap-'));
  // A stand-in for the real CLI that prints the arguments it got.
  const echo = join(dir, 'echo-args');
  writeFileSync(echo, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
  const args = (compat: boolean, argv: string[]) => execFileSync(dockerWrapper(dir, echo, { 'io.github.flink-security-sandbox.run': 'fss-1' }, compat), argv).toString().trim().split('\n');

  test('run: the labels of the run always; --privileged kept on an ordinary engine', () => {
    const a = args(false, ['run', '--privileged', '--name', 'n', 'img']);
    expect(a).toEqual(['run', '--label', 'io.github.flink-security-sandbox.run=fss-1', '--privileged', '--name', 'n', 'img']);
  });

  test('run on the compatibility path: every capability but CAP_SYS_RESOURCE and the entrypoint step', () => {
    const a = args(true, ['run', '--privileged', '--name', 'n', 'img']);
    expect(a).not.toContain('--privileged');
    expect(a).toEqual(expect.arrayContaining(['--cap-add=ALL', '--cap-drop=SYS_RESOURCE', 'systempaths=unconfined', '--device-cgroup-rule=a *:* rwm', '/usr/local/bin/fss-compat-entrypoint']));
    expect(a.slice(-1)).toEqual(['img']);
  });

  test('exec --privileged loses the flag on the compatibility path only; other commands pass through', () => {
    expect(args(true, ['exec', '--privileged', 'n', 'cat', '/kind/version'])).toEqual(['exec', 'n', 'cat', '/kind/version']);
    expect(args(false, ['exec', '--privileged', 'n', 'true'])).toEqual(['exec', '--privileged', 'n', 'true']);
    expect(args(true, ['inspect', 'n'])).toEqual(['inspect', 'n']);
  });

  test('the cluster config: no default CNI (kube-router), one control plane and the workers asked for', () => {
    const c = kindConfig({ workers: 2 });
    expect(c).toContain('disableDefaultCNI: true');
    expect(c.match(/- role: worker/g)).toHaveLength(2);
  });
});

describe('Flink objects for a namespace', () => {
  const spec = {
    namespace: 'ns1',
    image: 'fss-flink:x',
    version: new FlinkVersion('1.20.5'),
    taskManagers: 2,
    slotsPerTaskManager: 2,
    overlay: () => ({ 'security.ssl.internal.enabled': true, 'security.ssl.internal.keystore-password': 's3cret-pw' }),
    secretFiles: { 'internal.keystore': Buffer.from('ks') },
    secretMode: 0o440,
  };

  test('the password is in a Secret only: a config fragment per role, mounted and merged by the entrypoint, never an argument', () => {
    const objs = flinkObjects(spec);
    const visible = objs.filter((o) => o.kind !== 'Secret');
    expect(visible.flatMap((o) => findSecret(o, 's3cret-pw'))).toEqual([]);
    const sts = objs.find((o) => o.kind === 'StatefulSet') as any;
    const pod = sts.spec.template.spec;
    const c = pod.containers[0];
    expect(c.args.join(' ')).not.toMatch(/password/);
    expect(c.args).toContain('-Dtaskmanager.host=$(POD_NAME).taskmanager');
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'FSS_CONF_SECRET', value: '/opt/flink/secret-conf/secret-settings.yaml' }]));
    const vol = pod.volumes.find((v: any) => v.name === 'passwords').secret;
    expect(vol).toEqual({ secretName: 'flink-passwords', defaultMode: 0o440, items: [{ key: 'taskmanager-secret-settings.yaml', path: 'secret-settings.yaml' }] });
    expect(pod.volumes.find((v: any) => v.name === 'keys').secret.defaultMode).toBe(0o440);
    const data = (objs.find((o) => o.metadata?.name === 'flink-passwords') as any).data;
    expect(Buffer.from(data['taskmanager-secret-settings.yaml'], 'base64').toString()).toMatch(/^security\.ssl\.internal\.keystore-password: "?s3cret-pw"?$/m);
  });

  test('as arguments (a fault) the Secret reaches the JVM command line through the environment', () => {
    const objs = flinkObjects({ ...spec, passwords: 'arguments' });
    expect(objs.filter((o) => o.kind !== 'Secret').flatMap((o) => findSecret(o, 's3cret-pw'))).toEqual([]);
    const c = (objs.find((o) => o.kind === 'StatefulSet') as any).spec.template.spec.containers[0];
    expect(c.args).toContain('-Dsecurity.ssl.internal.keystore-password=$(FSS_SECRET_0)');
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'FSS_SECRET_0', valueFrom: { secretKeyRef: { name: 'flink-passwords', key: 'security.ssl.internal.keystore-password' } } }]));
    expect(c.env.map((e: any) => e.name)).not.toContain('FSS_CONF_SECRET');
    expect(secretMountDirs(objs)).toEqual({ 'jobmanager/flink': ['/opt/flink/ssl'], 'taskmanager/flink': ['/opt/flink/ssl'] });
    expect(secretMountDirs(flinkObjects(spec))['taskmanager/flink']).toEqual(['/opt/flink/ssl', '/opt/flink/secret-conf']);
  });

  test('a sidecar gets its files and its environment from Secrets; the Service then forwards the sidecar, not REST', () => {
    const objs = flinkObjects({
      ...spec,
      jobmanagerFiles: [{ content: 'conf', target: '/opt/flink/client-conf/config.yaml', mode: 0o600 }],
      sidecar: { name: 'proxy', image: 'fss-proxy:x', env: { AUTH_TOKEN: 'tok-123' }, files: [{ content: 'k', target: '/etc/fss/proxy.key', mode: 0o600 }, { content: 'c', target: '/etc/fss/nginx.conf', mode: 0o644 }], port: 8443 },
      exposeRest: false,
    });
    expect(objs.filter((o) => o.kind !== 'Secret').flatMap((o) => findSecret(o, 'tok-123'))).toEqual([]);
    const pod = (objs.find((o) => o.kind === 'Deployment') as any).spec.template.spec;
    const proxy = pod.containers.find((c: any) => c.name === 'proxy');
    expect(proxy.env).toEqual([{ name: 'AUTH_TOKEN', valueFrom: { secretKeyRef: { name: 'proxy-env', key: 'AUTH_TOKEN' } } }]);
    expect(proxy.volumeMounts).toEqual([{ name: 'proxy-files-0', mountPath: '/etc/fss', readOnly: true }]);
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'jobmanager-files-0', mountPath: '/opt/flink/client-conf', readOnly: true }]));
    expect(Object.keys((objs.find((o) => o.metadata?.name === 'proxy-files-0') as any).data).sort()).toEqual(['nginx.conf', 'proxy.key']);
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata?.name === 'jobmanager') as any;
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([6123, 6124, 8443]);
    // TaskManagers get neither the sidecar nor the JobManager's files.
    const tm = (objs.find((o) => o.kind === 'StatefulSet') as any).spec.template.spec;
    expect(tm.containers.map((c: any) => c.name)).toEqual(['flink']);
    expect(secretMountDirs(objs)).toEqual({ 'jobmanager/flink': ['/opt/flink/ssl', '/opt/flink/secret-conf', '/opt/flink/client-conf'], 'jobmanager/proxy': ['/etc/fss'], 'taskmanager/flink': ['/opt/flink/ssl', '/opt/flink/secret-conf'] });
  });

  test('the fault puts it into the ConfigMap, where the check finds it', () => {
    const objs = flinkObjects({ ...spec, passwords: 'configmap' });
    const hits = objs.filter((o) => o.kind === 'ConfigMap').flatMap((o) => findSecret(o, 's3cret-pw'));
    expect(hits.length).toBe(2);
    expect(isPasswordKey('security.ssl.internal.truststore-password')).toBe(true);
  });

  test('findSecret finds base64 too; worldReadable reads stat lines', () => {
    expect(findSecret({ data: { k: Buffer.from('abcdef').toString('base64') } }, 'abcdef')).toEqual(['.data.k']);
    expect(worldReadable('440 root:flink /opt/flink/ssl/a\n444 root:flink /opt/flink/ssl/b\n644 root:root /x')).toEqual(['444 root:flink /opt/flink/ssl/b', '644 root:root /x']);
  });

  test('namespace names are valid Kubernetes names', () => {
    const n = namespaceName('k8s-ssl-internal', 'password-in-configmap');
    expect(n).toMatch(/^[a-z0-9-]{1,63}$/);
    expect(n.startsWith('k8s-ssl-internal-password-in-configmap-')).toBe(true);
    expect(namespaceName('x'.repeat(80)).length).toBeLessThanOrEqual(63);
  });
});



describe('objects reach the API whole', () => {
  test('droppedKeys names a key the serialized form lacks (what the client did to a plain NetworkPolicy `from`)', async () => {
    const { droppedKeys } = await import('../../harness/kube/api');
    const policy = { spec: { ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8081 }] }] } };
    expect(droppedKeys(policy, 'spec:\n  ingress:\n    - ports:\n        - port: 8081\n')).toEqual(['from', 'podSelector']);
    expect(droppedKeys(policy, 'spec:\n  ingress:\n    - from:\n        - podSelector: {}\n      ports:\n        - port: 8081\n')).toEqual([]);
    expect(droppedKeys({ data: { 'config.yaml': 'x' } }, "data:\n  'config.yaml': x\n")).toEqual([]);
  });
});

describe('a NetworkPolicy denial counts only as the enforcer\'s own refusal', () => {
  const { judgeCell, rejectCounters } = require('../../harness/checks/netpol');
  const allowOpen = { source: 'taskmanager', target: 'rest', expect: 'allow', seen: 'open', detail: '' };
  const denied = { source: 'unlabelled', target: 'rest', expect: 'deny', seen: 'refused', detail: 'Connection refused' };

  test('refused, port alive, kube-router counted it: PASS', () => {
    expect(judgeCell(denied, [allowOpen, denied], new Map([['rest', { failed: 1, rejected: 1 }]])).ok).toBe(true);
  });
  test('wrong reason: nothing listens (no allowed source got in either)', () => {
    const dead = { ...allowOpen, seen: 'refused' };
    expect(judgeCell(denied, [dead, denied], new Map([['rest', { failed: 2, rejected: 2 }]]))).toMatchObject({ ok: false, why: expect.stringMatching(/dead port/) });
  });
  test("wrong reason: refused, but not by kube-router's rule (its counter did not move)", () => {
    expect(judgeCell(denied, [allowOpen, denied], new Map([['rest', { failed: 1, rejected: 0 }]]))).toMatchObject({ ok: false, why: expect.stringMatching(/not its refusal/) });
  });
  test('connected where the policy denies: FAIL', () => {
    expect(judgeCell({ ...denied, seen: 'open' }, [allowOpen], new Map()).ok).toBe(false);
  });
  test("kube-router's REJECT counters per pod of one namespace", () => {
    const listing = [
      '       3      180 REJECT     0    --  *      *       0.0.0.0/0   0.0.0.0/0   /* rule to REJECT traffic destined for POD name:jobmanager-x namespace: ns1 */ mark match ! 0x10000/0x10000 reject-with icmp-port-unreachable',
      '       5      300 REJECT     0    --  *      *       0.0.0.0/0   0.0.0.0/0   /* rule to REJECT traffic destined for POD name:jobmanager-x namespace: ns2 */ mark match',
    ].join('\n');
    expect([...rejectCounters(listing, 'ns1')]).toEqual([['jobmanager-x', 3]]);
  });
});
