import { Progress } from '../../harness/ui/progress';

const sink = () => {
  const text: string[] = [];
  return { text, out: { write: (s: string) => text.push(s), columns: 200, isTTY: false } as unknown as NodeJS.WriteStream };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Progress with concurrent steps', () => {
  test('CI mode: a step keeps its heartbeat after another one beside it has finished', async () => {
    const { text, out } = sink();
    const p = new Progress(out, false, 30);
    await Promise.all([p.step('short', () => sleep(10)), p.step('long', () => sleep(150))]);
    const all = text.join('');
    const shortDone = all.indexOf('✔ short');
    expect(shortDone).toBeGreaterThan(0);
    expect(all.indexOf('long: still working', shortDone)).toBeGreaterThan(shortDone);
    expect(all).toMatch(/✔ long \(0\.\ds\)/);
    expect(all).not.toMatch(/short: still working/);
  });

  test('live mode: a detail goes to the step whose work reported it, and no finished step is redrawn', async () => {
    const { text, out } = sink();
    const p = new Progress(out, true);
    await Promise.all([
      p.step('kdc', async () => {
        await sleep(20);
        p.detail('port 88 answers');
      }),
      p.step('flink image', async () => {
        await sleep(60);
      }),
    ]);
    const all = text.join('');
    expect(all).toContain('… flink image');
    // The older step's news is shown with that step, not with the newest one.
    expect(all).toMatch(/… kdc \(\d+s\)  \(\+1 running\)  port 88 answers/);
    expect(all).not.toMatch(/flink image \(\d+s\)[^\n\r]*port 88/);
    expect(all).toMatch(/✔ kdc .*\n[\s\S]*✔ flink image/);
    // After the last step nothing running is drawn again.
    expect(text.at(-1)).toMatch(/✔ flink image/);
  });
});
