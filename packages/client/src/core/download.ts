import { readLines } from '../internal/lines';

/** A file the server streams: read it once, as a stream, text, bytes or lines. */
export class DownloadResponse {
  readonly response: Response;

  constructor(response: Response) {
    this.response = response;
  }

  get contentType(): string {
    return this.response.headers.get('content-type') ?? 'application/octet-stream';
  }

  /** The file name from Content-Disposition, when the server sent one. */
  get filename(): string | null {
    const disposition = this.response.headers.get('content-disposition');
    if (!disposition) return null;
    const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
    if (star?.[1]) {
      try {
        return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
      } catch {}
    }
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    return plain?.[1] ?? null;
  }

  get requestId(): string | null {
    return this.response.headers.get('x-request-id');
  }

  /** The body as a byte stream (read once). */
  get body(): ReadableStream<Uint8Array> {
    if (!this.response.body) return new ReadableStream({ start: (c) => c.close() });
    return this.response.body;
  }

  text(): Promise<string> {
    return this.response.text();
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.response.arrayBuffer();
  }

  blob(): Promise<Blob> {
    return this.response.blob();
  }

  /** The body line by line, streamed. */
  lines(): AsyncGenerator<string> {
    return readLines(this.body);
  }
}
