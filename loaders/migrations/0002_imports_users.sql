-- 0002: import audit history, the import lock row, local accounts and their sessions.
-- Portable SQLite + PostgreSQL SQL ({{ID}} = auto-increment primary key, see 0001).
-- status/targets rows written by an import carry its import_id; rollback deletes them and
-- re-opens the rows they had superseded.

CREATE TABLE imports (
    import_id      {{ID}},
    username       VARCHAR(200) NOT NULL,
    created_at     VARCHAR(32)  NOT NULL,
    file_name      TEXT         NOT NULL,
    sha256         VARCHAR(64)  NOT NULL,
    kind           VARCHAR(32)  NOT NULL,
    province_code  VARCHAR(8),
    scope_code     VARCHAR(16),
    rows_read      INTEGER      NOT NULL,
    rows_written   INTEGER      NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    rolled_back_at VARCHAR(32),
    rolled_back_by VARCHAR(200),
    report         TEXT
);
CREATE INDEX ix_imports_sha ON imports (sha256);

-- One row; every import and rollback updates it first, which serialises writers
-- (row lock on PostgreSQL, the write lock on SQLite).
CREATE TABLE import_lock (
    lock_id        INTEGER PRIMARY KEY,
    holder         VARCHAR(200),
    acquired_at    VARCHAR(32)
);
INSERT INTO import_lock (lock_id, holder, acquired_at) VALUES (1, NULL, NULL);

CREATE TABLE users (
    username       VARCHAR(100) PRIMARY KEY,
    password_hash  TEXT,
    role           VARCHAR(16)  NOT NULL,
    scope_level    VARCHAR(16)  NOT NULL,
    scope_code     VARCHAR(16),
    created_at     VARCHAR(32)  NOT NULL,
    disabled       INTEGER      NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    session_id     VARCHAR(128) PRIMARY KEY,
    username       VARCHAR(100) NOT NULL,
    created_at     VARCHAR(32)  NOT NULL,
    last_seen      VARCHAR(32)  NOT NULL,
    expires_at     VARCHAR(32)  NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions (username);
