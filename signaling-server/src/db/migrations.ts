/**
 * Versioned schema. Each migration runs once, in order, inside a transaction, and bumps
 * `PRAGMA user_version`. Never edit a released migration: add the next one.
 */
export interface Migration {
  version: number
  name: string
  up: string
}

export const MIGRATIONS: readonly Migration[] = [
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
        created_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE calls (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id     TEXT NOT NULL UNIQUE,
        caller_id   TEXT NOT NULL REFERENCES users(id),
        callee_id   TEXT NOT NULL REFERENCES users(id),
        call_type   TEXT NOT NULL CHECK (call_type IN ('audio', 'video')),
        status      TEXT NOT NULL CHECK (status IN ('waiting', 'in_progress', 'ended')),
        end_reason  TEXT CHECK (end_reason IN ('completed', 'cancelled', 'declined', 'missed', 'interrupted')),
        created_at  TEXT NOT NULL,
        answered_at TEXT,
        ended_at    TEXT,
        duration_s  INTEGER,
        CHECK ((status = 'ended') = (end_reason IS NOT NULL))
      ) STRICT;

      -- Only open calls are indexed: "is this user busy?" and "my active calls" stay O(open calls).
      CREATE INDEX calls_open_by_caller ON calls(caller_id) WHERE status <> 'ended';
      CREATE INDEX calls_open_by_callee ON calls(callee_id) WHERE status <> 'ended';

      -- One row per participant, so a user's history is one ordered index range.
      CREATE TABLE call_participants (
        user_id    TEXT NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        call_id    INTEGER NOT NULL REFERENCES calls(id),
        PRIMARY KEY (user_id, created_at, call_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'call-deadlines',
    up: `
      -- Deadlines are data (ms since the epoch): the ring's end for a waiting call, the time its
      -- room may be found empty for an answered one. Any node's sweeper ends what is due.
      ALTER TABLE calls ADD COLUMN deadline INTEGER;
      CREATE INDEX calls_open_by_deadline ON calls(deadline) WHERE status <> 'ended';
    `,
  },
]

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0)
