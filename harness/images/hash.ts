import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    })
    .sort();
}

/** A short content hash over a fixture folder (names and bytes) and extra inputs: an image tag's suffix. */
export function contentHash(dir: string | undefined, ...extra: string[]): string {
  const h = createHash('sha256');
  if (dir) {
    for (const f of filesUnder(dir)) {
      h.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
    }
  }
  for (const e of extra) h.update(e).update('\0');
  // FSS_IMAGE_SALT forces fresh builds of the fixture images (not of the base, not of
  // downloads): how the interrupt test catches a run in the middle of an image build.
  if (dir && process.env.FSS_IMAGE_SALT) h.update(`salt:${process.env.FSS_IMAGE_SALT}`);
  return h.digest('hex').slice(0, 12);
}
