import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { docker, imageExists, LABEL } from '../runtime/docker';
import { CACHE } from './paths';
import { progress } from '../ui/progress';
import { EXIT, UserError } from '../errors';

/**
 * docker build with host networking (apt inside the build reaches the machine's mirror the way
 * the host does), labelled, with each build step shown as progress. --force-rm: a step that
 * fails leaves no intermediate container (they carry no run label, so nothing could remove them).
 */
export async function buildImage(opts: { tag: string; context: string; dockerfile?: string; buildArgs?: Record<string, string> }): Promise<void> {
  const args = ['build', '--network', 'host', '--force-rm', '--label', `${LABEL}=true`, '-t', opts.tag];
  if (opts.dockerfile) args.push('-f', opts.dockerfile);
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  args.push(opts.context);
  const child = docker(args, { all: true, reject: false });
  const tail: string[] = [];
  child.all?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (/^Step \d+\/\d+/.test(line)) progress.detail(line.slice(0, 100));
    }
  });
  const r = await child;
  if (r.exitCode !== 0 && /no space left on device/i.test(tail.join('\n'))) {
    throw new UserError(`out of disk space building ${opts.tag}: remove old images (npm run scenario -- --cleanup --images removes this project's) or free space for Docker`, EXIT.environment);
  }
  if (r.exitCode !== 0) {
    throw new Error(`docker build of ${opts.tag} failed (exit ${r.exitCode}):\n${tail.join('\n')}`);
  }
}

/** Builds only when no image carries the tag: tags are content hashes, so this is the cache. */
export async function ensureImage(title: string, tag: string, build: () => Promise<void>): Promise<string> {
  if (await imageExists(tag)) {
    progress.info(`  ✔ ${title}: ${tag} (cached)`);
    return tag;
  }
  await progress.step(`${title}: building ${tag}`, build);
  return tag;
}

/**
 * Builds from a copy of a fixture folder to which `add` puts downloaded files (a release, jars),
 * in a scratch folder under the cache that is removed afterwards.
 */
export async function buildWithFiles(opts: { tag: string; fixture: string; buildArgs: Record<string, string>; add: (ctx: string) => void | Promise<void> }): Promise<void> {
  const ctx = join(CACHE, 'build', opts.tag.replace(/[:/]/g, '_'));
  rmSync(ctx, { recursive: true, force: true });
  cpSync(opts.fixture, ctx, { recursive: true });
  try {
    await opts.add(ctx);
    await buildImage({ tag: opts.tag, context: ctx, buildArgs: opts.buildArgs });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}
