import type { Event } from '@auditlane/client';

const MAX_TEXT = 64 * 1024;

// CSI, OSC and other escape sequences: search what a person saw, not the control codes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are the point.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** What free-text search sees of an event: what was typed, queried and printed. */
export function searchableText(event: Event): string | null {
  let text: string | null = null;
  switch (event.type) {
    case 'command':
      text = [event.text, event.output].filter(Boolean).join('\n');
      break;
    case 'query':
      text = event.error ? `${event.sql}\n${event.error}` : event.sql;
      break;
    case 'terminal':
      text = event.code === 'o' || event.code === 'i' ? stripAnsi(event.data) : null;
      break;
    case 'tool_call':
      text = [event.tool, stringify(event.input), stringify(event.output), event.error]
        .filter(Boolean)
        .join('\n');
      break;
    case 'file':
      text = event.path;
      break;
    case 'outbound':
      text = event.url ?? event.host;
      break;
    case 'policy':
      text = [event.rule, event.reason].filter(Boolean).join('\n') || null;
      break;
    default:
      text = null;
  }
  if (!text?.trim()) return null;
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (
    typeof value === 'object' &&
    value &&
    'command' in value &&
    typeof value.command === 'string'
  ) {
    return value.command;
  }
  return JSON.stringify(value);
}
