/** Formatting shared by the components: plain strings, no HTML. */

// CSI, OSC (BEL or ST terminated), other ESC sequences, and C0/C1 controls except \n and \t.
const ESCAPES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Recorded output as plain text: terminal escape sequences and control characters removed. */
export function toPlainText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ESCAPES, '').replace(/\r/g, '\n');
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** "2026-11-25 06:19:32" in the viewer's time zone (stable for a given locale). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function formatCost(usd: number): string {
  if (!usd) return '—';
  return usd < 0.01 ? `<$0.01` : `$${usd.toFixed(2)}`;
}

/** A JSON value of a result cell or tool input, as text. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return value === null ? 'NULL' : '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}
