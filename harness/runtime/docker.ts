import execa from 'execa';

/** Labels on everything the harness creates, so leftovers can be found and removed. */
export const LABEL = 'io.github.flink-security-sandbox';
export const RUN_LABEL = `${LABEL}.run`;
/** "<pid>:<process start time>" of the process that made a run's containers: is that run still in progress? */
export const OWNER_LABEL = `${LABEL}.owner`;
/** "true" on a --keep run's containers and network: --cleanup leaves it while it runs. */
export const KEEP_LABEL = `${LABEL}.keep`;
/** "kept" (or "kept-no-enforcer") on the nodes of a kind cluster left for the next run (--keep-cluster); --cleanup removes it. */
export const KUBE_KEPT_LABEL = `${LABEL}.kube-cluster`;

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

/**
 * Every image of ours (fss-base, fss-flink, fss-flink-kafka, fss-kafka, …; all versions and
 * hashes): named fss-… and carrying our label (a user's own fss-something is not ours). The base
 * counts by name alone: when it is a tagged pull it has no label. Without -f: an image a
 * container still uses (a kept sandbox) stays, and so does another name of the same image.
 */
export async function removeOurImages(): Promise<number> {
  const list = async (args: string[]) => (await docker(['images', ...args, '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n');
  const tags = [...new Set([...(await list(['--filter', `label=${LABEL}=true`])), ...(await list(['fss-base']))])].filter((t) => /^fss-[a-z-]+:/.test(t));
  if (!tags.length) return 0;
  const r = await docker(['rmi', ...tags], { reject: false, all: true });
  return (r.all ?? '').split('\n').filter((l) => /^Untagged: fss-/.test(l)).length;
}

/** Run ids that still have containers (a --keep sandbox, another run in progress). */
export async function liveRunIds(): Promise<Set<string>> {
  const r = await docker(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{.Label "${RUN_LABEL}"}}`], { reject: false });
  return new Set(r.stdout.split('\n').filter(Boolean));
}
