import { CheckResult } from '../harness/checks/model';
import { KnownDeviation } from '../harness/checks/deviations';
import { FlinkVersion } from '../harness/config/version';
import { ExtraImage, ImageBuilds } from '../harness/images/flink';
import { Sandbox } from '../harness/runtime/sandbox';
import { KubeRunContext } from '../harness/kube/run-context';

export type Phase = 'images' | 'cluster' | 'start' | 'ready' | 'checks' | 'teardown';

/** A documented setting flipped to prove that the checks bite. */
export interface FaultSpec {
  /** The real Flink setting it flips, as written in the config. */
  setting: string;
  description: string;
  /** Check ids (or `prefix.*` groups) that must turn red; every other check must stay green. */
  expectRed: string[];
  /** What some of the red checks' evidence must say (the component's own error, say). */
  evidence?: Record<string, RegExp>;
  /**
   * Bad input instead of a weakened setup: the run must stop with these messages: the
   * harness's own check before start, and (with --no-preflight) Flink's own start failure.
   */
  badInput?: { preflight: RegExp; flink: RegExp };
  /** Kubernetes: the fault needs a cluster of its own kind (no NetworkPolicy enforcer at all). */
  cluster?: { enforcer: false };
}

/** What a user may bring instead of generated material (CLI: --keystore, --store-password). */
export interface ScenarioInputs {
  keystore?: string;
  storePassword?: string;
  /** The fault of this run, for scenarios whose faults change key material. */
  fault?: string;
}

export interface ScenarioContext<M = unknown> {
  /** What prepare() made (key material), before any container or image work. */
  material: M;
  version: FlinkVersion;
  /** Still building when run() starts: await each image where it is needed. */
  images: ImageBuilds;
  sandbox: Sandbox;
  /** Owner-only folder for this run's generated key material. */
  pkiDir: string;
  fault?: string;
  /** --no-preflight: let Flink itself meet bad key material. */
  skipPreflight?: boolean;
  /** --keep: publish the scenario's front door on this host port. */
  publish?: Array<{ container: number; host: number }>;
  phase<T>(phase: Phase, title: string, fn: () => Promise<T>): Promise<T>;
  /** Kubernetes scenarios: the run's cluster and namespace (opened by the runner before run()). */
  kube?: KubeRunContext;
  /** Where the run's logs go (pod logs are saved here by Kubernetes scenarios). */
  logsDir: string;
}

export interface Scenario<M = unknown> {
  name: string;
  /** Where it runs: containers on a Docker network (default), pods in a kind cluster, or a Hadoop YARN cluster in containers. */
  runtime?: 'docker' | 'kubernetes' | 'yarn';
  title: string;
  /** Where in the docs the setup comes from. */
  docSection: string;
  description: string;
  faults: Record<string, FaultSpec>;
  /**
   * Checks that fail against the documented setup because Flink does not do what its docs
   * say: they stay FAIL (honest) and are marked as known only when release and evidence match
   * what was seen; a declared one that passes is reported as fixed (harness/checks/deviations).
   */
  knownDeviations?: KnownDeviation[];
  /** Images beyond Flink and the probe station. */
  images?: ExtraImage[];
  /** The port attendees talk to (REST 8081, or a proxy's), published on the host with --keep. */
  frontDoor?: number;
  /** What to print in --keep mode: copy-paste commands showing an accepted and a refused client. */
  workshop?(ctx: ScenarioContext<M>, hostPort: number): string[];
  /**
   * The setting --keystore/--store-password stand for, in a scenario with exactly one internal
   * keystore (honoured by prepare()); the CLI refuses them for every other scenario.
   */
  takesKeystore?: 'security.ssl.internal.keystore';
  /** Checks inputs and makes key material before anything slow starts (throws UserError). */
  prepare(inputs: ScenarioInputs): M;
  run(ctx: ScenarioContext<M>): Promise<CheckResult[]>;
}
