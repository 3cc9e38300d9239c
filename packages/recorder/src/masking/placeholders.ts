/**
 * Values that stand where a secret would but are not one: documentation examples, placeholders,
 * variable references and values already masked. The one list the masker consults (every token
 * and value detector, the ruleset's included); personal-data detectors do not.
 */

import { looksPrefixedRandom, looksRandom } from './entropy';

/** Documentation examples, compared without case. */
export const EXAMPLE_VALUES: readonly string[] = [
  // AWS's documented example access key and secret key.
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  // The example token of jwt.io and of most JWT documentation (HS256, "John Doe").
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  // Stripe's documented test-mode keys (its API reference's examples).
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
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

/** Words of prose where a flag's value would be (`… after --api-key or Bearer`). */
const PROSE_WORDS = [
  'or',
  'and',
  'to',
  'is',
  'the',
  'a',
  'an',
  'of',
  'in',
  'on',
  'for',
  'with',
  'as',
  'by',
  'at',
  'from',
  'not',
  'are',
  'be',
  'if',
  'then',
];

const EXAMPLES = new Set([...EXAMPLE_VALUES, ...PROSE_WORDS].map((v) => v.toLowerCase()));

/** Shapes of placeholders, tested on the whole value. */
export const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  // Variable references: $VAR, ${VAR}, ${VAR:-x}, $(command), %VAR%, $1.
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /^\$\{[^{}]*\}$/,
  /^\$\([^()]*\)$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^\$\d$/,
  // $USER:$PASS; a reference cut at its first space ($(cat …), ${{ secrets.X }}, {{ .Values.x }}).
  /^\$[A-Za-z_]\w*:\$[A-Za-z_]\w*$/,
  /^(?:\$\(|\$\{|\{\{|<%)/,
  // Template expressions: {{ .Values.token }}, ${{ secrets.TOKEN }}, <%= token %>, {password}.
  /^\$?\{\{[^{}]*\}\}$/,
  /^<%=?[^%]*%>$/,
  /^\{[A-Za-z_][\w.-]{0,40}\}$/,
  // Code that reads the secret: process.env.X, os.environ["X"], os.getenv("X"), ENV["X"].
  /^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|System\.getenv|getenv|ENV)\b/,
  // The name of a file that holds the secret (--signing-key key.pem), not the secret.
  /^[\w.-]{0,80}\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|txt|env|ya?ml|toml|ini|conf)$/i,
  // REPLACE_ME, replace-with-your-key, TODO.
  /^replace[-_ ]?(?:me|this|with[-_ ]?[\w-]*)$/i,
  /^(?:todo|tbd|fixme)$/i,
  // <token>, <your-api-key>, [REDACTED], [masked].
  /^<[^<>\s]{1,60}>$/,
  /^\[[A-Za-z _-]{1,30}\]$/,
  // your-api-key, YOUR_TOKEN_HERE, my-secret-token, insert_key_here.
  /^your[-_ ]?[\w-]*$/i,
  /(?:^|[-_.])your[-_.]/i,
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
/**
 * A prefix, then only runs of x (4 or more) between separators: github_pat_XXXX_XXXX,
 * xoxb-XXXX-XXXX-XXXX, AIzaSyXXXX…, SG.xxxx.xxxx. A random body has no such runs.
 */
const X_FILLER =
  /^[A-Za-z0-9]{0,12}(?:[-_.][A-Za-z0-9]{1,8}){0,2}[-_.]?[xX]{4,}(?:[-_.][xX]{4,})*$/;
/** One character repeated (0000000000, aaaaaaaa). */
const REPEATED = /^(.)\1{3,}$/;

/** A call or an index: get_secret_key(), request.headers["apikey"] (or cut at its quote). */
const CODE = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\([^()]*\)|\[(?:["'][\w.-]*["']\])?)$/;

/** Code that reads a secret, when what it calls is not itself a random token. */
export function isCode(value: string): boolean {
  const m = CODE.exec(value);
  return m !== null && !looksRandom(m[1] as string) && !looksPrefixedRandom(m[1] as string);
}

export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["'`]+|["'`]+$/g, '');
  if (v.length === 0) return true;
  if (EXAMPLES.has(v.toLowerCase())) return true;
  if (REPEATED.test(v) || PREFIXED_FILLER.test(v) || X_FILLER.test(v)) return true;
  for (const p of PLACEHOLDER_PATTERNS) if (p.test(v)) return true;
  return isCode(v);
}
