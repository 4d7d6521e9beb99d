/**
 * Docs: "Configuring SSL for Internal Connectivity" — "When using a certificate that is not
 * self-signed, but signed by Certified Authorities (CA), you need to use certificate pinning to
 * allow only a specific certificate to be trusted":
 *
 *   security.ssl.internal.cert.fingerprint: 00:00:…:00          (SHA-1 of the deployment certificate)
 *   security.ssl.rest.cert.fingerprint: …                         (the same for REST clients)
 *
 * Shown, not only configured: an "internal CA" signs the deployment certificate and, as firm-wide
 * CAs do, another certificate too. With the pin, every internal endpoint refuses that other
 * certificate; the negative control, the same cluster without the pin, accepts it. That is the
 * risk the docs warn about, side by side.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBMANAGER_HOST, PORTS } from '../harness/config/cluster';
import { FlinkConfig, mergeConfig, renderFlinkConfig } from '../harness/config/flink-config';
import { internalSsl, restSsl } from '../harness/config/security';
import { clusterChecks } from '../harness/checks/cluster';
import { CLIENT_REFUSED_SERVER, hung, REFUSED_CLI_MS, why } from '../harness/checks/flink-cli';
import { finding, verdict, CheckResult } from '../harness/checks/model';
import { clientCertChecks } from '../harness/checks/tls-endpoint';
import { secretExposureChecks, secretIn } from '../harness/checks/secret-exposure';
import { Identity } from '../harness/pki';
import { FlinkCluster } from '../harness/runtime/flink-cluster';
import { ProbeStation } from '../harness/runtime/probe-station';
import { FileSpec } from '../harness/runtime/sandbox';
import { clusterSpec, INTERNAL_ENDPOINTS } from './lib/cluster';
import { Scenario } from './types';

// Demo passwords.
const INTERNAL_PASSWORD = 'internal_store_password';
const REST_PASSWORD = 'rest_keystore_password';
const SECRETS = [secretIn('internal store password', INTERNAL_PASSWORD), secretIn('REST store password', REST_PASSWORD)];
const SSL = '/opt/flink/ssl';

const ENDPOINTS = INTERNAL_ENDPOINTS;

interface Material {
  ca: Identity;
  deployment: Identity;
  sameCa: Identity;
  rest: Identity;
}

export const sslInternalPinned: Scenario<Material> = {
  name: 'ssl-internal-pinned',
  title: 'Internal SSL with a CA-signed certificate pinned by fingerprint',
  docSection: 'Security › SSL Setup › Configuring SSL for Internal Connectivity (certificate pinning); security.ssl.rest.cert.fingerprint',
  description: 'A CA signs the deployment certificate; the SHA-1 pin makes every internal port refuse another certificate of the same CA, which the unpinned control accepts.',
  faults: {
    'pinning-removed': {
      setting: 'security.ssl.internal.cert.fingerprint removed',
      description: 'the truststore (the CA) alone decides: every certificate the CA signed gets in',
      expectRed: ['*.rejects-same-ca-cert'],
    },
    'fingerprint-sha256': {
      setting: 'security.ssl.internal.cert.fingerprint: <SHA-256 of the certificate>',
      description: 'bad input: a SHA-256 fingerprint where Flink compares SHA-1',
      expectRed: [],
      badInput: {
        preflight: /^security\.ssl\.internal\.cert\.fingerprint: ".+" is a SHA-256 fingerprint; Flink compares SHA-1 \(40 hex digits\)$/,
        // Flink's own reaction (1.20.5): the JobManager does not start.
        flink: /^jobmanager did not start: .*IllegalArgumentException: malformed fingerprint \(length is 32 but expected 20\)/,
      },
    },
  },

  prepare() {
    // The "firm-wide" CA and two certificates it signed: the deployment's, and someone else's.
    const ca = Identity.selfSigned('internal-ca', { cn: 'Internal CA', isCa: true });
    const deployment = Identity.signedBy(ca, 'flink.internal', { cn: 'flink.internal' });
    const sameCa = Identity.signedBy(ca, 'other-team', { cn: 'flink.internal', ou: 'other team' }, 2048);
    const rest = Identity.selfSigned('flink.rest', { cn: JOBMANAGER_HOST, san: { dns: [JOBMANAGER_HOST] } });
    return { ca, deployment, sameCa, rest };
  },

  async run(ctx) {
    const { sandbox, version } = ctx;
    const { ca, deployment, sameCa, rest } = ctx.material;
    const pin = ctx.fault === 'fingerprint-sha256' ? deployment.sha256() : deployment.sha1();
    const files: FileSpec[] = [
      { content: deployment.keystore(INTERNAL_PASSWORD), target: `${SSL}/internal.keystore`, mode: 0o600 },
      { content: ca.truststore(INTERNAL_PASSWORD), target: `${SSL}/internal.truststore`, mode: 0o600 },
      { content: rest.keystore(REST_PASSWORD), target: `${SSL}/rest.keystore`, mode: 0o600 },
      { content: rest.truststore(REST_PASSWORD), target: `${SSL}/rest.truststore`, mode: 0o600 },
    ];
    writeFileSync(join(ctx.pkiDir, 'internal.keystore'), files[0].content, { mode: 0o600 });
    writeFileSync(join(ctx.pkiDir, 'internal.truststore'), files[1].content, { mode: 0o600 });
    const store = (f: string, password: string) => ({ path: `${SSL}/${f}`, password });
    const base = mergeConfig(
      internalSsl({ keystore: store('internal.keystore', INTERNAL_PASSWORD), truststore: store('internal.truststore', INTERNAL_PASSWORD) }),
      restSsl({ keystore: store('rest.keystore', REST_PASSWORD), truststore: store('rest.truststore', REST_PASSWORD) }),
    );
    const pinned = ctx.fault === 'pinning-removed' ? base : { ...base, 'security.ssl.internal.cert.fingerprint': pin };

    // Flink's REST client pinning the server: the right fingerprint, and a wrong one.
    const clientConf = (dir: string, extra: FlinkConfig): FileSpec => {
      const { fileName, content } = renderFlinkConfig(mergeConfig({ 'rest.address': JOBMANAGER_HOST, 'rest.port': PORTS.rest }, restSsl({ truststore: store('rest.truststore', REST_PASSWORD) }), extra), version);
      return { content, target: `${dir}/${fileName}`, mode: 0o600 };
    };
    const confs = { right: '/opt/flink/client-conf-pinned', wrong: '/opt/flink/client-conf-wrong-pin' };
    const jobmanagerFiles = [
      clientConf(confs.right, { 'security.ssl.rest.cert.fingerprint': rest.sha1() }),
      clientConf(confs.wrong, { 'security.ssl.rest.cert.fingerprint': sameCa.sha1() }),
    ];

    const spec = (overlay: FlinkConfig, containerPrefix = '') => clusterSpec(ctx, { overlay: () => overlay, files, jobmanagerFiles, containerPrefix });
    const asClient = (id: Identity, label: string) => ({ certPem: id.chainPem(), keyPem: id.keyPem(), label });
    const sameCaClient = asClient(sameCa, 'another certificate of the same CA');
    const ready = { scheme: 'https' as const, insecure: true };

    const [cluster, station] = await ctx.phase('start', 'containers up (pinned cluster, probe)', () =>
      Promise.all([FlinkCluster.start(sandbox, spec(pinned)), ProbeStation.start(sandbox, ctx.images.get('probe'))]),
    );
    const overview = await ctx.phase('ready', 'pinned cluster ready', () => cluster.waitForTaskManagers(station, ready));

    const pinnedResults = await ctx.phase('checks', 'job, pinning probes, Flink CLI pins', async () => {
      const [clusterResults, certs, right, wrong] = await Promise.all([
        clusterChecks(cluster, station, overview, { scheme: 'https', insecure: true }),
        clientCertChecks(station, ENDPOINTS, [
          { id: 'rejects-same-ca-cert', title: 'refuses another certificate signed by the same CA', client: sameCaClient, expect: 'refused' },
          { id: 'accepts-pinned-cert', title: 'accepts the pinned certificate', client: asClient(deployment, 'the pinned deployment certificate'), expect: 'accepted', expectedServerSha1: deployment.sha1() },
        ]),
        cluster.cli(['list'], confs.right, 30_000),
        cluster.cli(['list'], confs.wrong, REFUSED_CLI_MS, { tlsDebug: true, until: CLIENT_REFUSED_SERVER }),
      ]);
      // After the job and the CLI runs: what Flink shows and logs of the two store passwords.
      const exposure = await secretExposureChecks(cluster, station, ready, SECRETS, { logOf: (n) => sandbox.logOf(n) });
      return [
        ...clusterResults,
        ...certs,
        ...exposure,
        verdict('cli.pinned-fingerprint-connects', 'flink list pinning the REST certificate\'s SHA-1 connects', right.exitCode === 0, `exit ${right.exitCode}: ${right.output.trim().split('\n').slice(-1)[0]}`),
        verdict(
          'cli.wrong-fingerprint-refused',
          'flink list pinning another fingerprint refuses the server',
          // The CLI's own pin check refusing the server (it answers with certificate_unknown).
          wrong.exitCode !== 0 && CLIENT_REFUSED_SERVER.test(wrong.output),
          `exit ${wrong.exitCode}${hung(wrong)}: ${why(wrong.output)}`,
        ),
      ];
    });

    // The negative control: the same cluster without the pin, in the same sandbox.
    const control = await ctx.phase('checks', 'negative control: the same cluster without the pin', async () => {
      await cluster.remove(sandbox);
      const unpinned = await FlinkCluster.start(sandbox, spec(base, 'control-'));
      await unpinned.waitForTaskManagers(station, ready);
      const accepted = await clientCertChecks(
        station,
        ENDPOINTS.map((e) => ({ ...e, id: `control.${e.id}` })),
        [{ id: 'same-ca-cert-accepted-without-pin', title: 'without the pin accepts another certificate of the same CA', client: sameCaClient, expect: 'accepted' }],
      );
      return accepted;
    });
    return [...pinnedResults, ...control, summary(pinnedResults, control)];
  },
};

/** The doc's warning in one row: what the same certificate got with and without the pin. */
function summary(pinned: CheckResult[], control: CheckResult[]): CheckResult {
  const side = ENDPOINTS.map((e) => {
    const p = pinned.find((c) => c.id === `${e.id}.rejects-same-ca-cert`)?.status === 'PASS' ? 'refused' : 'ACCEPTED';
    const u = control.find((c) => c.id === `control.${e.id}.same-ca-cert-accepted-without-pin`)?.status === 'PASS' ? 'accepted' : 'refused';
    return `${e.id}: pinned ${p} / unpinned ${u}`;
  });
  return finding('pinning.side-by-side', 'another certificate of the same CA, with and without the pin', side.join('; '));
}
