/**
 * Go RE2 syntax → JavaScript RegExp source, for the vendored gitleaks rules.
 *
 * - Inline flags (`(?i)`, `(?-i:…)`, `(?i:…)`, `(?s:…)`, also in the middle of a group) have no
 *   equivalent in the JavaScript of Node 20, so case-insensitive parts are spelled out: letters
 *   become `[aA]`, classes get both cases. A dot is `[^\n]` (Go's), `[\s\S]` under `s`.
 * - `(?P<name>` → `(?<name>`, `\z` → `$`, `\A` → `^`, POSIX classes (`[[:alnum:]]`) spelled out,
 *   a `]` first in a class (`[^]]`) escaped.
 * - Unbounded repeats are bounded (`*` → `{0,N}`, `+` → `{1,N}`, `{n,}` → `{n,N}`): RE2 runs in
 *   linear time, a backtracking engine does not; bounds keep every rule's work per start position
 *   bounded. A token longer than the bound is still masked whole (the masker extends a match to
 *   the end of its token).
 *
 * Anything else unknown throws, naming the construct: a newer ruleset that needs more fails the
 * generator, not the recorder at run time.
 */

/** Bound for `.*` / `.+` (they span a line at most in practice). */
export const DOT_REPEAT_BOUND = 512;
/** Bound for other unbounded repeats. */
export const REPEAT_BOUND = 4096;

const POSIX: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
};

interface Flags {
  i: boolean;
  s: boolean;
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function escapeClassChar(c: string): string {
  return /[\\\]^-]/.test(c) ? `\\${c}` : c;
}

/** A class item range [from, to] (single code units), with the other case added when `i`. */
function classRange(from: number, to: number, i: boolean): string {
  const one = (a: number, b: number) =>
    a === b
      ? escapeClassChar(String.fromCharCode(a))
      : `${escapeClassChar(String.fromCharCode(a))}-${escapeClassChar(String.fromCharCode(b))}`;
  let out = one(from, to);
  if (!i) return out;
  // The parts of the range inside A-Z and a-z, shifted to the other case.
  const lo = Math.max(from, 65);
  const hi = Math.min(to, 90);
  if (lo <= hi) out += one(lo + 32, hi + 32);
  const lo2 = Math.max(from, 97);
  const hi2 = Math.min(to, 122);
  if (lo2 <= hi2) out += one(lo2 - 32, hi2 - 32);
  return out;
}

