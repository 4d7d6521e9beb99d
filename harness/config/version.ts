/** A Flink release number, compared numerically. */
export class FlinkVersion {
  readonly parts: [number, number, number];

  constructor(readonly text: string) {
    const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) throw new Error(`not a Flink version: "${text}" (expected X.Y.Z, e.g. 1.20.5)`);
    this.parts = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  }

  /** A release a user names: the full X.Y.Z (PyPI resolves "2.3" to 2.3.0 but names it so). */
  static release(text: string): FlinkVersion {
    if (!/^\d+\.\d+\.\d+$/.test(text.trim())) throw new Error(`not a Flink release: "${text}" (expected X.Y.Z, e.g. 1.20.5)`);
    return new FlinkVersion(text);
  }

  atLeast(other: string): boolean {
    const o = new FlinkVersion(other).parts;
    for (let i = 0; i < 3; i++) if (this.parts[i] !== o[i]) return this.parts[i] > o[i];
    return true;
  }

  /** 1.19 introduced conf/config.yaml (standard YAML); older releases read flink-conf.yaml. */
  get configFileName(): 'config.yaml' | 'flink-conf.yaml' {
    return this.atLeast('1.19') ? 'config.yaml' : 'flink-conf.yaml';
  }

  /** The RPC system's config prefix: Akka up to 1.17, Pekko from 1.18. */
  get rpcPrefix(): 'akka' | 'pekko' {
    return this.atLeast('1.18') ? 'pekko' : 'akka';
  }

  toString(): string {
    return this.text;
  }
}

/** The default release: newest 1.20.x whose PyPI artefact carries a complete lib/ (see docs/images.md). */
export const DEFAULT_FLINK_VERSION = '1.20.5';
