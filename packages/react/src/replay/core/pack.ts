/**
 * Compression of recording blocks and keyframes with the platform's own deflate
 * (CompressionStream: browsers, workers and Node 18+). Terminal output packs 5–20×.
 */

export async function packText(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function unpackText(packed: Uint8Array): Promise<string> {
  const stream = new Blob([packed as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}

/** Compression is available here (it is not in old browsers). */
export const canPack = typeof CompressionStream === 'function';
