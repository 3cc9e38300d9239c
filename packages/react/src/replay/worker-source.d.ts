/** A worker's source, bundled into one script at build time (scripts/inline-worker.ts). */
declare module '*?worker-source' {
  const source: string;
  export default source;
}
