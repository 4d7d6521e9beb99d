import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import execa from 'execa';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { ensureBaseImage } from './base';
import { buildImage, buildWithFiles, ensureImage } from './build';
import { contentHash } from './hash';
import { CACHE, FIXTURES } from './paths';
import { ensureHadoopImage } from './hadoop';
import { ensureFlinkKafkaImage, ensureKafkaImage } from './kafka';

/**
 * The complete runnable distribution comes from PyPI's apache-flink-libraries (its lib/, opt/ and
 * bin/bash-java-utils.jar are the release's). Maven Central has no flink-dist jar to assemble
 * one from. Older releases come as an sdist (deps/lib, …), newer ones (2.2.1, 2.3.0) as a wheel
 * (pyflink/lib, …).
 */
export async function fetchFlinkArtefact(version: string): Promise<string> {
  const dir = join(CACHE, 'artefacts');
  // Older sdists keep the hyphenated project name in the file name (apache-flink-libraries-1.19.3).
  const found = () =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((n) => n === `apache_flink_libraries-${version}.tar.gz` || n === `apache-flink-libraries-${version}.tar.gz` || (n.startsWith(`apache_flink_libraries-${version}-`) && n.endsWith('.whl')))
          .map((n) => join(dir, n))[0]
      : undefined;
  const cached = found();
  if (cached) return cached;
  mkdirSync(dir, { recursive: true });
  await progress.step(`Flink ${version}: pip download apache-flink-libraries`, async () => {
    const r = await execa('python3', ['-m', 'pip', 'download', '--no-deps', `apache-flink-libraries==${version}`, '-d', dir], { reject: false, all: true });
    if (r.exitCode !== 0 || !found()) {
      const why = /No matching distribution/.test(r.all ?? '') ? `PyPI has no apache-flink-libraries ${version}` : r.exitCode === 0 ? `pip fetched a file of a kind this harness does not know (${readdirSync(dir).filter((n) => n.includes(version)).join(', ')})` : (r.all ?? '').split('\n').filter(Boolean).pop();
      throw new UserError(`cannot fetch Flink ${version}: ${why} (needs python3 with pip)`, EXIT.environment);
    }
  });
  return found() as string;
}

/**
 * The release's lib/, opt/ and bin/ as one tar for the image (folder flink/deps/…): the sdist as
 * it is; a wheel's pyflink/{lib,opt,bin} re-packed, uncompressed (the jars are compressed already).
 */
export async function distributionTar(artefact: string, target: string): Promise<void> {
  if (!artefact.endsWith('.whl')) {
    copyFileSync(artefact, target);
    return;
  }
  const repack = [
    'import sys, tarfile, zipfile',
    'src, dst = sys.argv[1], sys.argv[2]',
    'with zipfile.ZipFile(src) as z, tarfile.open(dst, "w") as t:',
    '    for i in z.infolist():',
    '        parts = i.filename.split("/")',
    '        if len(parts) < 3 or parts[0] != "pyflink" or parts[1] not in ("lib", "opt", "bin") or i.is_dir(): continue',
    '        ti = tarfile.TarInfo("flink/deps/" + "/".join(parts[1:])); ti.size = i.file_size; ti.mode = 0o644',
    '        with z.open(i) as f: t.addfile(ti, f)',
  ].join('\n');
  await execa('python3', ['-c', repack, artefact, target]);
}

/** The Flink image's tag: a hash of its fixture, the base and the release (FSS_IMAGE_SALT salts it). */
export const flinkImageTag = (baseTag: string, version: string) => `fss-flink:${version}-${contentHash(join(FIXTURES, 'flink'), baseTag, version)}`;

export async function ensureFlinkImage(baseTag: string, version: string): Promise<string> {
  const fixture = join(FIXTURES, 'flink');
  const tag = flinkImageTag(baseTag, version);
  return ensureImage(`Flink ${version} image`, tag, async () => {
    const artefact = await fetchFlinkArtefact(version);
    await buildWithFiles({
      tag,
      fixture,
      buildArgs: { BASE_IMAGE: baseTag, FLINK_VERSION: version },
      add: async (ctx) => {
        mkdirSync(join(ctx, 'artefact'), { recursive: true });
        await distributionTar(artefact, join(ctx, 'artefact', 'flink.tar'));
      },
    });
  });
}

