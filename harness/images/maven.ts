import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { contentHash } from './hash';
import { CACHE } from './paths';

/**
 * Resolves a POM's runtime dependencies with the machine's own Maven client into a cached
 * folder of jars (keyed by the POM's content), and returns that folder.
 */
export async function mavenJars(title: string, pom: string): Promise<string> {
  const dir = join(CACHE, 'maven', contentHash(undefined, pom));
  const done = join(dir, '.complete');
  if (existsSync(done)) return join(dir, 'jars');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pom);
  await progress.step(`${title}: mvn dependency:copy-dependencies`, async () => {
    const r = await execa('mvn', ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(dir, 'jars')}`], { reject: false, all: true });
    if (r.exitCode !== 0) {
      if ((r as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String(r.all ?? ''))) {
        throw new UserError(`${title}: Maven (mvn) is needed to fetch jars from Maven Central: install it (apt-get install maven)`, EXIT.environment);
      }
      const err = (r.all ?? '').split('\n').find((l) => /\[ERROR\].*(Could not|Failed|not found)/.test(l)) ?? (r.all ?? '').split('\n').filter(Boolean).pop();
      throw new UserError(`${title}: Maven could not resolve the jars: ${err?.replace(/^\S*\[ERROR\]\s*/, '')}`, EXIT.environment);
    }
  });
  writeFileSync(done, '');
  return join(dir, 'jars');
}

/** Copies a jar folder into a build context, leaving out jars by name. */
export function copyJars(from: string, to: string, leaveOut: RegExp = /^$/): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) if (f.endsWith('.jar') && !leaveOut.test(f)) cpSync(join(from, f), join(to, f));
}
