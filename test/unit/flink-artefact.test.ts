import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';
import { distributionTar } from '../../harness/images/flink';

test("a wheel's pyflink/{lib,opt,bin} become the sdist's deps/ layout, nothing else", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fss-wheel-'));
  const whl = join(dir, 'apache_flink_libraries-9.9.9-py2.py3-none-any.whl');
  const make = [
    'import sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1], "w") as z:',
    '    for n in ["pyflink/lib/flink-dist-9.9.9.jar", "pyflink/opt/flink-python-9.9.9.jar", "pyflink/bin/bash-java-utils.jar", "pyflink/licenses/LICENSE", "pyflink/__init__.py", "apache_flink_libraries-9.9.9.dist-info/RECORD"]:',
    '        z.writestr(n, "x" * 10)',
  ].join('\n');
  await execa('python3', ['-c', make, whl]);
  const tar = join(dir, 'flink.tar');
  await distributionTar(whl, tar);
  const listing = (await execa('tar', ['-tvf', tar])).stdout.split('\n');
  expect(listing.map((l) => l.split(/\s+/).pop()).sort()).toEqual(['flink/deps/bin/bash-java-utils.jar', 'flink/deps/lib/flink-dist-9.9.9.jar', 'flink/deps/opt/flink-python-9.9.9.jar']);
  expect(listing.every((l) => l.includes(' 10 '))).toBe(true);
});
