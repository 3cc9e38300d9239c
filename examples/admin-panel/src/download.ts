import type { DownloadResponse } from '@auditlane/client';

/** Saves a file the API streamed, under the name the server gave it. */
export async function saveDownload(file: DownloadResponse, fallbackName: string): Promise<void> {
  const blob = await file.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename ?? fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
