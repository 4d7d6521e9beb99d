import { sslInternal } from './ssl-internal';
import { Scenario } from './types';

/** The catalogue: one entry per documented setup. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const SCENARIOS: Scenario<any>[] = [sslInternal];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function findScenario(name: string): Scenario<any> | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
