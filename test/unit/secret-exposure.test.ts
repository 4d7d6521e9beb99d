import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeWrittenFiles,
  elide,
  fileKind,
  flinkWriteDirs,
  judgeLogs,
  judgeProcessArgs,
  judgeRestViews,
  judgeWrittenFiles,
  leaksInJson,
  leaksInLog,
  parseFileList,
  parseProcessList,
  RestView,
  secretIn,
} from '../../harness/checks/secret-exposure';
import { HttpProbeResult } from '../../harness/probes/types';

// Responses recorded from a real Flink 1.20.5 cluster of ssl-internal (internal SSL, REST plain).
const recorded = (name: string) => JSON.parse(readFileSync(join(__dirname, 'recorded', `flink-1.20.5-${name}.json`), 'utf8'));
const PASSWORD = 'demo-pass';
const secrets = [
  secretIn('internal store password', PASSWORD, {
    'security.ssl.internal.keystore-password': PASSWORD,
    'security.ssl.internal.key-password': PASSWORD,
    'security.ssl.internal.truststore-password': PASSWORD,
    'security.ssl.internal.keystore': '/opt/flink/ssl/internal.keystore',
  }),
];
const ok = (json: unknown): HttpProbeResult => ({ kind: 'http', url: 'x', status: 200, json, attempts: 1, elapsedMs: 1 });
const view = (path: string, json: unknown, required = true): RestView => ({ path, result: ok(json), required });

describe('REST views', () => {
  test('secretIn names exactly the settings that carry the value', () => {
    expect(secrets[0].settings).toEqual(['security.ssl.internal.keystore-password', 'security.ssl.internal.key-password', 'security.ssl.internal.truststore-password']);
  });

  test("Flink's recorded views: nothing leaks, the three password settings are reported with Flink's placeholder", () => {
    const views = [
      view('/jobmanager/config', recorded('jobmanager-config')),
      view('/jobmanager/environment', recorded('jobmanager-environment')),
      view('/taskmanagers/tm-1', recorded('taskmanager')),
      view('/jobs/j/config', recorded('job-config')),
    ];
    const r = judgeRestViews(views, secrets);
    expect(r.status).toBe('PASS');
    expect(r.evidence).toContain('security.ssl.internal.key-password, security.ssl.internal.keystore-password, security.ssl.internal.truststore-password shown as "******"');
    expect(r.evidence).toContain('in 4 views');
  });

  test('a password in env.java.opts.all (recorded: Flink masks neither the setting nor the JVM option) is named by its setting, the secret elided', () => {
    // The ssl-internal fault secret-in-jvm-opts, with the docs' demo password.
    const docs = [secretIn('internal store password', 'internal_store_password')];
    const config = recorded('jobmanager-config-jvm-opts');
    expect(leaksInJson(config, docs)).toEqual([{ where: 'env.java.opts.all', what: 'internal store password', shown: '-Djavax.net.ssl.keyStorePassword=int…' }]);
    const r = judgeRestViews([view('/jobmanager/config', config), view('/jobmanager/environment', recorded('jobmanager-environment-jvm-opts'))], docs);
    expect(r.status).toBe('FAIL');
    expect(r.evidence).toMatch(/\/jobmanager\/config: env\.java\.opts\.all = "-Djavax\.net\.ssl\.keyStorePassword=int…"/);
    expect(r.evidence).toMatch(/\/jobmanager\/environment: jvm\.options\[\d+\] = "-Djavax\.net\.ssl\.keyStorePassword=int…"/);
    expect(r.evidence).not.toContain('internal_store_password');
  });

  test('a secret setting shown in clear is a leak, not a placeholder', () => {
    const r = judgeRestViews([view('/jobmanager/config', [{ key: 'security.ssl.internal.keystore-password', value: PASSWORD }])], secrets);
    expect(r.status).toBe('FAIL');
    expect(r.evidence).toBe('leaked: /jobmanager/config: security.ssl.internal.keystore-password = "dem…" (internal store password)');
  });

  test('a required view that does not answer fails; an optional 404 does not', () => {
    const missing: RestView = { path: '/jobmanager/config', result: { kind: 'http', url: 'x', error: 'connect ECONNREFUSED', attempts: 1, elapsedMs: 1 }, required: true };
    expect(judgeRestViews([missing], secrets).status).toBe('FAIL');
    const optional: RestView = { path: '/jobs/j/jobmanager/config', result: { kind: 'http', url: 'x', status: 404, json: { errors: ['Not found'] }, attempts: 1, elapsedMs: 1 }, required: false };
    expect(judgeRestViews([view('/jobmanager/config', []), optional], secrets).status).toBe('PASS');
  });
});

describe('logs', () => {
  const banner = [
    '2026-12-03 00:00:10,992 INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint        [] -  JVM Options:',
    '2026-12-03 00:00:10,993 INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint        [] -     -Xmx469762048',
    `2026-12-03 00:00:10,994 INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint        [] -     -Djavax.net.ssl.keyStorePassword=${PASSWORD}`,
    '2026-12-03 00:00:11,017 INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint        [] -  Program Arguments:',
    '2026-12-03 00:00:11,305 INFO  org.apache.flink.configuration.GlobalConfiguration           [] - Loading configuration property: security.ssl.internal.key-password, ******',
  ].join('\n');

  test('a JVM option with the secret is found under its banner header, elided', () => {
    expect(leaksInLog('jobmanager', banner, secrets)).toEqual([{ log: 'jobmanager', line: 3, what: 'internal store password', text: 'JVM Options: -Djavax.net.ssl.keyStorePassword=dem…' }]);
    const r = judgeLogs([{ name: 'jobmanager', text: banner }, { name: 'taskmanager-1', text: 'clean\n' }], secrets);
    expect(r.status).toBe('FAIL');
    expect(r.evidence).toBe('jobmanager: 1 line, e.g. #3 "JVM Options: -Djavax.net.ssl.keyStorePassword=dem…" (internal store password)');
  });

  test("a clean log passes and counts Flink's masked settings; a missing log fails", () => {
    const clean = banner.split('\n').filter((l) => !l.includes(PASSWORD)).join('\n');
    const r = judgeLogs([{ name: 'jobmanager', text: clean }], secrets);
    expect(r.status).toBe('PASS');
    expect(r.evidence).toMatch(/Flink logged 1 secret settings as \*{6}$/);
    expect(judgeLogs([{ name: 'taskmanager-2', text: '' }], secrets).status).toBe('FAIL');
  });
});

