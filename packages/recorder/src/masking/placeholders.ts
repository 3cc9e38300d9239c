/**
 * Values that stand where a secret would but are not one: documentation examples, placeholders,
 * variable references and values already masked. The one list the masker consults (every token
 * and value detector, the ruleset's included); personal-data detectors do not.
 */

/** Documentation examples, compared without case. */
export const EXAMPLE_VALUES: readonly string[] = [
  // AWS's documented example access key and secret key.
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'changeme',
  'change_me',
  'change-me',
  'changeit',
  'password',
  'passw0rd',
  'secret',
  'token',
  'xxx',
  'none',
  'null',
  'nil',
  'undefined',
  'true',
  'false',
  'example',
  'placeholder',
  'redacted',
  'masked',
  'hidden',
];

const EXAMPLES = new Set(EXAMPLE_VALUES.map((v) => v.toLowerCase()));

/** Shapes of placeholders, tested on the whole value. */
export const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  // Variable references: $VAR, ${VAR}, ${VAR:-x}, $(command), %VAR%, $1.
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /^\$\{[^{}]*\}$/,
  /^\$\([^()]*\)$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^\$\d$/,
  // Template expressions: {{ .Values.token }}, ${{ secrets.TOKEN }}, <%= token %>.
  /^\$?\{\{[^{}]*\}\}$/,
  /^<%=?[^%]*%>$/,
  // <token>, <your-api-key>, [REDACTED], [masked].
  /^<[^<>\s]{1,60}>$/,
  /^\[[A-Za-z _-]{1,30}\]$/,
  // your-api-key, YOUR_TOKEN_HERE, my-secret-token, insert_key_here.
  /^your[-_ ]?[\w-]*$/i,
  /^(?:my|insert|enter|put)[-_][\w-]*(?:key|token|secret|password|pass)(?:[-_]here)?$/i,
  /[-_]here$/i,
  // Documentation examples: ...EXAMPLE, ...EXAMPLEKEY, example-token.
  /EXAMPLE(?:KEY)?$/,
  /^(?:example|sample|dummy|fake|placeholder)[-_]/i,
  // Already masked or elided: ****, •••, sk-...abcd, [truncated].
  /^[*•xX#.]+$/,
  /\.\.\.|…|\*\*\*/,
];

/** A known prefix (ghp_, xoxb-, sk_live_, glpat-) followed by a run of one character. */
const PREFIXED_FILLER = /^[A-Za-z]{2,12}[_-](?:[A-Za-z0-9]{1,8}[_-])?(.)\1+$/;
/** One character repeated (0000000000, aaaaaaaa). */
const REPEATED = /^(.)\1{3,}$/;

export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["'`]+|["'`]+$/g, '');
  if (v.length === 0) return true;
  if (EXAMPLES.has(v.toLowerCase())) return true;
  if (REPEATED.test(v) || PREFIXED_FILLER.test(v)) return true;
  for (const p of PLACEHOLDER_PATTERNS) if (p.test(v)) return true;
  return false;
}
