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

/** Magic starts of base64-encoded images and documents (PNG, JPEG, GIF, WebP, SVG, PDF). */
const BASE64_FILES = /^(?:iVBORw0KGgo|\/9j\/|R0lGOD|UklGR|PHN2Zy|PD94bWwg|JVBERi0)/;
/**
 * Identifiers with a type prefix (toolu_…, msg_…, cus_…, req_…): ids, not secrets. Secrets with
 * such a prefix (sk_live_…, ghp_…) are found by the ruleset, by their format.
 */
const PREFIXED_ID = /^[a-z]{2,12}_[A-Za-z0-9]{8,}$/;
/** Integrity hashes: subresource integrity (sha512-…) and Go's module sums (h1:…). */
const HASH_PREFIX = /^(?:sha(?:1|256|384|512)-|md5-)/;
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Whether a value that stands alone (an assignment's value, a JSON string, an argument, a query
 * value) looks like a random token: 20 to 1024 characters of token alphabet, upper case, lower
 * case and digits mixed, character classes switching often (not a camelCase word), entropy near
 * the most its length allows, and not a hash (hex), UUID, path or base64-encoded file.
 */
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
    PREFIXED_ID.test(v)
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
