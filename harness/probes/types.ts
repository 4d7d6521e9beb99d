// Probe requests and results. Plain data: they cross into the probe container as JSON.
// This module and the probes it describes use nothing but Node's built-in modules, because
// they also run inside the probe container.

export interface ClientIdentityPem {
  certPem: string;
  keyPem: string;
  /** What this identity is, for evidence ("cluster certificate", "foreign self-signed"). */
  label: string;
}

export interface TlsProbeRequest {
  kind: 'tls';
  host: string;
  port: number;
  /** SNI and the name checked against the certificate (defaults to host). */
  servername?: string;
  client?: ClientIdentityPem;
  /** PEM CA bundle to verify the server with; without it the chain is reported, not enforced. */
  caPem?: string;
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher string (TLS 1.2 and below). */
  ciphers?: string;
  timeoutMs?: number;
  /** How long to keep reading after the handshake: a TLS 1.3 server refuses a client cert then. */
  settleMs?: number;
}

export interface PeerCert {
  /** Subjects of the chain as served, leaf first (when the server sent more than the leaf). */
  chain?: string[];
  subject: string;
  issuer: string;
  san: string;
  sha1: string;
  sha256: string;
  validTo: string;
}

/**
 * established: handshake done and not refused while settling.
 * refused: the server spoke TLS and ended the handshake (or the session right after it) with an alert.
 * not-tls: the port answered but not with TLS (no ServerHello).
 * unreachable: no TCP connection. timeout: nothing within timeoutMs.
 * client-unsupported: the probe's own TLS library cannot offer what was asked (nothing sent).
 */
export type TlsOutcome = 'established' | 'refused' | 'not-tls' | 'unreachable' | 'timeout' | 'client-unsupported';

export interface TlsProbeResult {
  kind: 'tls';
  target: string;
  outcome: TlsOutcome;
  /** Whether a ServerHello arrived (key material was derived), whatever happened after. */
  serverSpokeTls: boolean;
  protocol?: string;
  cipher?: string;
  peer?: PeerCert;
  /** Chain verification against caPem, when given. */
  authorized?: boolean;
  authorizationError?: string;
  /** Hostname check of servername against the certificate (always computed when a cert arrived). */
  hostnameError?: string;
  alert?: string;
  error?: string;
  /** When the refusal arrived: during the handshake or after it (TLS 1.3 client-auth). */
  stage?: 'handshake' | 'post-handshake';
  clientCert?: string;
  elapsedMs: number;
}

export interface PlainProbeRequest {
  kind: 'plain';
  host: string;
  port: number;
  /** Bytes to send (latin1); defaults to an HTTP request, which any plaintext server answers somehow. */
  send?: string;
  /** How long to wait for an answer once connected (default 1.5 s). */
  timeoutMs?: number;
  /** How long the connection may take (default 5 s): a starved machine is not a closed port. */
  connectTimeoutMs?: number;
}

export interface PlainProbeResult {
  kind: 'plain';
  target: string;
  connected: boolean;
  bytes: number;
  /** First bytes as hex, and printable. */
  headHex: string;
  headText: string;
  looksLikeTlsAlert: boolean;
  looksLikeHttp: boolean;
  /** For an HTTP answer: its status line and Location header (a redirect to https, say). */
  httpStatusLine?: string;
  location?: string;
  closedByPeer: boolean;
  error?: string;
  elapsedMs: number;
}

export interface HttpProbeRequest {
  kind: 'http';
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  caPem?: string;
  client?: ClientIdentityPem;
  /** Skip certificate verification (curl -k); the result still reports the chain. */
  insecure?: boolean;
  timeoutMs?: number;
  /** When the port turns out not to speak TLS, ask again over plain http (readiness of a fault run). */
  fallbackToHttp?: boolean;
  /**
   * Poll until the JSON body satisfies `until` (a dotted path and a minimum number), or the
   * deadline passes; used for readiness ("taskmanagers >= 2").
   */
  until?: { path: string; atLeast: number; deadlineMs: number };
}

export interface HttpProbeResult {
  kind: 'http';
  url: string;
  status?: number;
  body?: string;
  json?: unknown;
  error?: string;
  code?: string;
  attempts: number;
  elapsedMs: number;
}

export type ProbeRequest = TlsProbeRequest | PlainProbeRequest | HttpProbeRequest;
export type ProbeResult = TlsProbeResult | PlainProbeResult | HttpProbeResult;
