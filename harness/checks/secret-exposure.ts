/**
 * Claims about what Flink does with the secrets a scenario configured (store and key
 * passwords, JAAS configs, proxy tokens): its REST API shows them masked, its logs never carry
 * them, and a file it writes that holds one is owner-only. The judges are pure functions of
 * what was fetched; the collectors reach REST through the probe station (however the scenario
 * reaches it: HTTP, HTTPS, mutual TLS, a proxy with credentials) and read the logs the sandbox
 * kept in memory.
 */
import { JOBMANAGER_HOST, PORTS } from '../config/cluster';
import { FlinkConfig } from '../config/flink-config';
import { HttpProbeResult } from '../probes/types';
import { FlinkCluster, RestAccess } from '../runtime/flink-cluster';
import { ProbeStation } from '../runtime/probe-station';
import { CheckResult, finding, verdict } from './model';

export interface ConfiguredSecret {
  /** What it is, for evidence ("internal store password"); never the value. */
  what: string;
  value: string;
  /** The Flink settings that carry it, when Flink is given it at all. */
  settings?: string[];
}

/** A secret and the settings of `conf` that carry it (exactly that value). */
export function secretIn(what: string, value: string, conf: FlinkConfig = {}): ConfiguredSecret {
  return { what, value, settings: Object.keys(conf).filter((k) => conf[k] === value) };
}

/** A secret as evidence may show it: enough to recognise, not to use. */
export const elide = (secret: string): string => `${secret.slice(0, 3)}…`;

/** The text with every configured secret elided. */
export function redact(text: string, secrets: ConfiguredSecret[]): string {
  return usable(secrets).reduce((t, s) => t.split(s.value).join(elide(s.value)), text);
}

// An empty value would be "found" everywhere; one value configured twice is reported once.
const usable = (secrets: ConfiguredSecret[]) => secrets.filter((s, i) => s.value.length > 0 && secrets.findIndex((o) => o.value === s.value) === i);

export interface Leak {
  /** The Flink setting of a config entry ({key, value}), else the JSON path. */
  where: string;
  what: string;
  /** The value that carried it, redacted and cut short. */
  shown: string;
}

