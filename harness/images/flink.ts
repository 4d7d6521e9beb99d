import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { ensureBaseImage } from './base';
import { buildImage, buildWithFiles, ensureImage } from './build';
import { contentHash } from './hash';
import { CACHE, FIXTURES } from './paths';
import { ensureFlinkKafkaImage, ensureKafkaImage } from './kafka';

/**
 * The complete runnable distribution comes from PyPI's apache-flink-libraries (its deps/lib is
 * the release's lib/). Maven Central has no flink-dist jar to assemble one from.
 */
export async function fetchFlinkArtefact(version: string): Promise<string> {
  const dir = join(CACHE, 'artefacts');
  // Older sdists keep the hyphenated project name in the file name (apache-flink-libraries-1.19.3).
  const names = [`apache_flink_libraries-${version}.tar.gz`, `apache-flink-libraries-${version}.tar.gz`].map((n) => join(dir, n));
  const found = () => names.find((n) => existsSync(n));
  if (found()) return found() as string;
  mkdirSync(dir, { recursive: true });
  await progress.step(`Flink ${version}: pip download apache-flink-libraries`, async () => {
    const r = await execa('python3', ['-m', 'pip', 'download', '--no-deps', `apache-flink-libraries==${version}`, '-d', dir], { reject: false, all: true });
    if (r.exitCode !== 0 || !found()) {
      const why = /No matching distribution/.test(r.all ?? '') ? `PyPI has no apache-flink-libraries ${version}` : (r.all ?? '').split('\n').filter(Boolean).pop();
      throw new UserError(`cannot fetch Flink ${version}: ${why} (needs python3 with pip)`, EXIT.environment);
    }
  });
  return found() as string;
}

export async function ensureFlinkImage(baseTag: string, version: string): Promise<string> {
  const fixture = join(FIXTURES, 'flink');
  const tag = `fss-flink:${version}-${contentHash(fixture, baseTag, version)}`;
  return ensureImage(`Flink ${version} image`, tag, async () => {
    const artefact = await fetchFlinkArtefact(version);
    await buildWithFiles({
      tag,
      fixture,
      buildArgs: { BASE_IMAGE: baseTag, FLINK_VERSION: version },
      add: (ctx) => {
        mkdirSync(join(ctx, 'artefact'), { recursive: true });
        copyFileSync(artefact, join(ctx, 'artefact', `apache_flink_libraries-${version}.tar.gz`));
      },
    });
  });
}

/** A small image from a fixture folder on the base (probe station, proxy, …). */
export async function ensureFixtureImage(baseTag: string, fixture: string): Promise<string> {
  const dir = join(FIXTURES, fixture);
  const tag = `fss-${fixture}:${contentHash(dir, baseTag)}`;
  return ensureImage(`${fixture} image`, tag, () => buildImage({ tag, context: dir, buildArgs: { BASE_IMAGE: baseTag } }));
}

/** Extra images a scenario may ask for (scenario.images). */
export type ExtraImage = 'proxy' | 'kerberos' | 'kafka' | 'flink-kafka';

export interface Images {
  flink: string;
  probe: string;
  /** Built only for scenarios that ask for them. */
  proxy?: string;
  kerberos?: string;
  kafka?: string;
  /** The Flink image plus the Kafka connector and a topic-reading job. */
  'flink-kafka'?: string;
}

/** Every image a scenario needs: base first, then the rest in parallel. */
export async function ensureFlinkImages(version: string, extra: ExtraImage[] = []): Promise<Images> {
  const base = await ensureBaseImage();
  const flinkImage = ensureFlinkImage(base, version);
  const build = (e: ExtraImage): Promise<string> => {
    if (e === 'kafka') return ensureKafkaImage(base);
    if (e === 'flink-kafka') return flinkImage.then((f) => ensureFlinkKafkaImage(f, version));
    return ensureFixtureImage(base, e);
  };
  // Downloads overlap with the small images' builds; the builds then share the two cores.
  const [flink, probe, ...more] = await Promise.all([flinkImage, ensureFixtureImage(base, 'probe'), ...extra.map(build)]);
  return { flink, probe, ...Object.fromEntries(extra.map((e, i) => [e, more[i]])) };
}
