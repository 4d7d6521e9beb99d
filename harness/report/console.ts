import { RunReport } from './types';
import { summaryLine } from './outcome';

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text.replace(/\s+/g, ' ');
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut < width / 2) cut = width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

/** The console table: check, PASS/FAIL, evidence (wrapped to the terminal). */
export function renderTable(r: RunReport, columns = process.stdout.columns ?? 120): string {
  const idW = Math.max(5, ...r.checks.map((c) => c.id.length));
  const evW = Math.max(40, columns - idW - 10);
  const color = process.stdout.isTTY && !process.env.NO_COLOR;
  const colors = { PASS: '\x1b[32m', FAIL: '\x1b[31m', INFO: '\x1b[33m' };
  const paint = (s: 'PASS' | 'FAIL' | 'INFO') => (color ? `${colors[s]}${s}\x1b[0m` : s);
  const lines = [
    '',
    `${r.scenario}${r.fault ? ` --break ${r.fault.name} (${r.fault.setting})` : ''} · Flink ${r.flinkVersion} · ${r.runId}`,
    `${'CHECK'.padEnd(idW)}  RESULT  EVIDENCE`,
    `${'-'.repeat(idW)}  ------  ${'-'.repeat(Math.min(evW, 60))}`,
  ];
  for (const c of r.checks) {
    const ev = wrap(c.evidence, evW);
    // A known deviation stays FAIL (its evidence says which); "FAIL*" tells it apart at a glance.
    const mark = c.deviation?.kind === 'known' ? '*' : c.deviation?.kind === 'fixed' ? '!' : ' ';
    lines.push(`${c.id.padEnd(idW)}  ${paint(c.status)}${mark}   ${ev[0]}`);
    for (const more of ev.slice(1)) lines.push(`${' '.repeat(idW)}          ${more}`);
  }
  if (r.error) lines.push('', `error: ${r.error}`);
  const phases = Object.entries(r.phases).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ');
  lines.push('', `${summaryLine(r)} · ${phases}`, `report: ${r.resultsDir}`);
  return lines.join('\n') + '\n';
}
