// Prints "N passed, N failed" from jest's JSON report (the line CI reads).
const fs = require('fs');
const file = process.argv[2] || 'results/jest.json';
let r;
try {
  r = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.log('0 passed, 1 failed');
  console.error(`no jest report at ${file}: ${e.message}`);
  process.exit(1);
}
// A suite that failed to load has no test results but is a failure all the same.
const broken = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken} failed`);
process.exit(r.numFailedTests + broken === 0 && r.success ? 0 : 1);
