import { readFileSync } from 'node:fs';
import type { AppConfig } from './api/app';
import { loadSigningKey, loadVerifyKey } from './chain/signing';
import { SERVE_ENV, type ServeConfig, type ServeFlags } from './config';
import { significanceSettings } from './domain/significance';
import type { CheckpointOptions } from './jobs/checkpoints';

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['', '0', 'false', 'no', 'off']);

/**
 * `auditlane serve` settings from flags, then `AUDITLANE_*` environment variables, then defaults.
 * Throws an Error naming the flag or variable that is wrong.
 */
export function serveConfig(
  flags: ServeFlags,
  env: Record<string, string | undefined> = process.env,
): ServeConfig {
  const pick = (flag: keyof ServeFlags) => {
    const fromFlag = flags[flag];
    if (typeof fromFlag === 'string') return { value: fromFlag, source: `--${flag}` };
    for (const variable of SERVE_ENV[flag]) {
      const fromEnv = env[variable];
      if (fromEnv !== undefined) return { value: fromEnv, source: variable };
    }
    return undefined;
  };
  const integer = (flag: keyof ServeFlags, min: number, max: number) => {
    const got = pick(flag);
    if (!got) return undefined;
    const n = Number(got.value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`${got.source} must be an integer from ${min} to ${max}, got "${got.value}"`);
    }
    return n;
  };
  const postgres = pick('postgres')?.value || undefined;
  const db = pick('db')?.value || undefined;
  if (postgres && flags.db) throw new Error('--db and --postgres cannot be used together');
  if (postgres && !/^postgres(?:ql)?:\/\//.test(postgres)) {
    throw new Error(
      `--postgres must be a postgres:// URL, got "${postgres.replace(/:[^:@/]*@/, ':***@')}"`,
    );
  }
  let disableDownloads = flags['disable-downloads'] === true;
  for (const variable of SERVE_ENV['disable-downloads']) {
    const raw = env[variable];
    if (raw === undefined) continue;
    const value = raw.trim().toLowerCase();
    if (TRUE.has(value)) disableDownloads = true;
    else if (!FALSE.has(value)) throw new Error(`${variable} must be true or false, got "${raw}"`);
  }
  const app: Partial<AppConfig> = { disableDownloads };
  const cors = pick('cors-origin');
  if (cors?.value.trim()) {
    app.corsOrigins = cors.value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of app.corsOrigins) {
      if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
        throw new Error(
          `${cors.source} must list origins like http://localhost:5173 (scheme and host, no path), got "${origin}"`,
        );
      }
    }
  }
  const selfReview = pick('allow-self-review');
  if (selfReview?.value.trim()) {
    app.selfReviewOrgs = selfReview.value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
  }
  const maxBodyBytes = integer('max-body-bytes', 1024, 1024 ** 3);
  if (maxBodyBytes !== undefined) app.maxBodyBytes = maxBodyBytes;
  const grace = integer('reconnect-grace-seconds', 0, 86_400);
  if (grace !== undefined) app.reconnectGraceMs = grace * 1000;
  const countCap = integer('count-cap', 1, 10_000_000);
  if (countCap !== undefined) app.countCap = countCap;
  const checkpoints = checkpointConfig(pick, integer, env);
  const significanceFile = pick('significance-file');
  let fileText: string | undefined;
  if (significanceFile?.value) {
    try {
      fileText = readFileSync(significanceFile.value, 'utf8');
    } catch (error) {
      throw new Error(
        `${significanceFile.source}: cannot read ${significanceFile.value}: ${(error as Error).message}`,
      );
    }
  }
  app.significance = significanceSettings(
    fileText === undefined
      ? undefined
      : { source: `${significanceFile!.source} ${significanceFile!.value}`, text: fileText },
    env,
  );
  return {
    ...(checkpoints ? { checkpoints } : {}),
    retention: {
      productionDays: integer('retention-days-production', 1, 36_500) ?? null,
      otherDays: integer('retention-days-other', 1, 36_500) ?? null,
    },
    store: postgres ? { postgres } : { db: db ?? 'auditlane.db' },
    port: integer('port', 0, 65535) ?? 4680,
    host: pick('host')?.value || '127.0.0.1',
    app,
  };
}

type Pick = (flag: keyof ServeFlags) => { value: string; source: string } | undefined;

/**
 * The signing key (`--signing-key FILE`, AUDITLANE_SIGNING_KEY_FILE, or the PEM itself in
 * AUDITLANE_SIGNING_KEY), where checkpoints go, how often, and earlier keys' public halves.
 */
function checkpointConfig(
  pick: Pick,
  integer: (flag: keyof ServeFlags, min: number, max: number) => number | undefined,
  env: Record<string, string | undefined>,
): CheckpointOptions | undefined {
  const read = (file: string, source: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${source}: cannot read ${file}: ${(error as Error).message}`);
    }
  };
  const keyFile = pick('signing-key');
  const inline = env.AUDITLANE_SIGNING_KEY;
  const file = pick('checkpoint-file')?.value || undefined;
  const webhook = pick('checkpoint-webhook')?.value || undefined;
  const minutes = integer('checkpoint-interval-minutes', 1, 1440);
  const verifyKeys = pick('verify-key');
  if (!keyFile?.value && !inline) {
    if (file || webhook || minutes !== undefined || verifyKeys)
      throw new Error(
        'checkpoints need a signing key: pass --signing-key FILE (or AUDITLANE_SIGNING_KEY_FILE; create one with auditlane keys create)',
      );
    return undefined;
  }
  const key = keyFile?.value
    ? loadSigningKey(read(keyFile.value, keyFile.source), `${keyFile.source} ${keyFile.value}`)
    : loadSigningKey(inline!, 'AUDITLANE_SIGNING_KEY');
  if (webhook && !/^https?:\/\/\S+$/.test(webhook))
    throw new Error(`--checkpoint-webhook must be an http(s) URL, got "${webhook}"`);
  return {
    key,
    ...(file ? { file } : {}),
    ...(webhook ? { webhook } : {}),
    ...(minutes !== undefined ? { intervalMs: minutes * 60_000 } : {}),
    ...(verifyKeys?.value.trim()
      ? {
          verifyKeys: verifyKeys.value
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean)
            .map((f) => loadVerifyKey(read(f, verifyKeys.source), `${verifyKeys.source} ${f}`)),
        }
      : {}),
  };
}