/** Every string in a JSON document that contains a configured secret. */
export function leaksInJson(json: unknown, secrets: ConfiguredSecret[]): Leak[] {
  const out: Leak[] = [];
  const visit = (v: unknown, path: string, entryKey?: string) => {
    if (typeof v === 'string') {
      for (const s of usable(secrets)) if (v.includes(s.value)) out.push({ where: entryKey ?? (path || '(body)'), what: s.what, shown: cut(redact(v, secrets)) });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${path}[${i}]`));
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      // Flink's config listings: [{key, value}]; name the setting, not the array index.
      const key = typeof o.key === 'string' ? o.key : undefined;
      for (const [k, x] of Object.entries(o)) visit(x, path ? `${path}.${k}` : k, key && k === 'value' ? key : undefined);
    }
  };
  visit(json, '');
  return out;
}

/** What a config listing ([{key, value}]) shows for the settings that carry a secret. */
export function shownSettings(json: unknown, secrets: ConfiguredSecret[]): Array<{ key: string; value: string }> {
  if (!Array.isArray(json)) return [];
  const keys = new Set(secrets.flatMap((s) => s.settings ?? []));
  return json
    .filter((e): e is { key: string; value: unknown } => !!e && typeof e === 'object' && typeof (e as { key?: unknown }).key === 'string' && keys.has((e as { key: string }).key))
    .map((e) => ({ key: e.key, value: String(e.value) }));
}

export interface RestView {
  path: string;
  result: HttpProbeResult;
  /** A view that must answer; optional ones (a release without them) may be absent. */
  required: boolean;
}

/**
 * secrets.rest-masked: no REST view shows a configured secret; the settings that carry one
 * appear with a placeholder (which one is reported).
 */
export function judgeRestViews(views: RestView[], secrets: ConfiguredSecret[], note = ''): CheckResult {
  const id = 'secrets.rest-masked';
  const title = "Flink's REST API never shows a configured secret (config, environment, TaskManager and job views)";
  const unread = views.filter((v) => (v.required || v.result.status !== 404) && (v.result.status !== 200 || v.result.json === undefined));
  const leaks = views.flatMap((v) => leaksInJson(v.result.json, secrets).map((l) => `${v.path}: ${l.where} = "${l.shown}" (${l.what})`));
  const placeholders = new Map<string, Set<string>>();
  for (const v of views) for (const e of shownSettings(v.result.json, secrets)) if (!usable(secrets).some((s) => e.value.includes(s.value))) placeholders.set(e.value, new Set([...(placeholders.get(e.value) ?? []), e.key]));
  const masked = [...placeholders].map(([shown, keys]) => `${[...keys].sort().join(', ')} shown as "${shown}"`).join('; ');
  const read = counted(views.filter((v) => v.result.status === 200).map((v) => v.path.replace(/^\/taskmanagers\/[^/]+/, '/taskmanagers/<id>').replace(/^\/jobs\/[0-9a-f]{32}/, '/jobs/<id>')));
  const unreadText = unread.map((v) => `${v.path} → ${v.result.status ?? v.result.error}`).join(', ');
  if (leaks.length) return verdict(id, title, false, `leaked: ${leaks.join('; ')}${unreadText ? `; unreadable: ${unreadText}` : ''}`);
  return verdict(
    id,
    title,
    unread.length === 0,
    `${unreadText ? `unreadable: ${unreadText}; ` : ''}none of ${usable(secrets).length} configured secrets in ${views.filter((v) => v.result.status === 200).length} views (${read.join(', ')})${masked ? `; ${masked}` : ''}${note}`,
  );
}

/** A log line that carries a secret: where, and under which header of Flink's start banner. */
export interface LogLeak {
  log: string;
  line: number;
  what: string;
  text: string;
}

/** Lines of one container log that carry a configured secret, redacted. */
export function leaksInLog(name: string, log: string, secrets: ConfiguredSecret[]): LogLeak[] {
  const out: LogLeak[] = [];
  let section = '';
  log.split('\n').forEach((line, i) => {
    // Flink's start banner lists JVM options and program arguments one per line under a header.
    const message = line.replace(/^.*? - /, '');
    const header = /^\s*(JVM Options|Program Arguments):\s*$/.exec(message);
    if (header) section = header[1];
    else if (!/^\s{4}/.test(message)) section = '';
    for (const s of usable(secrets)) {
      if (line.includes(s.value)) out.push({ log: name, line: i + 1, what: s.what, text: `${section ? `${section}: ` : ''}${cut(redact(message.trim(), secrets))}` });
    }
  });
  return out;
}

/** secrets.not-in-logs: no Flink process logged a configured secret in clear. */
export function judgeLogs(logs: Array<{ name: string; text: string }>, secrets: ConfiguredSecret[]): CheckResult {
  const id = 'secrets.not-in-logs';
  const title = 'no configured secret appears in clear in any JobManager or TaskManager log';
  const empty = logs.filter((l) => !l.text.trim()).map((l) => l.name);
  const leaks = logs.flatMap((l) => leaksInLog(l.name, l.text, secrets));
  if (leaks.length) {
    const perLog = [...new Set(leaks.map((l) => l.log))].map((log) => {
      const mine = leaks.filter((l) => l.log === log);
      return `${log}: ${mine.length} line${mine.length > 1 ? 's' : ''}, e.g. ${mine.slice(0, 2).map((l) => `#${l.line} "${l.text}" (${l.what})`).join(', ')}`;
    });
    return verdict(id, title, false, perLog.join('; '));
  }
  const hidden = logs.reduce((n, l) => n + (l.text.match(/Loading configuration property: [^\n]*, \*{6}/g) ?? []).length, 0);
  return verdict(
    id,
    title,
    empty.length === 0,
    `${empty.length ? `no log kept for ${empty.join(', ')}; ` : ''}none of ${usable(secrets).length} configured secrets in ${logs.map((l) => `${l.name} (${l.text.split('\n').length} lines)`).join(', ')}; Flink logged ${hidden} secret settings as ******`,
  );
}

/** One file in a directory Flink writes to, as `find -printf '%m %u %s %p'` lists it. */
export interface WrittenFile {
  mode: number;
  owner: string;
  size: number;
  path: string;
}

export function parseFileList(text: string): WrittenFile[] {
  return text
    .split('\n')
    .map((l) => /^([0-7]+) (\S+) (\d+) (.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ mode: parseInt(m[1], 8), owner: m[2], size: Number(m[3]), path: m[4] }));
}

/** Readable by group or others. */
const exposed = (f: WrittenFile) => (f.mode & 0o044) !== 0;

/** A path with its run-specific parts (ids, uuids, pids, temp numbers) as `*`: one line per kind of file. */
export function fileKind(path: string): string {
  return path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '*').replace(/[0-9a-f]{16,}/g, '*').replace(/(?<=[-_])\d{6,}/g, '*').replace(/(?<=\/)\d+$/, '*').replace(/(?<=tm_)[^/]+/, '*');
}

export interface NodeFiles {
  host: string;
  files: WrittenFile[];
  /** Files whose content carries a configured secret, and which one. */
  withSecret: Array<{ path: string; what: string }>;
  /** Paths whose content equals the keytab Flink was given. */
  keytabCopies: string[];
}

/** secrets.flink-files (INFO): modes of what Flink wrote, per node and kind of file. */
export function describeWrittenFiles(nodes: NodeFiles[], dirs: string[], keytab?: string): CheckResult {
  const perNode = nodes.map((n) => {
    const kinds = new Map<string, Set<string>>();
    for (const f of n.files) {
      const k = fileKind(f.path);
      kinds.set(k, new Set([...(kinds.get(k) ?? []), `${f.mode.toString(8)} ${f.owner}`]));
    }
    return `${n.host}: ${[...kinds].map(([k, modes]) => `${k} ${[...modes].join('/')}`).join(', ') || 'no files'}`;
  });
  const copies = nodes.flatMap((n) => n.keytabCopies.map((p) => `${n.host}:${p}`));
  const keytabNote = keytab ? `; keytab copies: ${copies.length ? copies.join(', ') : `none (standalone: Flink reads ${keytab} in place; it copies a keytab only into containers it starts itself, as on YARN)`}` : '';
  return finding('secrets.flink-files', `files the Flink processes wrote under ${dirs.join(', ')}, with their modes`, `${perNode.join('; ')}${keytabNote}`);
}

/** secrets.flink-files-owner-only: a file Flink wrote that holds a secret (or the keytab) is not readable by group or others. */
export function judgeWrittenFiles(nodes: NodeFiles[]): CheckResult {
  const id = 'secrets.flink-files-owner-only';
  const title = 'files Flink wrote that hold a configured secret or its keytab are owner-only';
  const holding = nodes.flatMap((n) => {
    const what = new Map<string, string[]>();
    for (const w of [...n.withSecret, ...n.keytabCopies.map((path) => ({ path, what: 'the keytab' }))]) what.set(w.path, [...(what.get(w.path) ?? []), w.what]);
    return [...what].map(([path, carries]) => ({ host: n.host, path, carries, file: n.files.find((f) => f.path === path) }));
  });
  const bad = holding.filter((h) => !h.file || exposed(h.file));
  const list = (hs: typeof holding) => hs.map((h) => `${h.host}:${h.path} ${h.file ? h.file.mode.toString(8) : '(mode unknown)'} (${h.carries.join(', ')})`).join(', ');
  const total = nodes.reduce((n, x) => n + x.files.length, 0);
  return verdict(
    id,
    title,
    bad.length === 0,
    bad.length ? `readable by others: ${list(bad)}` : holding.length ? `${total} files; those holding a secret are owner-only: ${list(holding)}` : `${total} files on ${nodes.length} nodes; none holds a configured secret`,
  );
}

/** One process as /proc shows it: its pid and its command line (NULs as spaces). */
export interface ProcessArgs {
  pid: number;
  args: string;
}

/** `<pid>\t<cmdline>` lines, as the collector prints them. */
export function parseProcessList(text: string): ProcessArgs[] {
  return text
    .split('\n')
    .map((l) => /^(\d+)\t(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && m[2].trim().length > 0)
    .map((m) => ({ pid: Number(m[1]), args: m[2].trim() }));
}

/**
 * secrets.not-in-process-args: no process in a Flink container carries a configured secret on
 * its command line. /proc/<pid>/cmdline is readable by every user who can see the process (`ps
 * -ef` on the host, any process sharing the container or pod), unlike a file with an owner-only
 * mode: a password there is no longer held by the Secret or the config file alone.
 */
export function judgeProcessArgs(nodes: Array<{ host: string; processes: ProcessArgs[] }>, secrets: ConfiguredSecret[]): CheckResult {
  const id = 'secrets.not-in-process-args';
  const title = 'no configured secret on the command line of any process in the Flink containers (/proc/<pid>/cmdline)';
  const leaks = nodes.flatMap((n) =>
    n.processes.flatMap((p) => usable(secrets).filter((s) => p.args.includes(s.value)).map((s) => {
      // The argument that carries it, redacted: enough to see which setting it was.
      const arg = p.args.split(' ').find((a) => a.includes(s.value)) ?? '';
      return `${n.host} pid ${p.pid} (${p.args.split(' ')[0].split('/').pop()}): ${cut(redact(arg, secrets), 100)} (${s.what})`;
    })),
  );
  const none = nodes.filter((n) => n.processes.length === 0).map((n) => n.host);
  if (leaks.length) return verdict(id, title, false, leaks.slice(0, 4).join('; '));
  const javas = nodes.map((n) => `${n.host}: ${n.processes.length} processes (${n.processes.filter((p) => /(^|\/)java( |$)/.test(p.args)).length} java)`);
  return verdict(id, title, none.length === 0, `${none.length ? `no process list from ${none.join(', ')}; ` : ''}none of ${usable(secrets).length} configured secrets in the arguments of ${javas.join(', ')}`);
}

const cut = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Distinct items in order, a repeated one as `item ×n`. */
const counted = (items: string[]): string[] => [...new Set(items)].map((i) => {
  const n = items.filter((x) => x === i).length;
  return n > 1 ? `${i} ×${n}` : i;
});

/** Directories Flink writes to: /tmp (its default for all of them) and whatever the config points elsewhere. */
export function flinkWriteDirs(conf: FlinkConfig): string[] {
  const keys = ['io.tmp.dirs', 'blob.storage.directory', 'web.upload.dir', 'web.tmpdir', 'process.working-dir', 'process.jobmanager.working-dir', 'process.taskmanager.working-dir', 'taskmanager.state.local.root-dirs', 'env.log.dir'];
  const configured = keys.flatMap((k) => (conf[k] === undefined ? [] : String(conf[k]).split(/[,;]/).map((d) => d.trim()).filter((d) => d.startsWith('/'))));
  return [...new Set(['/tmp', '/opt/flink/log', ...configured])];
}

// --- collectors -----------------------------------------------------------------------------

/** GETs every REST view that could show configuration: cluster, each TaskManager, each job. */
async function fetchViews(station: ProbeStation, rest: RestAccess): Promise<RestView[]> {
  const { scheme, port, ...opts } = rest;
  const base = `${scheme}://${JOBMANAGER_HOST}:${port ?? PORTS.rest}`;
  const get = async (paths: string[], required: boolean): Promise<RestView[]> => {
    const results = await station.run<HttpProbeResult>(paths.map((p) => ({ kind: 'http' as const, url: `${base}${p}`, ...opts })));
    return paths.map((path, i) => ({ path, result: results[i], required }));
  };
  const first = await get(['/jobmanager/config', '/jobmanager/environment', '/taskmanagers', '/jobs'], true);
  const tms = ((first[2].result.json as { taskmanagers?: Array<{ id: string }> } | undefined)?.taskmanagers ?? []).map((t) => t.id);
  // The jobs the scenario ran (its cluster checks' job); a few are enough.
  const jobs = ((first[3].result.json as { jobs?: Array<{ id: string }> } | undefined)?.jobs ?? []).map((j) => j.id).slice(0, 3);
  const more = await Promise.all([
    get(tms.map((t) => `/taskmanagers/${t}`), true),
    get(jobs.map((j) => `/jobs/${j}/config`), true),
    // Per-job copies of the JobManager's views (1.17+).
    get(jobs.flatMap((j) => [`/jobs/${j}/jobmanager/config`, `/jobs/${j}/jobmanager/environment`]), false),
  ]);
  return [...first, ...more.flat()];
}

/** Lists what Flink wrote in each node's directories and which files carry a secret or the keytab. */
async function collectFiles(cluster: FlinkCluster, dirs: string[], secrets: ConfiguredSecret[], keytab?: string): Promise<NodeFiles[]> {
  // Secrets reach grep through the environment (not the command line, which `ps` shows).
  const script = [
    'for d in "$@"; do [ -d "$d" ] && find "$d" -xdev -type f -printf "%m %u %s %p\\n"; done',
    'echo ---',
    // One grep per secret, so each file is reported with what it carries ("<index> <path>").
    'i=0; printf "%s\\n" "$FSS_SECRETS" | while IFS= read -r s; do [ -n "$s" ] && grep -rlaF -e "$s" "$@" 2>/dev/null | sed "s|^|$i |"; i=$((i + 1)); done',
    'echo ---',
    '[ -n "$FSS_KEYTAB" ] && [ -f "$FSS_KEYTAB" ] && for d in "$@"; do [ -d "$d" ] && find "$d" -xdev -type f -size "$(stat -c %s "$FSS_KEYTAB")"c -exec cmp -s {} "$FSS_KEYTAB" \\; -print; done',
    'true',
  ].join('\n');
  const listed = usable(secrets);
  const env = { FSS_SECRETS: listed.map((s) => s.value).join('\n'), FSS_KEYTAB: keytab ?? '' };
  return Promise.all(
    cluster.nodes().map(async (n) => {
      const r = await n.container.exec(['sh', '-c', script, 'sh', ...dirs], { env });
      const [list = '', secret = '', copies = ''] = r.stdout.split('---\n');
      const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean);
      const withSecret = lines(secret).map((l) => /^(\d+) (.+)$/.exec(l)).filter((x): x is RegExpExecArray => !!x).map((x) => ({ path: x[2], what: listed[Number(x[1])]?.what ?? '?' }));
      return { host: n.host, files: parseFileList(list), withSecret, keytabCopies: lines(copies) };
    }),
  );
}

/** Every process's command line in each Flink container, read from /proc as any user could. */
async function collectProcesses(cluster: FlinkCluster): Promise<Array<{ host: string; processes: ProcessArgs[] }>> {
  const script = 'for p in /proc/[0-9]*; do printf "%s\\t" "${p#/proc/}"; tr "\\0" " " <"$p/cmdline" 2>/dev/null; echo; done';
  return Promise.all(cluster.nodes().map(async (n) => ({ host: n.host, processes: parseProcessList((await n.container.exec(['sh', '-c', script])).stdout) })));
}

/**
 * The secret-exposure claims for one running cluster, after its job ran: REST views, the
 * Flink containers' logs, files Flink wrote. `keytab`: the keytab path Flink was given.
 */
export async function secretExposureChecks(
  cluster: FlinkCluster,
  station: ProbeStation,
  rest: RestAccess,
  secrets: ConfiguredSecret[],
  opts: { logOf: (name: string) => string; keytab?: string },
): Promise<CheckResult[]> {
  const conf = FlinkCluster.configFor(cluster.spec, 'jobmanager', JOBMANAGER_HOST);
  // A secret listed without its settings: the ones of this cluster that carry it.
  secrets = secrets.map((s) => (s.settings?.length ? s : secretIn(s.what, s.value, conf)));
  const dirs = flinkWriteDirs(FlinkCluster.configFor(cluster.spec, 'taskmanager', 'taskmanager'));
  // Command lines first: the file search below hands each secret to grep as an argument.
  const processes = await collectProcesses(cluster);
  const [views, files] = await Promise.all([fetchViews(station, rest), collectFiles(cluster, dirs, secrets, opts.keytab)]);
  const jobs = views.filter((v) => /^\/jobs\/[^/]+\/config$/.test(v.path)).length;
  return [
    judgeRestViews(views, secrets, jobs ? '' : '; no job listed, so no job view'),
    judgeLogs(cluster.nodes().map((n) => ({ name: n.name, text: opts.logOf(n.name) })), secrets),
    judgeProcessArgs(processes, secrets),
    describeWrittenFiles(files, dirs, opts.keytab),
    judgeWrittenFiles(files),
  ];
}
