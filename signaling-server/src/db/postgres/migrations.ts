import type { Migration } from '../migrations.js'

/**
 * The Postgres schema, versioned like the SQLite one (db/migrations.ts) and kept equivalent to it:
 * same tables, columns, checks and partial indexes. Times are timestamptz (read back as the same
 * ISO strings). Never edit a released migration: add the next one.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users-and-calls',
    up: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL,
        username_key  TEXT NOT NULL UNIQUE,
        display_name  TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    TIMESTAMPTZ NOT NULL
      );

      CREATE TABLE calls (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        room_id     TEXT NOT NULL UNIQUE,
        caller_id   TEXT NOT NULL REFERENCES users(id),
        callee_id   TEXT NOT NULL REFERENCES users(id),
        call_type   TEXT NOT NULL CHECK (call_type IN ('audio', 'video')),
        status      TEXT NOT NULL CHECK (status IN ('waiting', 'in_progress', 'ended')),
        end_reason  TEXT CHECK (end_reason IN ('completed', 'cancelled', 'declined', 'missed', 'interrupted')),
        created_at  TIMESTAMPTZ NOT NULL,
        answered_at TIMESTAMPTZ,
        ended_at    TIMESTAMPTZ,
        duration_s  INTEGER,
        CHECK ((status = 'ended') = (end_reason IS NOT NULL))
      );

      CREATE INDEX calls_open_by_caller ON calls(caller_id) WHERE status <> 'ended';
      CREATE INDEX calls_open_by_callee ON calls(callee_id) WHERE status <> 'ended';

      CREATE TABLE call_participants (
        user_id    TEXT NOT NULL REFERENCES users(id),
        created_at TIMESTAMPTZ NOT NULL,
        call_id    BIGINT NOT NULL REFERENCES calls(id),
        PRIMARY KEY (user_id, created_at, call_id)
      );
    `,
  },
  {
    version: 2,
    name: 'call-deadlines',
    up: `
      ALTER TABLE calls ADD COLUMN deadline BIGINT;
      CREATE INDEX calls_open_by_deadline ON calls(deadline) WHERE status <> 'ended';

      -- Busy is a constraint: a user has at most one open call, whichever node creates it. The
      -- row goes in with the call and out in the same statement that ends it.
      CREATE TABLE busy_users (
        user_id TEXT PRIMARY KEY REFERENCES users(id),
        call_id BIGINT NOT NULL REFERENCES calls(id)
      );
      CREATE INDEX busy_users_by_call ON busy_users(call_id);
    `,
  },
  {
    version: 3,
    name: 'cluster-nodes',
    up: `
      -- Each node's heartbeat and the Redis it fans out through: nodes that share this database
      -- must share one Redis, and a node that finds a live node on another one refuses to run.
      CREATE TABLE cluster_nodes (
        node_id  TEXT PRIMARY KEY,
        redis_id TEXT NOT NULL,
        seen_at  BIGINT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'call-participants',
    up: `
      -- Group calls: as SQLite's migration 3. busy_users keeps one row per person who is invited
      -- to or joined in an open call (no longer just the caller and callee).
      ALTER TABLE call_participants ADD COLUMN role TEXT NOT NULL DEFAULT 'callee'
        CHECK (role IN ('caller', 'callee'));
      ALTER TABLE call_participants ADD COLUMN status TEXT NOT NULL DEFAULT 'left'
        CHECK (status IN ('invited', 'joined', 'declined', 'left', 'missed'));
      ALTER TABLE call_participants ADD COLUMN seq INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE call_participants ADD COLUMN ring_deadline BIGINT;

      UPDATE call_participants p SET role = 'caller', seq = 0
        FROM calls c WHERE c.id = p.call_id AND c.caller_id = p.user_id;
      UPDATE call_participants p SET status = CASE
          WHEN p.role = 'caller' THEN CASE WHEN c.status = 'ended' THEN 'left' ELSE 'joined' END
          WHEN c.status = 'waiting' THEN 'invited'
          WHEN c.status = 'in_progress' THEN 'joined'
          WHEN c.end_reason = 'declined' THEN 'declined'
          WHEN c.answered_at IS NULL THEN 'missed'
          ELSE 'left' END
        FROM calls c WHERE c.id = p.call_id;
      UPDATE call_participants p SET ring_deadline = c.deadline
        FROM calls c WHERE c.id = p.call_id AND p.status = 'invited';

      CREATE INDEX call_participants_in_call ON call_participants(user_id)
        WHERE status IN ('invited', 'joined');
      CREATE INDEX call_participants_by_call ON call_participants(call_id, seq);
      CREATE INDEX call_participants_ringing ON call_participants(ring_deadline)
        WHERE status = 'invited';
    `,
  },
]
