import type { Masker } from '@auditlane/recorder';

/**
 * The places a value reaches the recorder, each as the recorder masks it: terminal output
 * (`text`, and `stream` across two chunks), tool inputs and outputs (`value`), SQL result
 * cells (`rows`), command lines and URLs (`text`, as commands are masked).
 */
export interface Context {
  id: string;
  /** `neutral`: nothing but the value says it is a secret; `named`: a name or header says so. */
  naming: 'neutral' | 'named';
  /** Places only one-line values (a PEM block is not a header or a query parameter). */
  singleLine?: boolean;
  /** How the value is written where it is placed (URL-encoded in a query string). */
  encode?: (value: string) => string;
  /**
   * Places the (encoded) value and masks it: the text the masker returned, every string of it
   * joined (JSON keys and leaves, cells). `name` names the value, `cut` is in [0, 1).
   */
  place(masker: Masker, value: string, name: string, cut: number): string;
}

const ESC = '\x1b';

/** Every string in a JSON value, joined (keys and leaves), to look for what is left. */
export function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

function quoted(value: string): string {
  return /[\s;&|'"$`\\]/.test(value) ? `"${value}"` : value;
}

function logLine(value: string): string {
  return `${ESC}[2m2026-12-01T09:14:03.221Z${ESC}[0m ${ESC}[32mINFO${ESC}[0m ${ESC}[1mhttp${ESC}[0m response body: ${value} (200, 12 ms)\r\n`;
}

function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

export const CONTEXTS: readonly Context[] = [
  {
    id: 'terminal',
    naming: 'neutral',
    place: (m, v) => m.text(logLine(v)),
  },
  {
    id: 'terminal-split',
    naming: 'neutral',
    // The same line through the stream masker, cut in two chunks inside the value.
    place: (m, v, _n, cut) => {
      const line = logLine(v);
      const start = line.indexOf(v);
      const at = start + 1 + Math.floor(cut * Math.max(1, v.length - 1));
      const s = m.stream();
      return s.push(line.slice(0, at)) + s.push(line.slice(at)) + s.flush();
    },
  },
  {
    id: 'json-input',
    naming: 'neutral',
    place: (m, v) =>
      strings(
        m.value({
          method: 'POST',
          url: 'https://api.example.com/v1/items',
          body: { data: v, items: [{ id: 7, note: v }] },
        }),
      ).join('\0'),
  },
  {
    id: 'json-output',
    naming: 'neutral',
    place: (m, v) =>
      strings(
        m.value({ content: [{ type: 'text', text: `Created.\n${v}\n` }], isError: false }),
      ).join('\0'),
  },
  {
    id: 'sql-cell',
    naming: 'neutral',
    place: (m, v) =>
      strings(
        m.rows(
          [{ name: 'id' }, { name: 'value' }, { name: 'note' }],
          [[42, v, `rotated to ${v} yesterday`]],
        ),
      ).join('\0'),
  },
  {
    id: 'cmd-export',
    naming: 'neutral',
    place: (m, v) => m.text(`export FOO=${quoted(v)}`),
  },
  {
    id: 'cmd-stdin',
    naming: 'neutral',
    singleLine: true,
    place: (m, v) => m.text(`echo ${v} | gh auth login --with-token`),
  },
  {
    id: 'json-named',
    naming: 'named',
    place: (m, v, n) =>
      strings(m.value({ env: { [envName(n)]: v }, settings: { api_key: v } })).join('\0'),
  },
  {
    id: 'sql-named',
    naming: 'named',
    place: (m, v, n) =>
      strings(m.rows([{ name: 'service' }, { name: n.toLowerCase() }], [['billing', v]])).join(
        '\0',
      ),
  },
  {
    id: 'terminal-named',
    naming: 'named',
    place: (m, v, n) =>
      m.text(`${ESC}[33mWARN${ESC}[0m loaded ${envName(n)}=${quoted(v)} from .env\r\n`),
  },
  {
    id: 'cmd-export-named',
    naming: 'named',
    place: (m, v, n) => m.text(`export ${envName(n)}=${quoted(v)}`),
  },
  {
    id: 'cmd-flag',
    naming: 'named',
    singleLine: true,
    place: (m, v) => m.text(`deploy-tool push --api-key ${v} --region eu-west-1`),
  },
  {
    id: 'cmd-bearer',
    naming: 'named',
    singleLine: true,
    place: (m, v) =>
      m.text(`curl -sS -H "Authorization: Bearer ${v}" https://api.example.com/v1/me`),
  },
  {
    id: 'url-query',
    naming: 'named',
    singleLine: true,
    encode: encodeURIComponent,
    place: (m, v) => m.text(`GET https://api.example.com/v1/status?key=${v}&verbose=1`),
  },
];
