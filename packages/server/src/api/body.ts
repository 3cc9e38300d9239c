import { HttpError } from './errors';

/**
 * Reads a JSON request body within a size limit (also after gzip decompression, so a small
 * compressed body cannot expand without bound), rejecting invalid UTF-8 and malformed JSON with
 * a clear 4xx.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (type && !/^application\/(?:[\w.+-]*\+)?json\b/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', `expected application/json, got ${type}`);
  }
  const bytes = await readBody(request, maxBytes);
  if (bytes === null) {
    if (options.optional) return undefined;
    throw new HttpError(400, 'bad_request', 'the request has no body');
  }
  return parseJsonBytes(bytes, options);
}

/** JSON from a body already read: invalid UTF-8 and malformed JSON are a 400 naming why. */
export function parseJsonBytes(bytes: Uint8Array, options: { optional?: boolean } = {}): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'bad_request', 'the body is not valid UTF-8');
  }
  if (!text.trim()) {
    if (options.optional) return undefined;
    throw new HttpError(400, 'bad_request', 'the request body is empty');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(
      400,
      'bad_request',
      `the body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * Reads a request body as bytes within a size limit (also after gzip decompression); null when
 * the request has none.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const encoding = (request.headers.get('content-encoding') ?? 'identity').toLowerCase();
  if (!request.body) return null;
  let stream: ReadableStream<Uint8Array> = request.body;
  if (encoding === 'gzip') {
    stream = stream.pipeThrough(
      new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  } else if (encoding !== 'identity') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `unsupported Content-Encoding: ${encoding} (use gzip)`,
    );
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(
      400,
      'bad_request',
      `could not read the body${encoding === 'gzip' ? ' (invalid gzip)' : ''}: ${(error as Error).message}`,
    );
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `the body is larger than ${maxBytes} bytes`, {
    maxBytes,
  });
}