/** A small image from a fixture folder on the base (probe station, proxy, …). */
export const fixtureImageTag = (baseTag: string, fixture: string) => `fss-${fixture}:${contentHash(join(FIXTURES, fixture), baseTag)}`;

export async function ensureFixtureImage(baseTag: string, fixture: string): Promise<string> {
  const dir = join(FIXTURES, fixture);
  const tag = fixtureImageTag(baseTag, fixture);
  return ensureImage(`${fixture} image`, tag, () => buildImage({ tag, context: dir, buildArgs: { BASE_IMAGE: baseTag } }));
}

/** Extra images a scenario may ask for (scenario.images). */
export type ExtraImage = 'proxy' | 'kerberos' | 'kafka' | 'flink-kafka' | 'hadoop';

export interface Images {
  flink: string;
  probe: string;
  /** Built only for scenarios that ask for them. */
  proxy?: string;
  kerberos?: string;
  kafka?: string;
  /** The Flink image plus the Kafka connector and a topic-reading job. */
  'flink-kafka'?: string;
  /** The flink-kafka image plus Hadoop's jars: HDFS, ResourceManager, NodeManagers and the YARN client. */
  hadoop?: string;
}

/** The images of one run, each a promise of its tag, so work can start as its own image is there. */
export interface ImageBuilds {
  get(name: keyof Images): Promise<string>;
  /** Every image of the run. */
  all: Promise<Images>;
  /** The tags built (or found) so far. */
  done: Partial<Images>;
  /** The first build that failed, if any: the reason a run stopped, whoever reported it. */
  failure(): Error | undefined;
}

/** Starts every image a scenario needs: base first, then the rest in parallel. */
export function startFlinkImages(version: string, extra: ExtraImage[] = []): ImageBuilds {
  const base = ensureBaseImage();
  const jobs: Partial<Record<keyof Images, Promise<string>>> = {
    flink: base.then((b) => ensureFlinkImage(b, version)),
    probe: base.then((b) => ensureFixtureImage(b, 'probe')),
  };
  const flinkKafka = () => (jobs.flink as Promise<string>).then((f) => ensureFlinkKafkaImage(f, version));
  for (const e of extra) {
    // Downloads overlap with the small images' builds; the builds then share the two cores.
    if (e === 'kafka') jobs.kafka = base.then(ensureKafkaImage);
    else if (e === 'flink-kafka') jobs['flink-kafka'] ??= flinkKafka();
    // On top of the Kafka image: the Kerberos YARN scenarios' jobs read a Kerberized topic.
    else if (e === 'hadoop') jobs.hadoop = (jobs['flink-kafka'] ??= flinkKafka()).then((f) => ensureHadoopImage(f, version));
    else jobs[e] = base.then((b) => ensureFixtureImage(b, e));
  }
  const names = Object.keys(jobs) as Array<keyof Images>;
  const done: Partial<Images> = {};
  let failure: Error | undefined;
  for (const n of names) jobs[n]?.then((t) => (done[n] = t), (e: Error) => (failure ??= e));
  const all = Promise.all(names.map((n) => jobs[n])).then((tags) => Object.fromEntries(names.map((n, i) => [n, tags[i]])) as unknown as Images);
  // Whoever awaits a build sees its failure; these copies must not count as unhandled.
  all.catch(() => undefined);
  return {
    all,
    done,
    failure: () => failure,
    get: (name) => jobs[name] ?? Promise.reject(new Error(`image ${name} was not asked for (scenario.images)`)),
  };
}

export function ensureFlinkImages(version: string, extra: ExtraImage[] = []): Promise<Images> {
  return startFlinkImages(version, extra).all;
}
