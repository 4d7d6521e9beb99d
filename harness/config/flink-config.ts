import { FlinkVersion } from './version';

export type ConfigValue = string | number | boolean;
/** Flat Flink configuration, key to value, as the docs write it. */
export type FlinkConfig = Record<string, ConfigValue>;

/**
 * Renders a configuration file for the given release. config.yaml (1.19+) is standard YAML,
 * so strings are quoted (passwords, fingerprints and cipher lists stay strings). The legacy
 * flink-conf.yaml parser takes everything after "key: " literally, so quotes would become part
 * of the value there: values are written raw and must be single-line.
 */
export function renderFlinkConfig(conf: FlinkConfig, version: FlinkVersion): { fileName: string; content: string } {
  const yaml = version.configFileName === 'config.yaml';
  const lines = ['# Rendered by flink-security-sandbox for Flink ' + version.text];
  for (const key of Object.keys(conf).sort()) {
    const value = conf[key];
    if (/[\r\n]/.test(String(value))) throw new Error(`config value of ${key} spans lines`);
    if (!yaml || typeof value !== 'string') lines.push(`${key}: ${value}`);
    else lines.push(`${key}: ${JSON.stringify(value)}`);
  }
  return { fileName: version.configFileName, content: lines.join('\n') + '\n' };
}

/** Overlays later maps on earlier ones; a value of null removes the key. */
export function mergeConfig(...layers: Array<Record<string, ConfigValue | null> | undefined>): FlinkConfig {
  const out: FlinkConfig = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) {
      if (v === null) delete out[k];
      else out[k] = v;
    }
  }
  return out;
}
