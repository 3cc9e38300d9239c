import { HIGH_SIGNAL_SCORE } from '@auditlane/client';

/**
 * The overview's rollups: what the KPIs of a period count, per org and hour of the sessions'
 * start (`session_hours`), which actors started sessions on each day (`session_actor_days`), and
 * how many sessions of the org are in each status, per environment, resource type and actor type
 * (`session_status_counts`, for `activeNow`, with or without those filters),
 * so that the KPIs of 7 or 30 days read a few hundred rows instead of every session of the
 * period. Kept by triggers on `sessions` (every insert, update and delete, whichever code path
 * writes the row: ingest, rescoring, a migration), filled from the sessions already stored when
 * the migration runs. Times are ms since epoch; an hour or a day starts at a multiple of its
 * length (UTC).
 *
 * `high` counts the sessions scoring HIGH_SIGNAL_SCORE or more: the threshold is part of the
 * triggers, so changing it takes a migration that recreates them and fills `high` again.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** SQL of the start of the hour (or day) of `t`, rounding down (as `floorTo`). */
const floorSql = (t: string, ms: number) => `(${t} - ((${t} % ${ms}) + ${ms}) % ${ms})`;

/** The start of the span of `ms` that `t` falls in (as the triggers compute it). */
export function floorTo(t: number, ms: number): number {
  return t - (((t % ms) + ms) % ms);
}

/** The start of the first span of `ms` starting at or after `t`. */
export function ceilTo(t: number, ms: number): number {
  const f = floorTo(t, ms);
  return f === t ? t : f + ms;
}

const TABLES = (bigint: string, suffix: string) => `
  CREATE TABLE session_hours (
    org TEXT NOT NULL,
    hour ${bigint} NOT NULL,
    sessions INTEGER NOT NULL,
    cost_micros ${bigint} NOT NULL,
    blocked INTEGER NOT NULL,
    high INTEGER NOT NULL,
    PRIMARY KEY (org, hour)
  )${suffix};
  CREATE TABLE session_actor_days (
    org TEXT NOT NULL,
    day ${bigint} NOT NULL,
    actor_id TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (org, day, actor_id)
  )${suffix};
  CREATE INDEX session_actor_days_actor ON session_actor_days (org, actor_id, day);
  CREATE TABLE session_status_counts (
    org TEXT NOT NULL,
    status TEXT NOT NULL,
    environment TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (org, status, environment, resource_type, actor_type)
  )${suffix};
`;

const FILL = (bool: (condition: string) => string) => `
  INSERT INTO session_hours (org, hour, sessions, cost_micros, blocked, high)
    SELECT org, ${floorSql('started_at', HOUR_MS)} AS h, count(*), sum(cost_micros),
      sum(${bool('blocked > 0')}), sum(${bool(`score >= ${HIGH_SIGNAL_SCORE}`)})
    FROM sessions GROUP BY org, h;
  INSERT INTO session_actor_days (org, day, actor_id, sessions)
    SELECT org, ${floorSql('started_at', DAY_MS)} AS d, actor_id, count(*)
    FROM sessions GROUP BY org, d, actor_id;
  INSERT INTO session_status_counts (org, status, environment, resource_type, actor_type, sessions)
    SELECT org, status, environment, resource_type, actor_type, count(*) FROM sessions
    GROUP BY org, status, environment, resource_type, actor_type;
`;

/** SQLite: plain triggers (one writer at a time: no lock order to keep). */
function sqliteDelta(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  const s = sign === 1 ? '' : '-';
  return `
    INSERT INTO session_hours (org, hour, sessions, cost_micros, blocked, high)
    VALUES (${row}.org, ${floorSql(`${row}.started_at`, HOUR_MS)}, ${s}1, ${s}${row}.cost_micros,
      ${s}(${row}.blocked > 0), ${s}(${row}.score >= ${HIGH_SIGNAL_SCORE}))
    ON CONFLICT (org, hour) DO UPDATE SET sessions = sessions + excluded.sessions,
      cost_micros = cost_micros + excluded.cost_micros, blocked = blocked + excluded.blocked,
      high = high + excluded.high;`;
}

function sqliteActorDelta(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  const day = floorSql(`${row}.started_at`, DAY_MS);
  if (sign === 1)
    return `
    INSERT INTO session_actor_days (org, day, actor_id, sessions)
    VALUES (NEW.org, ${day}, NEW.actor_id, 1)
    ON CONFLICT (org, day, actor_id) DO UPDATE SET sessions = sessions + 1;`;
  return `
    UPDATE session_actor_days SET sessions = sessions - 1
      WHERE org = OLD.org AND day = ${day} AND actor_id = OLD.actor_id;
    DELETE FROM session_actor_days
      WHERE org = OLD.org AND day = ${day} AND actor_id = OLD.actor_id AND sessions <= 0;`;
}

