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
