/** nginx.conf for the REST proxy sidecar (it shares the JobManager's network namespace). */
export interface ProxyConf {
  listenPort: number;
  /** Flink's REST endpoint, bound to loopback in the shared namespace. */
  upstream: string;
  /** auth_request to our auth service; mtls: ssl_verify_client against a CA; none: the fault. */
  auth: 'auth_request' | 'mtls' | 'none';
}

export const PROXY_FILES = { cert: '/etc/fss/proxy.crt', key: '/etc/fss/proxy.key', clientCa: '/etc/fss/client-ca.pem', conf: '/etc/fss/nginx.conf' };

export function renderNginxConf(c: ProxyConf): string {
  const mtls = c.auth === 'mtls' ? [`    ssl_client_certificate ${PROXY_FILES.clientCa};`, '    ssl_verify_client on;', '    ssl_verify_depth 2;'] : [];
  const authRequest = c.auth === 'auth_request' ? ['      auth_request /_auth;'] : [];
  return [
    'worker_processes 1;',
    'pid /tmp/nginx.pid;',
    'error_log /dev/stderr info;',
    'events { worker_connections 256; }',
    'http {',
    '  access_log /dev/stdout;',
    // Writable by a non-root nginx too (the Kubernetes sidecar runs as the pod's user).
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path /tmp/nginx-${t};`),
    // Job jars are uploaded through the proxy.
    '  client_max_body_size 256m;',
    '  server {',
    `    listen ${c.listenPort} ssl;`,
    `    ssl_certificate ${PROXY_FILES.cert};`,
    `    ssl_certificate_key ${PROXY_FILES.key};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    ...mtls,
    '    location = /_auth {',
    '      internal;',
    '      proxy_pass http://127.0.0.1:9000/check;',
    '      proxy_pass_request_body off;',
    '      proxy_set_header Content-Length "";',
    '      proxy_set_header X-Original-URI $request_uri;',
    '    }',
    '    location / {',
    ...authRequest,
    `      proxy_pass ${c.upstream};`,
    '      proxy_set_header Host $host;',
    '      proxy_read_timeout 120s;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}