function sqliteStatusDelta(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  return `
    INSERT INTO session_status_counts (org, status, environment, resource_type, actor_type, sessions)
    VALUES (${row}.org, ${row}.status, ${row}.environment, ${row}.resource_type, ${row}.actor_type, ${sign})
    ON CONFLICT (org, status, environment, resource_type, actor_type)
    DO UPDATE SET sessions = sessions + excluded.sessions;`;
}

const STATUS_CHANGED = `OLD.org IS NOT NEW.org OR OLD.status IS NOT NEW.status
  OR OLD.environment IS NOT NEW.environment OR OLD.resource_type IS NOT NEW.resource_type
  OR OLD.actor_type IS NOT NEW.actor_type`;
const COUNTED_CHANGED = `OLD.org IS NOT NEW.org OR OLD.started_at IS NOT NEW.started_at
  OR OLD.cost_micros IS NOT NEW.cost_micros OR (OLD.blocked > 0) IS NOT (NEW.blocked > 0)
  OR (OLD.score >= ${HIGH_SIGNAL_SCORE}) IS NOT (NEW.score >= ${HIGH_SIGNAL_SCORE})`;
const ACTOR_DAY_CHANGED = `OLD.org IS NOT NEW.org OR OLD.actor_id IS NOT NEW.actor_id
  OR ${floorSql('OLD.started_at', DAY_MS)} IS NOT ${floorSql('NEW.started_at', DAY_MS)}`;

/**
 * The KPIs under environment, type and actor type filters from one index-only range of the
 * period (sessions_kpis, with those columns now); the priority queue of a broad filter over a
 * week or more: the highest scores of one environment, or of one actor type, in order (see
 * topSessions in meaning.ts).
 */
const QUEUE_INDEXES = `
  DROP INDEX sessions_kpis;
  CREATE INDEX sessions_kpis ON sessions (org, started_at, environment, resource_type, actor_type, actor_id, score, cost_micros, blocked, id);
  CREATE INDEX sessions_environment_significance ON sessions (org, environment, score DESC, started_at DESC, id DESC);
  CREATE INDEX sessions_actor_type_significance ON sessions (org, actor_type, score DESC, started_at DESC, id DESC);
`;

export const SQLITE_ROLLUP_TABLES = `
  ${QUEUE_INDEXES}
  ${TABLES('INTEGER', ' WITHOUT ROWID')}
  ${FILL((c) => `(${c})`)}
  CREATE TRIGGER sessions_rollup_insert AFTER INSERT ON sessions BEGIN
    ${sqliteDelta('NEW', 1)}
    ${sqliteActorDelta('NEW', 1)}
    ${sqliteStatusDelta('NEW', 1)}
  END;
  CREATE TRIGGER sessions_rollup_update
    AFTER UPDATE OF org, started_at, cost_micros, blocked, score ON sessions
    WHEN ${COUNTED_CHANGED}
  BEGIN
    ${sqliteDelta('OLD', -1)}
    ${sqliteDelta('NEW', 1)}
  END;
  CREATE TRIGGER sessions_rollup_update_actor
    AFTER UPDATE OF org, started_at, actor_id ON sessions
    WHEN ${ACTOR_DAY_CHANGED}
  BEGIN
    ${sqliteActorDelta('OLD', -1)}
    ${sqliteActorDelta('NEW', 1)}
  END;
  CREATE TRIGGER sessions_rollup_update_status
    AFTER UPDATE OF org, status, environment, resource_type, actor_type ON sessions
    WHEN ${STATUS_CHANGED}
  BEGIN
    ${sqliteStatusDelta('OLD', -1)}
    ${sqliteStatusDelta('NEW', 1)}
  END;
  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions BEGIN
    ${sqliteDelta('OLD', -1)}
    ${sqliteActorDelta('OLD', -1)}
    ${sqliteStatusDelta('OLD', -1)}
  END;
`;

/**
 * PostgreSQL: the rollup rows of an org are written at commit (a deferred trigger), under a
 * transaction-level advisory lock of the org. Row triggers fired as each sessions row is
 * written would lock an hour's row in the middle of a transaction that may then wait for a
 * session another transaction holds while that one waits for the hour (a deadlock); at commit,
 * a transaction holds every lock it needs but the org's, and the rollup rows are written only
 * under it.
 */
/**
 * PostgreSQL: the same indexes, sessions_kpis built under another name and swapped in at the
 * end. Dropping it first would hold an exclusive lock on sessions (every read waits) through the
 * index builds and the fill; built first, reads go on (CREATE INDEX only keeps writers out, as
 * the fill needs) and the drop's exclusive lock is held only from the end of the migration to its
 * commit.
 */
const POSTGRES_QUEUE_INDEXES = `
  CREATE INDEX sessions_kpis_next ON sessions (org, started_at, environment, resource_type, actor_type, actor_id, score, cost_micros, blocked, id);
  CREATE INDEX sessions_environment_significance ON sessions (org, environment, score DESC, started_at DESC, id DESC);
  CREATE INDEX sessions_actor_type_significance ON sessions (org, actor_type, score DESC, started_at DESC, id DESC);
`;

