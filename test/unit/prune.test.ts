import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneResults } from '../../harness/report/prune';

test('keeps the newest runs of any scenario and leaves foreign entries alone', () => {
  const root = mkdtempSync(join(tmpdir(), 'fss-prune-'));
  const runs = ['ssl-internal-fss-20261126100000-aaaaaa', 'kerberos-kafka--rdns-on-fss-20261126110000-bbbbbb', 'ssl-internal-fss-20261126120000-cccccc'];
  for (const r of [...runs, 'all-20261126080000', 'all-20261126090000', 'all-20261126130000', 'my-notes', 'bench']) mkdirSync(join(root, r));
  writeFileSync(join(root, 'jest.json'), '{}');
  expect(pruneResults(root, new Set(), 2).sort()).toEqual(['all-20261126080000', 'ssl-internal-fss-20261126100000-aaaaaa']);
  expect(readdirSync(root).sort()).toEqual(['all-20261126090000', 'all-20261126130000', 'bench', 'jest.json', 'kerberos-kafka--rdns-on-fss-20261126110000-bbbbbb', 'my-notes', 'ssl-internal-fss-20261126120000-cccccc']);
  expect(pruneResults(root, new Set(), 0)).toEqual([]);
});

test('never removes a run whose sandbox is still there (--keep)', () => {
  const root = mkdtempSync(join(tmpdir(), 'fss-prune-'));
  for (const r of ['a-fss-20261126100000-aaaaaa', 'b-fss-20261126110000-bbbbbb', 'c-fss-20261126120000-cccccc']) mkdirSync(join(root, r));
  expect(pruneResults(root, new Set(['fss-20261126100000-aaaaaa']), 1)).toEqual(['b-fss-20261126110000-bbbbbb']);
});
