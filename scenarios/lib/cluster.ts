import { JOBMANAGER_HOST, PORTS } from '../../harness/config/cluster';
import { FlinkConfig } from '../../harness/config/flink-config';
import { channelSwitches } from '../../harness/config/security';
import { FlinkVersion } from '../../harness/config/version';
import { FaultSpec } from '../types';
import { Endpoint } from '../../harness/checks/tls-endpoint';
import { Identity, loadKeystoreIdentity } from '../../harness/pki';
import { FlinkClusterSpec, taskManagerHost } from '../../harness/runtime/flink-cluster';
import { ScenarioContext, ScenarioInputs } from '../types';

/** The docs' example password of the internal keystore: a demo value, never for real use. */
export const DOCS_INTERNAL_PASSWORD = 'internal_store_password';

/** The cluster's one internal key pair and the password of its keystore. */
export interface InternalKeyPair {
  internal: Identity;
  internalPassword: string;
}

/**
 * The user's own keystore (--keystore, --store-password), checked before anything starts, or
 * the docs' key pair: RSA 4096, CN=flink.internal, keystore = truststore.
 */
export function internalKeyPair(inputs: ScenarioInputs): InternalKeyPair {
  if (inputs.keystore) {
    const internal = loadKeystoreIdentity(inputs.keystore, inputs.storePassword, 'security.ssl.internal.keystore');
    return { internal, internalPassword: inputs.storePassword as string };
  }
  return { internal: Identity.selfSigned('flink.internal', { cn: 'flink.internal' }), internalPassword: DOCS_INTERNAL_PASSWORD };
}

/** The internal endpoints the docs' internal SSL covers, at the addresses a runtime gives them. */
export function internalEndpoints(jobmanager: string, taskmanager: string): Endpoint[] {
  return [
    { id: 'jm-rpc', label: 'JobManager Pekko RPC', host: jobmanager, port: PORTS.jobmanagerRpc },
    { id: 'tm-rpc', label: 'TaskManager Pekko RPC', host: taskmanager, port: PORTS.taskmanagerRpc },
    { id: 'blob', label: 'Blob server', host: jobmanager, port: PORTS.blob },
    { id: 'data', label: 'TaskManager data port', host: taskmanager, port: PORTS.taskmanagerData },
  ];
}

/** The same, in the Docker sandbox (network aliases). */
export const INTERNAL_ENDPOINTS: Endpoint[] = internalEndpoints(JOBMANAGER_HOST, taskManagerHost(0));

/**
 * The sandbox's standard cluster (one JobManager, two TaskManagers with two slots each) from
 * the run's context; a scenario adds its settings and files.
 */
export function clusterSpec(ctx: ScenarioContext, spec: Pick<FlinkClusterSpec, 'overlay' | 'files'> & Partial<FlinkClusterSpec>): FlinkClusterSpec {
  return {
    image: ctx.images.get('flink'),
    version: ctx.version,
    taskManagers: 2,
    slotsPerTaskManager: 2,
    skipPreflight: ctx.skipPreflight,
    // Workshop mode publishes the front door of the scenario's main cluster only.
    jobmanagerPublish: spec.containerPrefix ? undefined : ctx.publish,
    ...spec,
  };
}

/** The four switches of internal SSL as faults: each must turn exactly its channel's checks red. */
export const CHANNEL_FAULTS: Record<string, FaultSpec> = {
  'internal-ssl-off': {
    setting: 'security.ssl.internal.enabled: false',
    description: 'internal SSL switched off altogether',
    expectRed: ['jm-rpc.*', 'tm-rpc.*', 'blob.*', 'data.*', 'inventory.*'],
  },
  'pekko-ssl-off': {
    setting: 'pekko.ssl.enabled: false',
    description: 'SSL off for Pekko RPC only',
    // The metric query service is a Pekko RPC endpoint too (random port, found by the inventory).
    expectRed: ['jm-rpc.*', 'tm-rpc.*', 'inventory.*'],
  },
  'blob-ssl-off': {
    setting: 'blob.service.ssl.enabled: false',
    description: 'SSL off for the blob service only',
    expectRed: ['blob.*'],
  },
  'data-ssl-off': {
    setting: 'taskmanager.data.ssl.enabled: false',
    description: 'SSL off for the TaskManager data plane only',
    expectRed: ['data.*'],
  },
};

/** The settings those faults flip, under the release's own key names. */
export function channelFaultConfig(version: FlinkVersion): Record<string, FlinkConfig> {
  const switches = channelSwitches(version);
  return {
    'internal-ssl-off': { 'security.ssl.internal.enabled': false },
    'pekko-ssl-off': { [switches.rpc]: false },
    'blob-ssl-off': { [switches.blob]: false },
    'data-ssl-off': { [switches.data]: false },
  };
}
