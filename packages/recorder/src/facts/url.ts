/** A connection out of the session, as its `outbound` event records it (before masking). */
export interface OutboundFact {
  protocol: string;
  host: string;
  port?: number;
  method?: string;
  url?: string;
  bytesSent?: number;
}

/** Query parameters whose values are credentials whatever their shape (signed URLs, OAuth). */
const SECRET_PARAMS =
  /^(x-amz-(signature|credential|security-token)|x-goog-(signature|credential)|sig|signature|se|sp|sv|skoid|sktid|code|state|id_token|access_token|refresh_token|client_secret|session|sessionid|sid|jwt|otp|ticket|hash|key|apikey|api_key|token|auth|password|pass|pwd|secret)$/i;

/** Protocols whose URLs the recorder reads hosts from. */
const NETWORK_PROTOCOLS =
  /^(https?|wss?|ftps?|sftp|ssh|git|git\+ssh|ssh\+git|rsync|postgres|postgresql|mysql|mariadb|mongodb|mongodb\+srv|redis|rediss|amqps?|ldaps?|smtps?|s3)$/;

const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  ftp: 21,
  ssh: 22,
  sftp: 22,
  postgres: 5432,
  mysql: 3306,
  mongodb: 27017,
  redis: 6379,
};

/**
 * A URL with what identifies a user removed: user and password, the values of query parameters
 * that are credentials (by name, or by `sensitive` — the masker's sensitive field names), and
 * the fragment (OAuth's implicit flow puts tokens there). What is left is masked as text by the
 * writer like every other field.
 */
export function cleanUrl(url: URL, sensitive?: (name: string) => boolean): string {
  let out = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.search) {
    const parts = url.search
      .slice(1)
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const name = pair.slice(0, eq);
        let decoded = name;
        try {
          decoded = decodeURIComponent(name.replace(/\+/g, ' '));
        } catch {}
        return SECRET_PARAMS.test(decoded) || sensitive?.(decoded) ? `${name}=[removed]` : pair;
      });
    if (parts.length) out += `?${parts.join('&')}`;
  }
  return out;
}

/** The hostname without IPv6 brackets, lowercased. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * The outbound connection a URL names (`https://api.example.com/v1?token=…`), or undefined when
 * it is not one with a host (`file:`, `mailto:`, a relative path, a template). `fallback`:
 * the protocol of a URL without a scheme (`curl example.com` is http).
 */
export function outboundOfUrl(
  text: string,
  options: { sensitive?: (name: string) => boolean; fallback?: string } = {},
): OutboundFact | undefined {
  let candidate = text.trim();
  if (!candidate || /\s/.test(candidate)) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    if (!options.fallback) return undefined;
    // A bare host, host:port or host/path: a hostname with a dot, localhost, or an address.
    if (
      !/^(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)+|localhost)(:\d+)?([/?#].*)?$/i.test(candidate)
    )
      return undefined;
    candidate = `${options.fallback}://${candidate}`;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  const protocol = url.protocol.slice(0, -1).toLowerCase();
  if (!NETWORK_PROTOCOLS.test(protocol)) return undefined;
  const host = hostOf(url);
  // A host that still holds a placeholder or an expansion is not known.
  if (!host || /[{}$<>*]/.test(host) || /[{}$<>]/.test(decodeURIComponentSafe(url.hostname)))
    return undefined;
  const fact: OutboundFact = {
    protocol: protocol === 'postgresql' ? 'postgres' : protocol,
    host,
    url: cleanUrl(url, options.sensitive),
  };
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[fact.protocol];
  if (port !== undefined) fact.port = port;
  return fact;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A host as an ssh-like destination names it: `user@host`, `host`, `[::1]`; undefined when it
 * is not a plain hostname or address.
 */
export function plainHost(text: string): string | undefined {
  const at = text.lastIndexOf('@');
  let host = at >= 0 ? text.slice(at + 1) : text;
  host = host.replace(/^\[(.*)\]$/, '$1');
  if (!host || host.length > 253) return undefined;
  if (/^[0-9a-f:]+$/i.test(host) && host.includes(':')) return host.toLowerCase();
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i.test(host))
    return undefined;
  return host.toLowerCase().replace(/\.$/, '');
}
