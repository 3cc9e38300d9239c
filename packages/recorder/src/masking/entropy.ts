/** Shannon entropy in bits per character (as gitleaks computes it). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/**
 * Magic starts of base64-encoded images and documents (PNG, JPEG, GIF, WebP, SVG, PDF) and of SSH
 * public keys (AAAAB3NzaC1yc2E…, AAAAC3NzaC1lZDI1NTE5…).
 */
const BASE64_FILES =
  /^(?:iVBORw0KGgo|\/9j\/|R0lGOD|UklGR|PHN2Zy|PD94bWwg|JVBERi0|AAAA[A-Z0-9]{2}Nza)/;
/**
 * Identifiers with a type prefix: the object ids Anthropic's, OpenAI's and Stripe's APIs return
 * (toolu_…, msg_…, call_…, cus_…, req_…, pi_…) and publishable keys (pk_…, PostHog's phc_…).
 * Any other prefix before a random body is taken as a token's (whsec_…, gsk_…, hf_…).
 */
const PREFIXED_ID =
  /^(?:toolu|srvtoolu|msg|msgbatch|file|call|resp|asst|thread|run|step|batch|vs|cus|pi|ch|evt|req|in|ii|sub|si|price|prod|acct|cs|seti|pm|src|txn|po|py|tr|ba|card|tok|pk|phc)_[A-Za-z0-9]{8,}$/;
/** Prefixes before a hex body that name a digest or a build, not a token (sha-…, commit-…). */
const DIGEST_PREFIX =
  /^(?:sha\d*|md5|h1|blake\d*|commit|build|cache|git|rev|ref|sum|hash|digest|checksum|blob|tree|node|v\d[\w.]*)[_.-]/i;
/** Integrity hashes: subresource integrity (sha512-…) and Go's module sums (h1:…). */
const HASH_PREFIX = /^(?:sha(?:1|256|384|512)-|md5-)/;
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
/** A Kubernetes object reference: Kind/name (ReplicaSet/api-6b9f7c8d54, pod/web-0). */
const OBJECT_REF = /^[A-Za-z][a-z]*(?:[A-Z][a-z]+)*\/[a-z0-9][a-z0-9.-]*$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Whether a value that stands alone (an assignment's value, a JSON string, an argument, a query
 * value) looks like a random token: 20 to 1024 characters of token alphabet, upper case, lower
 * case and digits mixed, character classes switching often (not a camelCase word), entropy near
 * the most its length allows, and not a hash (hex), UUID, path or base64-encoded file.
 */
/** A hex body of a token: 32+ hex digits, letters and digits both, near the entropy hex allows. */
function randomHex(v: string): boolean {
  if (v.length < 32 || !/^[0-9a-fA-F]+$/.test(v)) return false;
  if (!/[0-9]/.test(v) || !/[a-fA-F]/.test(v) || (/[a-f]/.test(v) && /[A-F]/.test(v))) return false;
  return shannonEntropy(v) >= 3.3;
}

/**
 * Whether a value is a prefix and a random body, as most providers' tokens are (`whsec_…`,
 * `gsk_…`, `sqa_<hex>`, `sk-or-v1-<hex>`, `hvr.…`): up to three short segments of letters and
 * digits, each ended by `_`, `-` or `.`, then 20+ characters that look random (a hex body: 32+).
 * Not an API object id (toolu_…, cus_…), a digest (sha256-…) or a build's hash (commit-…).
 */
export function looksPrefixedRandom(value: string): boolean {
  const v = value.replace(/=+$/, '');
  if (v.length < 24 || v.length > 1024 || !/^[A-Za-z]/.test(v)) return false;
  if (PREFIXED_ID.test(v) || HASH_PREFIX.test(v) || DIGEST_PREFIX.test(v)) return false;
  let segments = 0;
  for (let i = 1; i < Math.min(v.length, 26) && segments < 3; i++) {
    const c = v.charCodeAt(i);
    if (c !== 95 && c !== 45 && c !== 46) {
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
      continue;
    }
    segments++;
    const body = v.slice(i + 1);
    if (body.length < 20) return false;
    if (randomHex(body) || looksRandom(body) || looksRandomOneCase(body)) return true;
  }
  return false;
}

/** One case of letters and digits, long and near its most entropy (a body after a prefix). */
function looksRandomOneCase(v: string): boolean {
  if (v.length < 24 || !/^(?:[a-z0-9]+|[A-Z0-9]+)$/.test(v)) return false;
  const digits = v.replace(/[^0-9]/g, '').length;
  if (digits < v.length * 0.1 || digits > v.length * 0.9) return false;
  return shannonEntropy(v) >= 0.8 * Math.log2(Math.min(v.length, 36));
}

export function looksRandom(value: string): boolean {
  const v = value.replace(/=+$/, '');
  if (v.length < 20 || v.length > 1024) return false;
  if (!/^[A-Za-z0-9+/_~.-]+$/.test(v)) return false;
  if (
    /^[./~-]/.test(v) ||
    /^[0-9a-fA-F-]+$/.test(v) ||
    UUID.test(v) ||
    BASE64_FILES.test(v) ||
    HASH_PREFIX.test(v) ||
    PREFIXED_ID.test(v) ||
    OBJECT_REF.test(v)
  )
    return false;
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let switches = 0;
  let slashes = 0;
  let last = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const kind = c >= 97 && c <= 122 ? 0 : c >= 65 && c <= 90 ? 1 : c >= 48 && c <= 57 ? 2 : 3;
    if (kind === 0) lower++;
    else if (kind === 1) upper++;
    else if (kind === 2) digit++;
    else if (c === 47) slashes++;
    if (last !== -1 && kind !== last) switches++;
    last = kind;
  }
  if (switches < v.length * 0.3) return false;
  if (lower > 0 && upper > 0 && digit > 0) {
    // Paths and dotted names: separators every few characters.
    if (slashes > 2 + v.length / 16) return false;
    return shannonEntropy(v) >= 0.8 * Math.log2(Math.min(v.length, 64));
  }
  // One case and digits only ([a-z0-9]{32} keys): longer, digits neither rare nor all, no
  // separators, not a ULID (time-ordered ids).
  if (v.length < 24 || digit === 0 || (lower > 0 && upper > 0)) return false;
  if (digit + lower + upper !== v.length || ULID.test(v)) return false;
  const ratio = digit / v.length;
  if (ratio < 0.15 || ratio > 0.85) return false;
  return shannonEntropy(v) >= 0.85 * Math.log2(Math.min(v.length, 64));
}