describe('files Flink wrote', () => {
  // As find -printf '%m %u %s %p' listed them in a TaskManager of ssl-internal.
  const listing = [
    '644 flink 2048 /tmp/jaas-18253836865425194958.conf',
    '600 flink 32768 /tmp/hsperfdata_flink/1',
    '644 flink 1200 /tmp/tm_taskmanager-1:6122-dddd34/blobStorage/job_0cdb9ab58e3c3a0ce0d05dc5daebd8c8/blob_p-73b3413b0a4f5c998359b6eb3788f6986920c376-f606d763a7f8e74eb76ee51fbea01ada',
    '644 flink 99 /tmp/flink-rpc-akkab9685a50-8044-495d-8d52-60d706fc5107.jar',
  ].join('\n');
  const files = parseFileList(listing);

  test('run-specific parts of paths collapse into one kind of file', () => {
    expect(files.map((f) => fileKind(f.path))).toEqual(['/tmp/jaas-*.conf', '/tmp/hsperfdata_flink/*', '/tmp/tm_*/blobStorage/job_*/blob_p-*-*', '/tmp/flink-rpc-akka*.jar']);
  });

  test('a secret in an owner-only file passes (and is named); in a world-readable one it fails', () => {
    const safe = judgeWrittenFiles([{ host: 'taskmanager-1', files, withSecret: [{ path: '/tmp/hsperfdata_flink/1', what: 'internal store password' }], keytabCopies: [] }]);
    expect(safe.status).toBe('PASS');
    expect(safe.evidence).toContain('taskmanager-1:/tmp/hsperfdata_flink/1 600 (internal store password)');
    const bad = judgeWrittenFiles([{ host: 'taskmanager-1', files, withSecret: [], keytabCopies: ['/tmp/jaas-18253836865425194958.conf'] }]);
    expect(bad.status).toBe('FAIL');
    expect(bad.evidence).toBe('readable by others: taskmanager-1:/tmp/jaas-18253836865425194958.conf 644 (the keytab)');
  });

  test('the INFO row lists modes per kind and says there is no keytab copy on standalone', () => {
    const r = describeWrittenFiles([{ host: 'taskmanager-1', files, withSecret: [], keytabCopies: [] }], ['/tmp'], '/opt/flink/ssl/flink.keytab');
    expect(r.status).toBe('INFO');
    expect(r.evidence).toContain('/tmp/jaas-*.conf 644 flink');
    expect(r.evidence).toContain('keytab copies: none (standalone');
  });

  test("Flink's write directories: /tmp by default, plus what the config points elsewhere", () => {
    expect(flinkWriteDirs({})).toEqual(['/tmp', '/opt/flink/log']);
    expect(flinkWriteDirs({ 'io.tmp.dirs': '/data/a,/data/b', 'blob.storage.directory': '/tmp' })).toEqual(['/tmp', '/opt/flink/log', '/data/a', '/data/b']);
  });

  test('elide keeps three characters', () => {
    expect(elide('internal_store_password')).toBe('int…');
  });
});

describe('secrets.not-in-process-args', () => {
  const listing = (java: string) => `1\t/usr/lib/jvm/java-17/bin/java -Xmx1g ${java} -cp /opt/flink/lib/a.jar org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir /opt/flink/conf \n57\tsh -c for p in /proc/[0-9]*; do ...\n58\t\n`;

  test('parses pid and arguments; kernel threads and vanished processes (no arguments) are dropped', () => {
    expect(parseProcessList(listing('-Da=b'))).toEqual([
      { pid: 1, args: expect.stringMatching(/^\/usr\/lib\/jvm\/java-17\/bin\/java -Xmx1g -Da=b /) },
      { pid: 57, args: 'sh -c for p in /proc/[0-9]*; do ...' },
    ]);
  });

  test('red with the argument that carries it, redacted, and the process that holds it', () => {
    const nodes = [{ host: 'taskmanager-0', processes: parseProcessList(listing(`-Dsecurity.ssl.internal.keystore-password=${PASSWORD}`)) }];
    const r = judgeProcessArgs(nodes, secrets);
    expect(r.status).toBe('FAIL');
    expect(r.evidence).toBe('taskmanager-0 pid 1 (java): -Dsecurity.ssl.internal.keystore-password=dem… (internal store password)');
    expect(r.evidence).not.toContain(PASSWORD);
  });

  test('green names what it searched; an empty process list is not a pass', () => {
    const clean = judgeProcessArgs([{ host: 'jobmanager', processes: parseProcessList(listing('-Da=b')) }], secrets);
    expect(clean.status).toBe('PASS');
    expect(clean.evidence).toBe('none of 1 configured secrets in the arguments of jobmanager: 2 processes (1 java)');
    expect(judgeProcessArgs([{ host: 'jobmanager', processes: [] }], secrets).status).toBe('FAIL');
  });
});