/** Reads one escape at `at` (the backslash); returns [JS source, next index, code unit or -1]. */
function readEscape(src: string, at: number, inClass: boolean): [string, number, number] {
  const c = src[at + 1];
  if (c === undefined) throw new Error('trailing backslash');
  if (c === 'x') {
    if (src[at + 2] === '{') {
      const end = src.indexOf('}', at);
      const code = Number.parseInt(src.slice(at + 3, end), 16);
      return [`\\u${code.toString(16).padStart(4, '0')}`, end + 1, code];
    }
    const hex = src.slice(at + 2, at + 4);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad \\x escape at ${at}`);
    return [`\\x${hex}`, at + 4, Number.parseInt(hex, 16)];
  }
  if ('wWdDsSbB'.includes(c)) {
    if (inClass && (c === 'b' || c === 'B')) throw new Error(`\\${c} in a class`);
    return [`\\${c}`, at + 2, -1];
  }
  const named: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, a: 7 };
  if (c in named) return [`\\${c}`, at + 2, named[c] as number];
  if (c === 'z' && !inClass) return ['$', at + 2, -1];
  if (c === 'A' && !inClass) return ['^', at + 2, -1];
  if (/[A-Za-z0-9]/.test(c)) throw new Error(`unsupported escape \\${c}`);
  return [`\\${c}`, at + 2, c.charCodeAt(0)];
}

/** Converts a class starting at `at` (`[`); returns [JS source, next index]. */
function readClass(src: string, at: number, flags: Flags): [string, number] {
  let j = at + 1;
  let negated = false;
  if (src[j] === '^') {
    negated = true;
    j++;
  }
  let body = '';
  let first = true;
  while (j < src.length) {
    const c = src[j] as string;
    if (c === ']' && !first) break;
    first = false;
    if (c === '[' && src[j + 1] === ':') {
      const end = src.indexOf(':]', j + 2);
      const name = src.slice(j + 2, end);
      const expanded = POSIX[name];
      if (end === -1 || expanded === undefined) throw new Error(`unsupported class [:${name}:]`);
      body += expanded;
      j = end + 2;
      continue;
    }
    let from: number;
    let text: string;
    if (c === '\\') {
      const [t, next, code] = readEscape(src, j, true);
      text = t;
      from = code;
      j = next;
    } else {
      text = escapeClassChar(c);
      from = c.charCodeAt(0);
      j++;
    }
    // A range a-z (a '-' followed by something other than the closing ']').
    if (src[j] === '-' && src[j + 1] !== ']' && src[j + 1] !== undefined && from !== -1) {
      let to: number;
      if (src[j + 1] === '\\') {
        const [, next, code] = readEscape(src, j + 1, true);
        if (code === -1) throw new Error(`bad range end at ${j + 1}`);
        to = code;
        j = next;
      } else {
        to = (src[j + 1] as string).charCodeAt(0);
        j += 2;
      }
      body += classRange(from, to, flags.i);
      continue;
    }
    if (from === -1) body += text;
    else body += flags.i && isLetter(c) ? classRange(from, from, true) : text;
  }
  if (src[j] !== ']') throw new Error(`unterminated class at ${at}`);
  return [`[${negated ? '^' : ''}${body}]`, j + 1];
}

/** Reads a quantifier at `at`, if any; returns [JS source, next index] or null. */
function readQuantifier(src: string, at: number, afterDot: boolean): [string, number] | null {
  const bound = afterDot ? DOT_REPEAT_BOUND : REPEAT_BOUND;
  const c = src[at];
  let out: string;
  let j: number;
  if (c === '*') [out, j] = [`{0,${bound}}`, at + 1];
  else if (c === '+') [out, j] = [`{1,${bound}}`, at + 1];
  else if (c === '?') [out, j] = ['?', at + 1];
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(at));
    if (!m) return null; // a literal brace
    const min = m[1] as string;
    if (m[2] === undefined) out = `{${min}}`;
    else if (m[3] === '') out = `{${min},${Math.max(bound, Number(min))}}`;
    else out = `{${min},${m[3]}}`;
    j = at + m[0].length;
  } else return null;
  if (src[j] === '?') {
    out += '?';
    j++;
  } else if (src[j] === '+') throw new Error('possessive quantifier');
  return [out, j];
}

/** The JavaScript source (no flags needed) for an RE2 pattern. */
export function re2ToJs(src: string): string {
  const stack: Flags[] = [];
  let flags: Flags = { i: false, s: false };
  let out = '';
  let i = 0;
  // Whether the last atom was a dot (for its repeat bound).
  let lastWasDot = false;
  while (i < src.length) {
    const c = src[i] as string;
    const q = readQuantifier(src, i, lastWasDot);
    if (q && out.length > 0) {
      out += q[0];
      i = q[1];
      lastWasDot = false;
      continue;
    }
    lastWasDot = false;
    if (c === '\\') {
      const [text, next, code] = readEscape(src, i, false);
      const ch = String.fromCharCode(code);
      out += code !== -1 && flags.i && isLetter(ch) ? `[${classRange(code, code, true)}]` : text;
      i = next;
    } else if (c === '[') {
      const [text, next] = readClass(src, i, flags);
      out += text;
      i = next;
    } else if (c === '(') {
      if (src[i + 1] === '?') {
        const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(src.slice(i));
        if (named) {
          stack.push(flags);
          flags = { ...flags };
          out += `(?<${named[1]}>`;
          i += named[0].length;
          continue;
        }
        const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?(:|\))/.exec(src.slice(i));
        if (!m) throw new Error(`unsupported group at ${i}: ${src.slice(i, i + 6)}`);
        const next: Flags = { ...flags };
        for (const f of m[1] ?? '') {
          if (f !== 'i' && f !== 's') throw new Error(`unsupported flag ${f}`);
          next[f] = true;
        }
        for (const f of m[2] ?? '') {
          if (f !== 'i' && f !== 's') throw new Error(`unsupported flag ${f}`);
          next[f] = false;
        }
        if (m[3] === ')')
          flags = next; // (?i): to the end of the enclosing group
        else {
          stack.push(flags);
          flags = next;
          out += '(?:';
        }
        i += m[0].length;
      } else {
        stack.push(flags);
        flags = { ...flags };
        out += '(';
        i++;
      }
    } else if (c === ')') {
      const prev = stack.pop();
      if (!prev) throw new Error(`unbalanced ) at ${i}`);
      flags = prev;
      out += ')';
      i++;
    } else if (c === '.') {
      out += flags.s ? '[\\s\\S]' : '[^\\n]';
      lastWasDot = true;
      i++;
    } else if (flags.i && isLetter(c)) {
      out += `[${classRange(c.charCodeAt(0), c.charCodeAt(0), true)}]`;
      i++;
    } else if (c === '/') {
      out += '\\/';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (stack.length > 0) throw new Error('unbalanced (');
  // Checks that the result is a valid JavaScript pattern.
  new RegExp(out, 'gd');
  return out;
}
