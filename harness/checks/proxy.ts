import { CheckResult, verdict } from './model';

/** A request as nginx's access log writes it: `"POST /v1/jobs HTTP/1.1" 401 179`. */
export interface ProxyRequest {
  method: string;
  path: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** nginx's access-log lines for this request answered with one of these statuses. */
export function accessLines(lines: string[], req: ProxyRequest, statuses: number[]): string[] {
  const re = new RegExp(`"${escape(req.method)} ${req.path.source} HTTP/1\\.[01]" (${statuses.join('|')}) `);
  return lines.filter((l) => re.test(l));
}

/** nginx's own error page in what a client printed: "<title>401 Authorization Required</title>". */
export const PROXY_PAGE = /<title>(\d{3} [^<]*)<\/title>/;
export const proxyPage = (output: string) => PROXY_PAGE.exec(output)?.[1];

/**
 * Flink's CLI refused BY THE PROXY: the CLI failed, and the proxy logged this request with the
 * refusal status (401/403 from auth_request, 400 from ssl_verify_client) while the CLI ran. A
 * CLI that fails for any other reason (no route, a TLS error of its own, a hang) is not this claim.
 */
export function cliRefusedByProxy(
  id: string,
  title: string,
  cli: { exitCode: number; output: string; said: string },
  proxyLinesDuringCheck: string[],
  req: ProxyRequest,
  statuses: number[],
): CheckResult {
  const refusals = accessLines(proxyLinesDuringCheck, req, statuses);
  const page = proxyPage(cli.output);
  const ok = cli.exitCode !== 0 && refusals.length > 0;
  const logged = refusals.length ? `proxy logged ${refusals.length} × ${/"[^"]*" \d{3}/.exec(refusals[0])?.[0]}` : `the proxy logged no ${statuses.join('/')} for ${req.method} ${req.path.source} while the CLI ran`;
  return verdict(id, title, ok, `CLI exit ${cli.exitCode}${page ? `, got the proxy's page "${page}"` : ''}: ${cli.said}; ${logged}`);
}
