import { sslInternal } from './ssl-internal';
import { Scenario } from './types';

/** The catalogue: one entry per documented setup. */
export const SCENARIOS: Scenario[] = [sslInternal];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
