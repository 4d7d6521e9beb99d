// jest's own order, except that the bystanders check runs last: it asserts that nothing the
// suite did touched what is not the suite's, so everything else must have run before it.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = /[\\/]test[\\/]bystanders\.test\.ts$/;

class BystandersLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !LAST.test(t.path)), ...sorted.filter((t) => LAST.test(t.path))];
  }
}

module.exports = BystandersLast;
