import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunReport } from './types';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function junitXml(r: RunReport): string {
  const suite = `${r.scenario}${r.fault ? `[break=${r.fault.name}]` : ''}`;
  const total = r.phases ? Object.values(r.phases).reduce((a, b) => a + b, 0) : 0;
  const cases = r.checks.map((c) => {
    const body = c.status === 'FAIL' ? `<failure message="${xml(c.title)}">${xml(c.evidence)}</failure>` : `<system-out>${xml(c.evidence)}</system-out>`;
    return `    <testcase classname="${xml(suite)}" name="${xml(c.id)}">${body}</testcase>`;
  });
  if (r.error) cases.push(`    <testcase classname="${xml(suite)}" name="sandbox"><error message="${xml(r.error)}"/></testcase>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="flink-security-sandbox" tests="${r.checks.length}" failures="${r.failed}" errors="${r.error ? 1 : 0}">`,
    `  <testsuite name="${xml(suite)}" tests="${r.checks.length}" failures="${r.failed}" errors="${r.error ? 1 : 0}" time="${total.toFixed(1)}" timestamp="${r.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** report.json and junit.xml in the run's results folder. */
export function writeReports(r: RunReport): void {
  writeFileSync(join(r.resultsDir, 'report.json'), JSON.stringify(r, null, 2));
  writeFileSync(join(r.resultsDir, 'junit.xml'), junitXml(r));
}
