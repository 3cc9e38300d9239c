/**
 * Value detectors: secrets and personal data recognised by their shape.
 *
 * Token formats come from the gitleaks ruleset (`gitleaks/`: the vendored upstream
 * configuration, converted to JavaScript by its generator; ids are the ruleset's). The detectors
 * here cover what the ruleset has not: values by the name they are assigned to, credentials in
 * URLs and command lines, SQL passwords, random-looking values by their entropy, private keys
 * whose END line has not arrived yet, and personal data (emails, cards with Luhn, IBANs, phones).
 *
 * A detector runs only where one of its needles is (found for all detectors in one pass), and
 * only around it: on the line of the hit (the hit's 16 KiB for `multiline` ones).
 */
import { looksRandom } from './entropy';
import { FORMAT_DETECTORS } from './formats';
import { GITLEAKS_RULES } from './gitleaks/rules';

/** Matches that are not secrets (gitleaks allowlists: regexes on a target, stopwords). */
export interface Allowlist {
  /** What the regexes test: the secret (default), the whole match or the line. */
  target: 'secret' | 'match' | 'line';
  regexes?: readonly RegExp[];
  /** The secret is kept when it contains one of these (lower-case). */
  stopwords?: readonly string[];
}

export interface Detector {
  /** Stable id, also the name counted on masking events. */
  id: string;
  /**
   * Substrings one of which every match contains (lower-case when `caseInsensitive`). Empty:
   * the detector runs on every text.
   */
  needles: readonly string[];
  /** Matches whole candidates; the first unnamed group that matched, if any, is the part to mask. */
  pattern: RegExp;
  /** The group to mask instead of the first one that matched. */
  secretGroup?: number;
  /** A check on a candidate (Luhn, mod-97): false keeps the text. */
  validate?: (value: string) => boolean;
  caseInsensitive?: boolean;
  /** The secret's Shannon entropy must be above this. */
  entropy?: number;
  allow?: readonly Allowlist[];
  /** A needle counts only when a name and an assignment operator follow it (`key = `, `key: `). */
  assignment?: boolean;
  /**
   * Every match starts where one of the needles starts (a token's prefix): the pattern is tried
   * there only, not over the needle's line (a short needle such as `pat` costs one attempt).
   */
  anchored?: boolean;
  /**
   * Prefixes of a run of token characters (20 or more) the pattern is tried at, sticky: for a
   * prefix too short to be a needle (`pat` would hit every `path`).
   */
  runPrefixes?: readonly string[];
  /** Matches may span lines. */
  multiline?: boolean;
  /** Masking goes on to the end of the token (a longer token than the rule expects). */
  extend?: boolean;
  /** Known placeholders and examples are kept (default true; false for personal data). */
  placeholders?: boolean;
  /** The secret is user:password: the user is kept unless it looks like a token. */
  userinfo?: boolean;
  /** Not about one provider: a specific detector that finds the same value names it. */
  generic?: boolean;
  /** Where the rule comes from. */
  source?: string;
}

export function luhn(value: string): boolean {
  const digits = value.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

/** ISO 13616: the rearranged IBAN, letters as 10..35, is 1 mod 97. */
export function ibanValid(value: string): boolean {
  const v = value.replace(/ /g, '');
  if (v.length < 15 || v.length > 34) return false;
  const rearranged = v.slice(4) + v.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const n = code >= 65 ? code - 55 : code - 48;
    rest = n >= 10 ? (rest * 100 + n) % 97 : (rest * 10 + n) % 97;
  }
  return rest === 1;
}

/** Name endings that make an assigned value a secret (DB_PASSWORD=, "client_secret":, x-api-key:). */
const SECRET_NAME =
  '(?:pass(?:word|wd|phrase)?|pwd|secret|token|(?<![a-z0-9])pat|(?:api|access|secret|private|auth|encryption|signing|master|client|account|app|admin|license|session)[_-]?key|apikey)';
/** Name endings that make a value of 8 characters or more a secret (auth=, sig=, session_id=). */
const WEAK_SECRET_NAME = '(?:credentials?|signature|sig|session[_-]?id|auth)';

/**
 * key=value, key: value, "key": "value", \"key\": \"value\" (JSON in a JSON string),
 * key => 'value', --key value, --key=value, ?key=value&... : the value (at least `min` long).
 */
