/**
 * Where a replayer reads its recording from: asciicast items, the header first. A source is a
 * description (nothing is read until the replayer loads); each `read` starts a new reading.
 */
import type { AuditlaneClient, StoredEvent } from '@auditlane/client';
import {
  type AsciicastItem,
  type AsciicastSource,
  readAsciicast,
  terminalEventsToAsciicast,
} from '@auditlane/client/asciicast';
import { ListedSeqs } from '../../internal/listed-seqs';

export interface ReplaySource {
  /**
   * The session is followed while it is active: after its history (`onCaughtUp` is called
   * then), new events keep arriving, and the replayer plays them at the live edge.
   */
  readonly live: boolean;
  /** Reads the recording as asciicast items, the header first; stops when `signal` aborts. */
  read(signal: AbortSignal, onCaughtUp: () => void): AsyncIterable<AsciicastItem>;
}

/** A recording given as asciicast v2/v3 text, a stream or an async iterable of it. */
export function asciicastSource(src: AsciicastSource): ReplaySource {
  return {
    live: false,
    read: (signal) => readAsciicast(src, { signal }),
  };
}

/** A session's recording as the server writes it (`GET /v1/sessions/{id}/recording`). */
export function sessionRecordingSource(client: AuditlaneClient, sessionId: string): ReplaySource {
  return {
    live: false,
    async *read(signal) {
      const response = await client.sessions.recording(sessionId, {}, { signal });
      yield* readAsciicast(response.body, { signal });
    },
  };
}

/**
 * A session's terminal events as asciicast items, from the start and then live over SSE until
 * the session ends (the same events the recording endpoint writes as a file).
 */
export function liveSessionSource(client: AuditlaneClient, sessionId: string): ReplaySource {
  return {
    live: true,
    async *read(signal, onCaughtUp) {
      const listed = new ListedSeqs();
      // The same conversion the recording endpoint writes its file with.
      const toItems = terminalEventsToAsciicast();
      const convert = (e: StoredEvent): AsciicastItem[] =>
        e.type === 'terminal' ? toItems(e) : [];
      for await (const e of client.sessions.events.list(
        sessionId,
        { type: ['terminal'], limit: 1000 },
        { signal },
      )) {
        listed.add(e.seq);
        yield* convert(e);
      }
      onCaughtUp();
      for await (const e of client.sessions.events.stream(sessionId, {
        after: listed.last,
        signal,
      })) {
        if (!listed.has(e.seq)) yield* convert(e);
      }
    },
  };
}

/** A source that fails with `error` when read (a player given nothing it can read). */
export function failingSource(error: Error): ReplaySource {
  return {
    live: false,
    // biome-ignore lint/correctness/useYield: it fails before yielding anything.
    async *read() {
      throw error;
    },
  };
}
