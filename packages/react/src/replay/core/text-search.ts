import { toPlainText } from '../../internal/format';
import type { Recording } from './recording';

export interface SearchHit {
  /** Play time, seconds. */
  time: number;
  /** The line around the match, as plain text. */
  context: string;
}

/**
 * Where a text appeared in the output, in time order, case-insensitive: a sliding window of
 * plain text keeps matches that span two output events.
 */
export async function searchRecording(
  recording: Recording,
  query: string,
  limit: number,
): Promise<SearchHit[]> {
  const needle = query.toLowerCase();
  const hits: SearchHit[] = [];
  if (!needle) return hits;
  let carry = '';
  let carryTime = 0;
  for await (const chunk of recording.outputChunks()) {
    const plain = toPlainText(chunk.text);
    const text = carry + plain;
    const lower = text.toLowerCase();
    let from = 0;
    for (;;) {
      const at = lower.indexOf(needle, from);
      if (at < 0) break;
      if (at + needle.length > carry.length) {
        const lineStart = text.lastIndexOf('\n', at) + 1;
        const lineEnd = text.indexOf('\n', at);
        hits.push({
          time: at < carry.length ? carryTime : chunk.time,
          context: text
            .slice(lineStart, lineEnd < 0 ? undefined : lineEnd)
            .replace(/\r/g, '')
            .trim(),
        });
        if (hits.length >= limit) return hits;
      }
      from = at + 1;
    }
    carry = text.slice(-Math.max(needle.length - 1, 0));
    carryTime = chunk.time;
  }
  return hits;
}
