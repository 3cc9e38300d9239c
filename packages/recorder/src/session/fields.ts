import type { EventInput } from '@auditlane/client';
import type { Masker, MaskTally } from '../masking/masker';

/** The event types a host records through `RecordedSession` with fields of its own. */
export type Recordable = 'command' | 'query' | 'tool_call' | 'llm_call' | 'file' | 'outbound';

/** The fields of an event of type `T` that its producer gives (the recorder adds the rest). */
export type Fields<T extends EventInput['type']> = Omit<
  Extract<EventInput, { type: T }>,
  'id' | 'sessionId' | 'seq' | 'time' | 'type'
> & { id?: string };

/**
 * How a field is recorded:
 * - `text`: free text, masked by the detectors;
 * - `json`: JSON values: sensitive field names masked whole, detected values in strings;
 * - `rows`: result rows: sensitive columns (by the event's `columns`) whole, detected values in
 *   the other cells;
 * - `plain`: numbers and flags, kept.
 * Whatever the declaration, a string is masked as text and an object or array as JSON (a host
 * without types may put them anywhere): nothing reaches the sink unmasked.
 */
export type How = 'text' | 'json' | 'rows' | 'plain';

type Spec<T extends Recordable> = { readonly [K in keyof Omit<Fields<T>, 'id'>]-?: How };

/**
 * Every field of every event type a host records, and how it is masked. The mapped type makes
 * the table complete: a field the data model adds fails to compile until it is declared here.
 * Fields not in the table are not recorded.
 */
export const FIELD_MASKING: { readonly [T in Recordable]: Spec<T> } = {
  command: {
    text: 'text',
    cwd: 'text',
    exitCode: 'plain',
    output: 'text',
    outputTruncated: 'plain',
    durationMs: 'plain',
  },
  query: {
    sql: 'text',
    params: 'json',
    columns: 'json',
    rows: 'rows',
    rowCount: 'plain',
    truncated: 'plain',
    resultRef: 'text',
    durationMs: 'plain',
    error: 'text',
    tables: 'json',
  },
  tool_call: {
    tool: 'text',
    callId: 'text',
    input: 'json',
    output: 'json',
    error: 'text',
    durationMs: 'plain',
  },
  llm_call: {
    model: 'text',
    provider: 'text',
    inputTokens: 'plain',
    outputTokens: 'plain',
    costUsd: 'plain',
    durationMs: 'plain',
    error: 'text',
  },
  file: {
    subjectId: 'plain',
    path: 'text',
    operation: 'plain',
    bytes: 'plain',
  },
  outbound: {
    subjectId: 'plain',
    protocol: 'text',
    host: 'text',
    port: 'plain',
    method: 'text',
    url: 'text',
    status: 'plain',
    bytesSent: 'plain',
    bytesReceived: 'plain',
  },
};

/**
 * The field a `mask` verdict keeps off the record (the action ran; what it returned is not
 * recorded), what stands in for it, and how many values that counts as.
 */
export const WITHHELD: {
  readonly [T in Recordable]?: {
    field: string;
    as: (reason: string | undefined) => unknown;
    count: (value: unknown) => number;
  };
} = {
  command: {
    field: 'output',
    as: (reason) => `[output not recorded: ${reason ?? 'masked by policy'}]`,
    count: () => 1,
  },
  query: { field: 'rows', as: () => [], count: (rows) => (Array.isArray(rows) ? rows.length : 1) },
  tool_call: { field: 'output', as: () => '[output not recorded]', count: () => 1 },
};

/** The table as lists, for the hot path. */
const ENTRIES = Object.fromEntries(
  Object.entries(FIELD_MASKING).map(([type, spec]) => [type, Object.entries(spec)]),
) as unknown as Record<Recordable, [string, How][]>;

/**
 * Copies the declared fields of `fields` onto `event`, each masked as the table says (`masker`
 * undefined: recorded as they are). `withhold`: the policy masks the action's output.
 */
export function maskFields(
  type: Recordable,
  fields: Record<string, unknown>,
  event: Record<string, unknown>,
  masker: Masker | undefined,
  tally: MaskTally,
  withhold?: { rule?: string; reason?: string },
): void {
  const entries = ENTRIES[type];
  const held = withhold ? WITHHELD[type] : undefined;
  for (let i = 0; i < entries.length; i++) {
    const [key, how] = entries[i] as [string, How];
    const value = fields[key];
    if (value === undefined) continue;
    if (held && key === held.field) {
      tally.add(withhold?.rule ?? 'policy', held.count(value));
      event[key] = held.as(withhold?.reason);
      continue;
    }
    if (!masker || value === null) event[key] = value;
    else if (typeof value === 'string') event[key] = masker.text(value, tally);
    else if (typeof value !== 'object') event[key] = value;
    else if (how === 'rows' && Array.isArray(value) && value.every(Array.isArray))
      event[key] = masker.rows(columnsOf(fields.columns), value as unknown[][], tally);
    else event[key] = masker.value(value, tally);
  }
}

function columnsOf(columns: unknown): { name: string }[] {
  if (!Array.isArray(columns)) return [];
  return columns.map((c) => ({ name: String((c as { name?: unknown } | null)?.name ?? '') }));
}
