const ip = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/**
 * The /24 prefixes of 172.29.0.0/16 ("172.29.7") that overlap none of the engine's subnets
 * (`used`: CIDRs, space-separated, as `docker network inspect` lists them). A user's network
 * may span the whole /16 (Docker's default pools hand out 172.17–31.0.0/16), not just one /24.
 */
export function freeSandboxPrefixes(used: string): string[] {
  const taken = used
    .split(/\s+/)
    .map((c) => /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(c))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => {
      const size = 2 ** (32 - Number(m[2]));
      const start = Math.floor(ip(m[1]) / size) * size;
      return [start, start + size] as const;
    });
  return Array.from({ length: 256 }, (_, i) => `172.29.${i}`).filter((p) => {
    const start = ip(`${p}.0`);
    return !taken.some(([s, e]) => start < e && s < start + 256);
  });
}
