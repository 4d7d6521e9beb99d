import execa from 'execa';

/** Labels on everything the harness creates, so leftovers can be found and removed. */
export const LABEL = 'io.github.flink-security-sandbox';
export const RUN_LABEL = `${LABEL}.run`;

/** The docker CLI, with the legacy builder's plain step output (the engine may lack BuildKit). */
export function docker(args: string[], opts: execa.Options = {}) {
  return execa('docker', args, { env: { DOCKER_BUILDKIT: '0' }, ...opts });
}

export async function dockerOk(args: string[]): Promise<boolean> {
  const r = await docker(args, { reject: false, stdio: 'ignore' });
  return r.exitCode === 0;
}

export async function imageExists(tag: string): Promise<boolean> {
  return dockerOk(['image', 'inspect', tag]);
}

/** Every image of ours (fss-base, fss-flink, fss-flink-kafka, fss-kafka, …; all versions and hashes). */
export async function removeOurImages(): Promise<number> {
  const tags = (await docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n').filter((t) => /^fss-[a-z-]+:/.test(t));
  if (tags.length) await docker(['rmi', '-f', ...tags], { reject: false });
  return tags.length;
}

/** Run ids that still have containers (a --keep sandbox, another run in progress). */
export async function liveRunIds(): Promise<Set<string>> {
  const r = await docker(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{.Label "${RUN_LABEL}"}}`], { reject: false });
  return new Set(r.stdout.split('\n').filter(Boolean));
}
