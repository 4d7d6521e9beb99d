import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import execa from 'execa';
import { ROOT } from '../../harness/images/paths';
import { enginePid } from './engine';

/**
 * Things on the engine that are not the suite's business, as a user's machine has them: a
 * container, a network and a volume with no run label of ours. The suite must leave them (and
 * the engine process) alone; the last test file checks, global teardown removes exactly these by id.
 */
export const BYSTANDERS = join(ROOT, 'results', 'bystanders.json');

export interface Bystanders {
  container: string;
  network: string;
  /** A volume named like ours and labelled with the project's generic label, but no run label. */
  volume?: string;
  /** The engine's pid when the suite began (undefined: not visible from here). */
  enginePid?: string;
}

/**
 * The container runs our base image (the one image sure to be there without a registry).
 * Docker gives a container its image's labels, so it does carry the base's generic project
 * label, though no run label: a stricter decoy, as anything removing by that label would hit it.
 */
export async function startBystanders(baseImage: string): Promise<Bystanders> {
  const suffix = randomBytes(4).toString('hex');
  const container = (await execa('docker', ['run', '-d', '--name', `bystander-${suffix}`, baseImage, 'sleep', 'infinity'])).stdout.trim();
  const network = (await execa('docker', ['network', 'create', `bystander-${suffix}`])).stdout.trim();
  // YARN runs share a staging volume (`<run id>-staging`); removal goes by the run's label only.
  const volume = (await execa('docker', ['volume', 'create', '--label', 'io.github.flink-security-sandbox=true', `fss-bystander-${suffix}-staging`])).stdout.trim();
  const b: Bystanders = { container, network, volume, enginePid: await enginePid() };
  mkdirSync(dirname(BYSTANDERS), { recursive: true });
  writeFileSync(BYSTANDERS, JSON.stringify(b, null, 2));
  return b;
}

export function readBystanders(): Bystanders | undefined {
  return existsSync(BYSTANDERS) ? (JSON.parse(readFileSync(BYSTANDERS, 'utf8')) as Bystanders) : undefined;
}

/** Removes the recorded bystanders (by id, nothing else) and the record. */
export async function removeBystanders(): Promise<void> {
  const b = readBystanders();
  if (!b) return;
  await execa('docker', ['rm', '-f', b.container], { reject: false });
  await execa('docker', ['network', 'rm', b.network], { reject: false });
  if (b.volume) await execa('docker', ['volume', 'rm', b.volume], { reject: false });
  rmSync(BYSTANDERS, { force: true });
}
