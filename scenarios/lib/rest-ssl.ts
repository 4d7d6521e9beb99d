/**
 * What the three REST scenarios share: a cluster with internal SSL (as ssl-internal) and REST
 * SSL from the scenario's key material; Flink CLI client configurations; the checks.
 */
import { JOBMANAGER_HOST, PORTS } from '../../harness/config/cluster';
import { FlinkConfig, mergeConfig, renderFlinkConfig } from '../../harness/config/flink-config';
import { internalSsl, restSsl } from '../../harness/config/security';
import { clusterChecks } from '../../harness/checks/cluster';
import { docCommandChecks } from '../../harness/checks/doc-commands';
import { flinkCliChecks } from '../../harness/checks/flink-cli';
import { CheckResult } from '../../harness/checks/model';
import { restTlsChecks } from '../../harness/checks/rest';
import { secretExposureChecks, secretIn } from '../../harness/checks/secret-exposure';
import { Identity } from '../../harness/pki';
import { ClientIdentityPem } from '../../harness/probes/types';
import { FlinkCluster, RestAccess } from '../../harness/runtime/flink-cluster';
import { ProbeStation } from '../../harness/runtime/probe-station';
import { FileSpec } from '../../harness/runtime/sandbox';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioContext } from '../types';
import { clusterSpec, InternalKeyPair } from './cluster';

/** Another DNS name of the JobManager, deliberately absent from the REST certificate. */
export const NAME_NOT_IN_SAN = 'flink-rest';
/** The JobManager's fixed host number on the sandbox /24 (Docker assigns from .2 up). */
const JOBMANAGER_HOST_NUMBER = 250;
const SSL_DIR = '/opt/flink/ssl';

export interface Store {
  /** File name as the docs call it (rest.keystore, ca.truststore, …). */
  file: string;
  bytes: Buffer;
  password: string;
}

/** The REST key material of one doc section. */
export interface RestPki {
  /** The REST key pair (the leaf in the keystore). */
  server: Identity;
  keystore: Store;
  truststore: Store;
  /** What curl-like clients trust: the self-signed certificate, or the CA. */
  trustPem: string;
  ca?: { identity: Identity; other: Identity };
}

export interface RestVariant {
  mutual: boolean;
  /** Made once the JobManager's address is known (the certificate's IP SAN). */
  pki(jm: { host: string; ip: string }, fault?: string): RestPki;
  /** Faults that are a Flink setting rather than key material. */
  faultConfig?: Record<string, FlinkConfig>;
}

const pemOf = (id: Identity, label: string): ClientIdentityPem => ({ certPem: id.chainPem(), keyPem: id.keyPem(), label });

/** --keep: the docs' curl commands against the published port, accepted and refused. */
export function restWorkshop(ctx: ScenarioContext, port: number, keystoreFile: string, password: string, mutual: boolean): string[] {
  const resolve = `--resolve ${JOBMANAGER_HOST}:${port}:127.0.0.1 https://${JOBMANAGER_HOST}:${port}/overview`;
  return [
    `Try it (passwords are demo values):`,
    `  openssl pkcs12 -passin pass:${password} -in ${ctx.pkiDir}/${keystoreFile} -out /tmp/rest.pem -nodes`,
    `  curl --cacert /tmp/rest.pem${mutual ? ' --cert /tmp/rest.pem' : ''} ${resolve}   # accepted`,
    `  curl ${mutual ? '--cacert /tmp/rest.pem ' : ''}${resolve}   # refused: ${mutual ? 'no client certificate' : 'certificate not trusted'}`,
  ];
}