function assignment(names: string, min: number): RegExp {
  const q = `{${min},}`;
  const rest = min > 1 ? `{${min - 1},}` : '*';
  const key = String.raw`${names}\\{0,2}["']?\s{0,3}(?::=|=>|=|:)\s{0,3}`;
  const value = String.raw`(?:\\"((?:[^"\\\r\n]|\\[^"\r\n])${q})\\"|"((?:[^"\\\r\n]|\\.)${q})"|'([^'\r\n]${q})'|([^\s"',;&<>\\]${q}))`;
  // A value may start with a dash when it is long (a token), not a flag (--region).
  const flag = String.raw`--[\w-]{0,30}?${names}(?:\s{1,3}|=)(?:"([^"\r\n]${q})"|'([^'\r\n]${q})'|([^\s"',;-][^\s"',;]${rest}|-[A-Za-z0-9_][^\s"',;]{14,}))`;
  return new RegExp(`${key}${value}|${flag}`, 'gi');
}

/** The detectors kept beside the ruleset. */
export const OWN_DETECTORS: readonly Detector[] = [
  {
    id: 'private_key',
    needles: ['-----begin'],
    caseInsensitive: true,
    multiline: true,
    // The whole block when it is there; the header alone otherwise (the rest arrives later).
    pattern:
      /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,16384}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)?/g,
  },
  {
    id: 'aws_secret_key',
    needles: ['aws', 'secret'],
    caseInsensitive: true,
    pattern:
      /(?:aws|secret)[\w.-]{0,30}["']?\s{0,3}(?:=|:|=>)\s{0,3}["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  {
    id: 'bearer_token',
    needles: ['bearer', 'basic', 'token'],
    caseInsensitive: true,
    // Authorization: Bearer x, Basic x, token x (GitHub's form).
    // The credentials up to a space or quote (a password may hold any character).
    pattern: /\b(?:bearer|basic|(?<=authorization:\s{0,3})token)\s{1,3}([^\s"'\\<>]{8,})/gi,
    extend: true,
  },
  {
    id: 'cookie',
    needles: ['cookie:', '_session='],
    caseInsensitive: true,
    // Cookie and Set-Cookie header values; session cookies wherever they are.
    pattern: /\b(?:set-)?cookie:\s{0,3}([^\r\n]{1,4096})|\b\w{0,30}_session=([^\s;,"']{8,})/gi,
  },
  {
    id: 'sql_password',
    needles: ['password', 'identified'],
    caseInsensitive: true,
    // CREATE/ALTER ROLE ... PASSWORD '...', CREATE USER ... IDENTIFIED BY '...'.
    pattern: /\b(?:password|identified\s{1,3}by)\s{1,3}'((?:[^']|''){1,4096})'/gi,
  },
  {
    id: 'command_password',
    needles: ['mysql', 'mariadb', 'sshpass', 'login', 'redis-cli', 'configure'],
    caseInsensitive: true,
    // mysql -pSECRET (glued), sshpass -p X, docker/podman/helm login -p X, redis-cli -a X,
    // aws configure set aws_secret_access_key X.
    pattern:
      /\b(?:mysql|mariadb|mysqldump|mysqladmin)\b[^\n]{0,300}?\s-p([^\s'"-][^\s'"]*)|\b(?:sshpass|login)\b[^\n]{0,300}?\s-p\s{1,3}["']?([^\s'"]+)|\bredis-cli\b[^\n]{0,300}?\s-a\s{1,3}["']?([^\s'"]+)|\bconfigure\s{1,3}set\s{1,3}\S{0,60}(?:secret|token|key|password)\S{0,20}\s{1,3}["']?([^\s'"]+)/g,
  },
  {
    id: 'url_password',
    needles: ['://'],
    // scheme://user:password@host, scheme://:password@host: the password only, the host kept.
    pattern:
      /\b[a-z][a-z0-9+.-]{1,30}:\/\/[^\s:/?#@"'<>]{0,256}:([^\s/?#"'<>]{1,1024})@(?=[\w[\]-])/gi,
  },
  {
    id: 'url_token',
    needles: ['://'],
    // scheme://TOKEN@host and scheme://TOKEN:x@host: the user part when it is a token.
    pattern: /\b[a-z][a-z0-9+.-]{1,30}:\/\/([^\s:/?#@"'<>]{16,1024})(?::[^\s/?#"'<>]{0,1024})?@/gi,
    validate: looksRandom,
    extend: true,
  },
  {
    id: 'piped_secret',
    needles: ['echo', 'printf'],
    // echo X | docker login --password-stdin, | gh auth login --with-token, | chpasswd: X.
    pattern:
      /\b(?:echo|printf)\s{1,3}(?:-[neE]{1,3}\s{1,3})?(["']?)([^\s"'|;&]{4,1024})\1\s{0,3}\|[^\n|]{0,200}?(?:login|--password-stdin|--with-token|passwd|secret)/g,
    secretGroup: 2,
  },
  {
    id: 'piped_secret',
    needles: ['echo', 'printf'],
    // echo X | anything: X when it looks like a random token.
    pattern:
      /\b(?:echo|printf)\s{1,3}(?:-[neE]{1,3}\s{1,3})?(["']?)([^\s"'|;&]{20,1024})\1\s{0,3}\|/g,
    secretGroup: 2,
    validate: looksRandom,
  },
  {
    id: 'url_query_secret',
    needles: ['?', '&'],
    caseInsensitive: true,
    // ?key=…, &api_key=…, &code=…: query parameters that carry credentials (8+ characters).
    pattern:
      /[?&](?:[\w.-]{0,30}?(?:token|secret|passw(?:or)?d|pwd|signature|credential)|(?:api|access|secret|private)?[_-]?key|apikey|sig|auth|code)=([^&#\s"'<>]{8,})/gi,
    extend: true,
    generic: true,
  },
  {
    id: 'basic_auth',
    generic: true,
    needles: ['-u', '--user'],
    // curl/wget style `-u user:password`, `--user=user:password`: the password only.
    pattern: /(?:^|\s)(?:-u|--user)(?:\s{1,3}|=)["']?[^\s:"']{1,256}:([^\s"']+)/g,
  },
  {
    id: 'secret_assignment',
    needles: ['pass', 'pwd', 'secret', 'token', 'key', '_pat', '-pat'],
    caseInsensitive: true,
    pattern: assignment(SECRET_NAME, 1),
    generic: true,
  },
  {
    id: 'credential_assignment',
    needles: ['credential', 'sig', 'session', 'auth'],
    caseInsensitive: true,
    pattern: assignment(WEAK_SECRET_NAME, 8),
    generic: true,
  },
  {
    id: 'authorization',
    needles: ['authorization'],
    caseInsensitive: true,
    // Authorization: <scheme> <credentials>, or the credentials alone; the scheme is kept.
    pattern:
      /\bauthorization\\{0,2}["']?\s{0,3}[:=]\s{0,3}\\{0,2}["']?(?:(?:bearer|basic|token|digest|negotiate|apikey|sso-key|key)\s{1,3})?([A-Za-z0-9._~+/=:-]{8,})/gi,
    extend: true,
  },
  {
    id: 'email',
    needles: ['@'],
    placeholders: false,
    // Not the user:password@ of a URL, nor the git@ of an SSH remote.
    pattern:
      /(?<![\w.%+/-]|(?<!mailto):)(?!git@)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
  },
  {
    id: 'card_number',
    needles: [],
    placeholders: false,
    // Issuer prefixes 3-6 only (Amex, Visa, Mastercard, Discover, JCB, Diners, UnionPay): 13-digit
    // epoch milliseconds and other ids that happen to pass Luhn are left alone.
    pattern: /\b[3-6](?:[ -]?\d){12,18}\b/g,
    validate: luhn,
  },
  {
    id: 'iban',
    needles: [],
    placeholders: false,
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    validate: ibanValid,
  },
  {
    id: 'phone',
    needles: ['+'],
    placeholders: false,
    pattern: /(?<![\w+])\+[1-9](?:[ -]?\d){7,14}\b/g,
  },
];

/** The ruleset's token formats, the formats it lacks, then the detectors kept beside it. */
export const DEFAULT_DETECTORS: readonly Detector[] = [
  ...GITLEAKS_RULES,
  ...FORMAT_DETECTORS,
  ...OWN_DETECTORS,
];
