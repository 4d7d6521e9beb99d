// jest's own order, with two exceptions: the Kubernetes files run next to each other at the end,
// so the kind cluster the first one keeps serves the next and is never left idle (burning the two
// cores) while Docker scenarios run; and the bystanders check runs last: it asserts that nothing
// the suite did touched what is not the suite's, so everything else must have run before it.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = /[\\/]test[\\/]bystanders\.test\.ts$/;
const KUBE = /[\\/]test[\\/]integration[\\/]k8s-[^\\/]+\.test\.ts$/;

class KubeTogetherBystandersLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const group = (t) => (LAST.test(t.path) ? 2 : KUBE.test(t.path) ? 1 : 0);
    // Array.prototype.sort is stable: jest's order holds within each group.
    return [...sorted].sort((a, b) => group(a) - group(b));
  }
}

module.exports = KubeTogetherBystandersLast;