/** `ctx.material`: the internal key pair (the user's own with --keystore). */
export async function runRestScenario(ctx: ScenarioContext<InternalKeyPair>, variant: RestVariant): Promise<CheckResult[]> {
  const { sandbox, version } = ctx;
  const ip = sandbox.address(JOBMANAGER_HOST_NUMBER);
  const pki = variant.pki({ host: JOBMANAGER_HOST, ip }, ctx.fault);
  const { internal, internalPassword } = ctx.material;
  const foreign = Identity.selfSigned('intruder', { cn: JOBMANAGER_HOST, ou: 'intruder' }, 2048);
  for (const s of [pki.keystore, pki.truststore]) writeFileSync(join(ctx.pkiDir, s.file), s.bytes, { mode: 0o600 });

  const store = (s: Store) => ({ path: `${SSL_DIR}/${s.file}`, password: s.password });
  const overlay = mergeConfig(
    internalSsl({ keystore: { path: `${SSL_DIR}/internal.keystore`, password: internalPassword }, truststore: { path: `${SSL_DIR}/internal.keystore`, password: internalPassword } }),
    restSsl({ keystore: store(pki.keystore), truststore: store(pki.truststore), authentication: variant.mutual }),
    ctx.fault ? variant.faultConfig?.[ctx.fault] : undefined,
  );

  // Flink CLI client configurations: the right one, one whose truststore holds a stranger's
  // certificate, and (mutual) one that presents no client certificate.
  const foreignTrust: Store = { file: 'foreign.truststore', bytes: foreign.truststore('foreign_truststore_password'), password: 'foreign_truststore_password' };
  const clientConf = (dir: string, conf: FlinkConfig): FileSpec => {
    const { fileName, content } = renderFlinkConfig(mergeConfig({ 'rest.address': JOBMANAGER_HOST, 'rest.port': PORTS.rest }, conf), version);
    return { content, target: `${dir}/${fileName}`, mode: 0o600 };
  };
  const confs = {
    good: '/opt/flink/client-conf',
    foreignTrust: '/opt/flink/client-conf-foreign',
    noKeystore: variant.mutual ? '/opt/flink/client-conf-nokey' : undefined,
    nameNotInSan: '/opt/flink/client-conf-othername',
  };
  const restClient = (truststore: Store, keystore?: Store) => restSsl({ truststore: store(truststore), keystore: keystore && store(keystore), authentication: !!keystore });
  const jobmanagerFiles = [
    clientConf(confs.good, restClient(pki.truststore, variant.mutual ? pki.keystore : undefined)),
    clientConf(confs.foreignTrust, restClient(foreignTrust, variant.mutual ? pki.keystore : undefined)),
    ...(confs.noKeystore ? [clientConf(confs.noKeystore, restClient(pki.truststore))] : []),
    clientConf(confs.nameNotInSan, { ...restClient(pki.truststore, variant.mutual ? pki.keystore : undefined), 'rest.address': NAME_NOT_IN_SAN }),
    { content: foreignTrust.bytes, target: `${SSL_DIR}/${foreignTrust.file}`, mode: 0o600 },
  ];
  const docDir = '/probe/doc';

  // Mutual auth: "the same store is used by server and clients" — clients present the REST key pair.
  const restIdentity = pki.keystore;
  const client = variant.mutual ? pemOf(pki.server, 'the REST key pair') : undefined;

  const [cluster, station] = await ctx.phase('start', 'containers up (JobManager, 2 TaskManagers, probe)', () =>
    Promise.all([
      FlinkCluster.start(sandbox, clusterSpec(ctx, {
        overlay: () => overlay,
        files: [
          { content: internal.keystore(internalPassword), target: `${SSL_DIR}/internal.keystore`, mode: 0o600 },
          { content: pki.keystore.bytes, target: `${SSL_DIR}/${pki.keystore.file}`, mode: 0o600 },
          { content: pki.truststore.bytes, target: `${SSL_DIR}/${pki.truststore.file}`, mode: 0o600 },
        ],
        jobmanagerFiles,
        jobmanagerIpv4: ip,
        jobmanagerAliases: [NAME_NOT_IN_SAN],
      })),
      ProbeStation.start(sandbox, ctx.images.get('probe'), [{ content: restIdentity.bytes, target: `${docDir}/${restIdentity.file}`, mode: 0o600 }]),
    ]),
  );

  // Readiness must not depend on what is under test: accept any certificate (curl -k), and
  // fall back to plain http when a fault switched REST SSL off.
  const readyAccess: RestAccess = { scheme: 'https', insecure: true, client, fallbackToHttp: true };
  const overview = await ctx.phase('ready', 'cluster ready (2 TaskManagers registered)', () => cluster.waitForTaskManagers(station, readyAccess));

  return ctx.phase('checks', 'job, probes, curl and the Flink CLI', async () => {
    const [clusterResults, tlsResults, docResults, cliResults] = await Promise.all([
      clusterChecks(cluster, station, overview, { scheme: 'https', caPem: pki.trustPem, client, fallbackToHttp: true }, confs.good),
      restTlsChecks(station, {
        host: JOBMANAGER_HOST,
        ip,
        hostNotInSan: NAME_NOT_IN_SAN,
        port: PORTS.rest,
        trustPem: pki.trustPem,
        configuredProtocol: String(overlay['security.ssl.protocol']),
        client,
        foreign: pemOf(foreign, 'a foreign self-signed certificate'),
        ca: pki.ca ? { pem: pki.ca.identity.certPem(), subject: `CN=${pki.ca.identity.cert.subject.getField('CN').value}`, otherPem: pki.ca.other.certPem() } : undefined,
      }),
      docCommandChecks(station, { dir: docDir, keystoreFile: restIdentity.file, password: restIdentity.password, url: `https://${JOBMANAGER_HOST}:${PORTS.rest}/overview`, mutual: variant.mutual }),
      flinkCliChecks(cluster, confs),
    ]);
    // Every store password this setup configures, on the cluster or in a client configuration.
    const secrets = [
      secretIn('internal store password', internalPassword, overlay),
      secretIn('REST keystore password', pki.keystore.password, overlay),
      secretIn('REST truststore password', pki.truststore.password, overlay),
      secretIn('foreign truststore password (a client configuration)', foreignTrust.password),
    ];
    const exposure = await secretExposureChecks(cluster, station, readyAccess, secrets, { logOf: (n) => sandbox.logOf(n) });
    return [...clusterResults, ...tlsResults, ...docResults, ...cliResults, ...exposure];
  });
}
