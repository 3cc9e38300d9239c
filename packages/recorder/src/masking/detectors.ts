/**
 * Value detectors: secrets and personal data recognised by their shape. Token rules follow the
 * gitleaks default configuration (rule ids in `source`), rewritten for JavaScript (no inline
 * flag groups) and with bounded quantifiers, so no input makes a pattern backtrack without end.
 * A detector runs only on text that contains one of its needles (a cheap substring test), which
 * keeps plain output fast.
 */
export interface Detector {
  /** Stable id, also the name counted on masking events. */
  id: string;
  /** Substrings one of which every match contains (lower-case when `caseInsensitive`). */
  needles: readonly string[];
  /** Matches whole candidates; the first group that matched, if any, is the part to mask. */
  pattern: RegExp;
  /** A check on a candidate (Luhn, mod-97): false keeps the text. */
  validate?: (value: string) => boolean;
  caseInsensitive?: boolean;
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

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const DEFAULT_DETECTORS: readonly Detector[] = [
  {
    id: 'private_key',
    needles: ['-----BEGIN'],
    // The whole block when it is there; the header alone otherwise (the rest arrives later).
    pattern:
      /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,16384}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)?/g,
    source: 'gitleaks:private-key',
  },
  {
    id: 'aws_access_key',
    needles: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g,
    source: 'gitleaks:aws-access-token',
  },
  {
    id: 'aws_secret_key',
    needles: ['aws', 'secret'],
    caseInsensitive: true,
    pattern:
      /(?:aws|secret)[\w.-]{0,30}["']?\s{0,3}(?:=|:|=>)\s{0,3}["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    source: 'gitleaks:aws-secret-access-key',
  },
  {
    id: 'github_token',
    needles: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: /\b(?:gh[pousr]_[0-9a-zA-Z]{36}|github_pat_\w{82})\b/g,
    source: 'gitleaks:github-pat,github-fine-grained-pat',
  },
  {
    id: 'gitlab_token',
    needles: ['glpat-', 'glrt-', 'gldt-', 'glptt-'],
    pattern: /\bgl(?:pat|rt|dt|ptt)-[\w-]{20,300}/g,
    source: 'gitleaks:gitlab-pat',
  },
  {
    id: 'slack_token',
    needles: ['xox', 'xapp-', 'hooks.slack.com'],
    pattern:
      /\bxox[abposre]-[0-9A-Za-z-]{10,200}|\bxapp-\d-[A-Z0-9]{1,40}-\d{1,20}-[a-z0-9]{1,100}|hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56}/g,
    source: 'gitleaks:slack-*',
  },
  {
    id: 'stripe_key',
    needles: ['sk_', 'rk_'],
    pattern: /\b[sr]k_(?:test|live|prod)_[a-zA-Z0-9]{10,99}\b/g,
    source: 'gitleaks:stripe-access-token',
  },
  {
    id: 'google_api_key',
    needles: ['AIza'],
    pattern: /\bAIza[\w-]{35}(?![\w-])/g,
    source: 'gitleaks:gcp-api-key',
  },
  {
    id: 'anthropic_key',
    needles: ['sk-ant-'],
    pattern: /\bsk-ant-[a-z]{3,6}\d{2}-[a-zA-Z0-9_-]{20,200}/g,
    source: 'gitleaks:anthropic-api-key',
  },
  {
    id: 'openai_key',
    needles: ['sk-'],
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}(?![\w-])/g,
    source: 'gitleaks:openai-api-key (loosened)',
  },
  {
    id: 'npm_token',
    needles: ['npm_'],
    pattern: /\bnpm_[a-zA-Z0-9]{36}(?!\w)/g,
    source: 'gitleaks:npm-access-token',
  },
  {
    id: 'jwt',
    needles: ['eyJ'],
    pattern: /\beyJ[a-zA-Z0-9_-]{10,4096}\.eyJ[a-zA-Z0-9_-]{10,8192}\.[a-zA-Z0-9_-]{0,4096}/g,
    source: 'gitleaks:jwt',
  },
  {
    id: 'bearer_token',
    needles: ['bearer', 'basic'],
    caseInsensitive: true,
    pattern: /\b(?:bearer|basic)\s{1,3}([A-Za-z0-9._~+/=-]{8,4096})/gi,
  },
  {
    id: 'cookie',
    needles: ['cookie:'],
    caseInsensitive: true,
    // Cookie and Set-Cookie header values.
    pattern: /\b(?:set-)?cookie:\s{0,3}([^\r\n]{1,4096})/gi,
  },
  {
    id: 'sql_password',
    needles: ['password', 'identified'],
    caseInsensitive: true,
    // CREATE/ALTER ROLE ... PASSWORD '...', CREATE USER ... IDENTIFIED BY '...'.
    pattern: /\b(?:password|identified\s{1,3}by)\s{1,3}'((?:[^']|''){1,512})'/gi,
  },
  {
    id: 'mysql_password',
    needles: ['mysql', 'mariadb'],
    // mysql -pSECRET (the password glued to -p).
    pattern: /\b(?:mysql|mariadb|mysqldump|mysqladmin)\b[^\n]{0,300}?\s-p([^\s'"-][^\s'"]{0,255})/g,
  },
  {
    id: 'url_password',
    needles: ['://'],
    // scheme://user:password@host: the password only.
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{1,256}:([^\s@/]{1,256})@/gi,
  },
  {
    id: 'basic_auth',
    needles: ['-u', '--user'],
    // curl/wget style `-u user:password`, `--user=user:password`: the password only.
    pattern: /(?:^|\s)(?:-u|--user)(?:\s{1,3}|=)["']?[^\s:"']{1,256}:([^\s"']{1,512})/g,
  },
  {
    id: 'password',
    needles: ['pass', 'pwd', 'secret', 'token', 'api_key', 'apikey', 'api-key'],
    caseInsensitive: true,
    // key=value and key: value (PGPASSWORD=..., DB_PASS=..., "password": "a b"), --password value.
    pattern:
      /(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key)["']?\s{0,3}[=:]\s{0,3}(?:"([^"\r\n]{1,512})"|'([^'\r\n]{1,512})'|([^\s"',;]{1,512}))|--(?:password|passwd|secret|token|api[_-]?key)(?:\s{1,3}|=)["']?([^\s"',;-][^\s"',;]{0,511})/gi,
  },
  {
    id: 'email',
    needles: ['@'],
    pattern:
      /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
  },
  {
    id: 'card_number',
    needles: DIGITS,
    // Issuer prefixes 3-6 only (Amex, Visa, Mastercard, Discover, JCB, Diners, UnionPay): 13-digit
    // epoch milliseconds and other ids that happen to pass Luhn are left alone.
    pattern: /\b[3-6](?:[ -]?\d){12,18}\b/g,
    validate: luhn,
  },
  {
    id: 'iban',
    needles: DIGITS,
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    validate: ibanValid,
  },
  {
    id: 'phone',
    needles: ['+'],
    pattern: /(?<![\w+])\+[1-9](?:[ -]?\d){7,14}\b/g,
  },
];
