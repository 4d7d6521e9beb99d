import { Images } from '../images/flink';
import { CheckResult } from '../checks/model';
import { Tally } from './outcome';

export interface RunReport extends Tally {
  scenario: string;
  title: string;
  docSection: string;
  fault?: { name: string; setting: string; expectRed: string[] };
  flinkVersion: string;
  runId: string;
  startedAt: string;
  images: Partial<Images>;
  /** Seconds per phase: images, start, ready, checks, teardown. */
  phases: Record<string, number>;
  checks: CheckResult[];
  /** A run that could not produce verdicts (the sandbox did not come up). */
  error?: string;
  logs: Record<string, string>;
  resultsDir: string;
}
