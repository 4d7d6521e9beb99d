import { CheckResult } from '../harness/checks/model';
import { FlinkVersion } from '../harness/config/version';
import { Sandbox } from '../harness/runtime/sandbox';

export type Phase = 'images' | 'start' | 'ready' | 'checks' | 'teardown';

/** A documented setting flipped to prove that the checks bite. */
export interface FaultSpec {
  /** The real Flink setting it flips, as written in the config. */
  setting: string;
  description: string;
  /** Check ids (or `prefix.*` groups) that must turn red; every other check must stay green. */
  expectRed: string[];
}

export interface ScenarioContext {
  version: FlinkVersion;
  images: { flink: string; probe: string };
  sandbox: Sandbox;
  /** Owner-only folder for this run's generated key material. */
  pkiDir: string;
  fault?: string;
  phase<T>(phase: Phase, title: string, fn: () => Promise<T>): Promise<T>;
}

export interface Scenario {
  name: string;
  title: string;
  /** Where in the docs the setup comes from. */
  docSection: string;
  description: string;
  faults: Record<string, FaultSpec>;
  /** Validates options and inputs before anything starts (throws UserError). */
  preflight?(ctx: { version: FlinkVersion; fault?: string }): void;
  run(ctx: ScenarioContext): Promise<CheckResult[]>;
}
