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
  {
    version: 3,
    name: 'call-participants',
    up: `
      -- Group calls: each participant's role and status (see ParticipantStatus), the order they
      -- were invited in (0 is the caller), and, while invited, when their ring ends.
      ALTER TABLE call_participants ADD COLUMN role TEXT NOT NULL DEFAULT 'callee'
        CHECK (role IN ('caller', 'callee'));
      ALTER TABLE call_participants ADD COLUMN status TEXT NOT NULL DEFAULT 'left'
        CHECK (status IN ('invited', 'joined', 'declined', 'left', 'missed'));
      ALTER TABLE call_participants ADD COLUMN seq INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE call_participants ADD COLUMN ring_deadline INTEGER;

      -- Calls placed before this version had two participants: derive what they would have had.
      UPDATE call_participants SET role = 'caller', seq = 0
        WHERE user_id = (SELECT caller_id FROM calls WHERE calls.id = call_participants.call_id);
      UPDATE call_participants SET status = (
        SELECT CASE
          WHEN call_participants.role = 'caller' THEN
            CASE WHEN c.status = 'ended' THEN 'left' ELSE 'joined' END
          WHEN c.status = 'waiting' THEN 'invited'
          WHEN c.status = 'in_progress' THEN 'joined'
          WHEN c.end_reason = 'declined' THEN 'declined'
          WHEN c.answered_at IS NULL THEN 'missed'
          ELSE 'left' END
        FROM calls c WHERE c.id = call_participants.call_id);
      UPDATE call_participants SET ring_deadline = (
        SELECT deadline FROM calls c WHERE c.id = call_participants.call_id)
        WHERE status = 'invited';

      -- "Is this user busy?", "my active calls", a call's people, and rings that time out.
      CREATE INDEX call_participants_in_call ON call_participants(user_id)
        WHERE status IN ('invited', 'joined');
      CREATE INDEX call_participants_by_call ON call_participants(call_id, seq);
      CREATE INDEX call_participants_ringing ON call_participants(ring_deadline)
        WHERE status = 'invited';
    `,
  },
]

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0)
