import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunReport } from './types';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function suiteXml(r: RunReport): string[] {
  const suite = `${r.scenario}${r.fault ? `[break=${r.fault.name}]` : ''}[flink=${r.flinkVersion}]`;
  const total = r.phases ? Object.values(r.phases).reduce((a, b) => a + b, 0) : 0;
  const cases = r.checks.map((c) => {
    // A known deviation is reported as pytest reports an xfail: skipped, with its reason.
    const body =
      c.deviation?.kind === 'known'
        ? `<skipped message="${xml(`known deviation ${c.deviation.upstream}`)}"/><system-out>${xml(c.evidence)}</system-out>`
        : c.status === 'FAIL'
          ? `<failure message="${xml(c.title)}">${xml(c.evidence)}</failure>`
          : `<system-out>${xml(c.evidence)}</system-out>`;
    return `    <testcase classname="${xml(suite)}" name="${xml(c.id)}">${body}</testcase>`;
  });
  if (r.error) cases.push(`    <testcase classname="${xml(suite)}" name="sandbox"><error message="${xml(r.error)}"/></testcase>`);
  return [
    `  <testsuite name="${xml(suite)}" tests="${r.checks.length}" failures="${r.failed}" skipped="${r.known}" errors="${r.error ? 1 : 0}" time="${total.toFixed(1)}" timestamp="${r.startedAt}">`,
    ...cases,
    '  </testsuite>',
  ];
}

/** JUnit XML: one testsuite per run (several for --all), one testcase per check. */
export function junitXml(...reports: RunReport[]): string {
  const tests = reports.reduce((n, r) => n + r.checks.length, 0);
  const failures = reports.reduce((n, r) => n + r.failed, 0);
  const errors = reports.filter((r) => r.error).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="flink-security-sandbox" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...reports.flatMap(suiteXml),
    '</testsuites>',
    '',
  ].join('\n');
}

/** --all: one report over every run, and a matrix of scenario × Flink version. */
export function writeAggregate(dir: string, reports: RunReport[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ runs: reports.map((r) => ({ ...r, checks: r.checks })) }, null, 2));
  writeFileSync(join(dir, 'junit.xml'), junitXml(...reports));
  const versions = [...new Set(reports.map((r) => r.flinkVersion))];
  const names = [...new Set(reports.map((r) => r.scenario))];
  const w = Math.max(8, ...names.map((n) => n.length));
  const cell = (r?: RunReport) => (!r ? '-' : r.error ? 'ERROR' : `${r.passed}/${r.failed}/${r.known}/${r.findings}${r.fixed ? ` (${r.fixed} fixed?)` : ''}`).padEnd(18);
  return [
    `${'scenario'.padEnd(w)}  ${versions.map((v) => `Flink ${v}`.padEnd(18)).join('')}   (passed/failed/known deviations/info)`,
    ...names.map((n) => `${n.padEnd(w)}  ${versions.map((v) => cell(reports.find((r) => r.scenario === n && r.flinkVersion === v))).join('')}`),
    `report: ${dir}`,
  ].join('\n');
}

/** report.json and junit.xml in the run's results folder. */
export function writeReports(r: RunReport): void {
  writeFileSync(join(r.resultsDir, 'report.json'), JSON.stringify(r, null, 2));
  writeFileSync(join(r.resultsDir, 'junit.xml'), junitXml(r));
}
