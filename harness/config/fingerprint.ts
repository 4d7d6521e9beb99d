/**
 * security.ssl.{internal,rest}.cert.fingerprint: SHA-1 of the peer's certificate, 40 hex digits
 * with optional colons, several separated by commas. Returns why a value is not that, or
 * undefined when it is.
 */
export function fingerprintProblem(value: string): string | undefined {
  for (const part of value.split(',').map((p) => p.trim())) {
    if (!part) return 'an empty entry in the list';
    if (/[^0-9a-fA-F:]/.test(part)) return `"${part}" has characters other than hex digits and colons`;
    const hex = part.replace(/:/g, '');
    if (hex.length === 64) return `"${part}" is a SHA-256 fingerprint; Flink compares SHA-1 (40 hex digits)`;
    if (hex.length !== 40) return `"${part}" has ${hex.length} hex digits; a SHA-1 fingerprint has 40`;
    if (part.includes(':') && !/^([0-9a-fA-F]{2}:){19}[0-9a-fA-F]{2}$/.test(part)) return `"${part}" has colons in the wrong places`;
  }
  return undefined;
}
