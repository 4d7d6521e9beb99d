import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { docker, imageExists, LABEL } from '../runtime/docker';
import { EXIT, UserError } from '../errors';
import { progress } from '../ui/progress';
import { contentHash } from './hash';
import { ensureImage } from './build';

const SUITE = 'bookworm';
const PULLED = 'debian:bookworm-slim';

/** The first Debian mirror this machine's apt is configured with (deb822 or one-line format). */
export function configuredMirror(files?: string[]): string {
  const candidates = files ?? [
    ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').filter((f) => /\.(sources|list)$/.test(f)).map((f) => join('/etc/apt/sources.list.d', f)) : []),
    '/etc/apt/sources.list',
  ];
  for (const f of candidates) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    // deb822 stanzas: take one whose Suites include the release itself (not -security).
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uri && /^Types:.*\bdeb\b/m.test(stanza) && suites.some((s) => /^[a-z]+$/.test(s))) return uri;
    }
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+([a-z]+)\s/m.exec(text);
    if (line) return line[1];
  }
  throw new UserError('no Debian mirror found in /etc/apt/sources.list(.d): cannot debootstrap a base image', EXIT.environment);
}

async function tryPull(): Promise<boolean> {
  if (process.env.FSS_BASE === 'debootstrap') return false;
  if (await imageExists(PULLED)) return true;
  progress.detail(`trying docker pull ${PULLED}`);
  const r = await docker(['pull', PULLED], { reject: false, timeout: 25000 });
  return r.exitCode === 0;
}

/**
 * The Debian base every image builds on: a pulled bookworm-slim when a registry answers,
 * otherwise debootstrap from this machine's configured mirror plus docker import.
 */
export async function ensureBaseImage(): Promise<string> {
  const mirror = process.env.FSS_DEBIAN_MIRROR ?? configuredMirror();
  const tag = `fss-base:${SUITE}-${contentHash(undefined, 'debootstrap', 'minbase', SUITE, mirror)}`;
  return ensureImage('base image', tag, async () => {
    if (await tryPull()) {
      await docker(['tag', PULLED, tag]);
      return;
    }
    if ((await execa('sh', ['-c', 'command -v debootstrap'], { reject: false })).exitCode !== 0) {
      if (process.getuid?.() !== 0) throw new UserError('no registry answers and debootstrap is missing: install it (apt-get install debootstrap) and run as root', EXIT.environment);
      progress.detail('apt-get install debootstrap');
      await execa('apt-get', ['install', '-y', '-q', 'debootstrap'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    }
    const dir = mkdtempSync(join(tmpdir(), 'fss-rootfs-'));
    try {
      progress.detail(`debootstrap --variant=minbase ${SUITE} from ${mirror}`);
      const ds = execa('debootstrap', ['--variant=minbase', SUITE, dir, mirror], { all: true });
      ds.all?.on('data', (c: Buffer) => {
        const last = c.toString().trim().split('\n').pop();
        if (last) progress.detail(last.slice(0, 90));
      });
      await ds;
      progress.detail('docker import');
      await execa('sh', ['-c', `tar -C "${dir}" -c . | docker import --change 'LABEL ${LABEL}=true' - "${tag}"`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