export const POSTGRES_ROLLUP_TABLES = `
  ${POSTGRES_QUEUE_INDEXES}
  ${TABLES('BIGINT', '')}
  ${FILL((c) => `(${c})::int`)}
  CREATE FUNCTION auditlane_rollup_add(o TEXT, started BIGINT, actor TEXT, n INTEGER,
    cost BIGINT, blocked INTEGER, score DOUBLE PRECISION, counted BOOLEAN, actors BOOLEAN)
  RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    IF counted THEN
    INSERT INTO session_hours AS h (org, hour, sessions, cost_micros, blocked, high)
    VALUES (o, ${floorSql('started', HOUR_MS)}, n, n * cost, n * (blocked > 0)::int,
      n * (score >= ${HIGH_SIGNAL_SCORE})::int)
    ON CONFLICT (org, hour) DO UPDATE SET sessions = h.sessions + excluded.sessions,
      cost_micros = h.cost_micros + excluded.cost_micros, blocked = h.blocked + excluded.blocked,
      high = h.high + excluded.high;
    END IF;
    IF NOT actors THEN RETURN; END IF;
    IF n > 0 THEN
      INSERT INTO session_actor_days AS d (org, day, actor_id, sessions)
      VALUES (o, ${floorSql('started', DAY_MS)}, actor, n)
      ON CONFLICT (org, day, actor_id) DO UPDATE SET sessions = d.sessions + excluded.sessions;
    ELSE
      UPDATE session_actor_days SET sessions = sessions + n
        WHERE org = o AND day = ${floorSql('started', DAY_MS)} AND actor_id = actor;
      DELETE FROM session_actor_days
        WHERE org = o AND day = ${floorSql('started', DAY_MS)} AND actor_id = actor AND sessions <= 0;
    END IF;
  END $$;
  CREATE FUNCTION auditlane_sessions_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    do_counted BOOLEAN := TG_OP <> 'UPDATE' OR OLD.org IS DISTINCT FROM NEW.org
      OR ${COUNTED_CHANGED.replaceAll('IS NOT', 'IS DISTINCT FROM')};
    do_actors BOOLEAN := TG_OP <> 'UPDATE' OR ${ACTOR_DAY_CHANGED.replaceAll('IS NOT', 'IS DISTINCT FROM')};
    do_status BOOLEAN := TG_OP <> 'UPDATE' OR ${STATUS_CHANGED.replaceAll('IS NOT', 'IS DISTINCT FROM')};
  BEGIN
    IF TG_OP <> 'INSERT' THEN
      PERFORM pg_advisory_xact_lock(hashtext('auditlane.session_rollup'), hashtext(OLD.org));
      IF do_counted OR do_actors THEN
        PERFORM auditlane_rollup_add(OLD.org, OLD.started_at, OLD.actor_id, -1, OLD.cost_micros,
          OLD.blocked, OLD.score, do_counted, do_actors);
      END IF;
      IF do_status THEN
        UPDATE session_status_counts SET sessions = sessions - 1
          WHERE org = OLD.org AND status = OLD.status AND environment = OLD.environment
            AND resource_type = OLD.resource_type AND actor_type = OLD.actor_type;
      END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      PERFORM pg_advisory_xact_lock(hashtext('auditlane.session_rollup'), hashtext(NEW.org));
      IF do_counted OR do_actors THEN
        PERFORM auditlane_rollup_add(NEW.org, NEW.started_at, NEW.actor_id, 1, NEW.cost_micros,
          NEW.blocked, NEW.score, do_counted, do_actors);
      END IF;
      IF do_status THEN
        INSERT INTO session_status_counts AS c (org, status, environment, resource_type, actor_type, sessions)
        VALUES (NEW.org, NEW.status, NEW.environment, NEW.resource_type, NEW.actor_type, 1)
        ON CONFLICT (org, status, environment, resource_type, actor_type)
        DO UPDATE SET sessions = c.sessions + 1;
      END IF;
    END IF;
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER sessions_rollup_insert_delete AFTER INSERT OR DELETE ON sessions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION auditlane_sessions_rollup();
  CREATE CONSTRAINT TRIGGER sessions_rollup_update
    AFTER UPDATE OF org, started_at, actor_id, cost_micros, blocked, score, status, environment,
      resource_type, actor_type ON sessions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (${COUNTED_CHANGED.replaceAll('IS NOT', 'IS DISTINCT FROM')}
      OR ${ACTOR_DAY_CHANGED.replaceAll('IS NOT', 'IS DISTINCT FROM')}
      OR ${STATUS_CHANGED.replaceAll('IS NOT', 'IS DISTINCT FROM')})
    EXECUTE FUNCTION auditlane_sessions_rollup();
  DROP INDEX sessions_kpis;
  ALTER INDEX sessions_kpis_next RENAME TO sessions_kpis;
`;
