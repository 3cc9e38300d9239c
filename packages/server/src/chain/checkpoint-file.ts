import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Statement } from './signing';
import type { StatementSource } from './verify';

/**
 * Appends statements to a checkpoint file, one JSON line each, and syncs it to disk. The file
 * is opened for appending only: nothing in it is ever rewritten.
 */
export async function appendStatements(file: string, statements: Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const handle = await open(file, 'a', 0o644);
  try {
    await handle.write(statements.map((s) => `${JSON.stringify(s)}\n`).join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The lines of a checkpoint file that name a session (a line that does not parse but names it
 * counts too: it is reported as altered). A missing file has none.
 */
export async function readStatements(file: string, sessionId: string): Promise<StatementSource[]> {
  const found: StatementSource[] = [];
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return found;
    throw error;
  }
  try {
    let n = 0;
    for await (const line of handle.readLines({ encoding: 'utf8' })) {
      n++;
      if (line.includes(sessionId))
        found.push({ statement: line, source: `${basename(file)}:${n}` });
    }
  } finally {
    await handle.close();
  }
  return found;
}
