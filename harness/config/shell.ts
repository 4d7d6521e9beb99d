/** One argument for sh, single-quoted (the scripts the harness runs in containers). */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
