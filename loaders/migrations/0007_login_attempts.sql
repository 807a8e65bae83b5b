-- 0007: failed local logins, counted in the store per account name and per client (so a reload or
-- another replica does not reset them), with the time until which the key is locked.
-- key: "account:<name, case-folded>" or "client:<address>". Portable SQLite + PostgreSQL SQL.

CREATE TABLE login_attempts (
    attempt_key    VARCHAR(300) PRIMARY KEY,
    failures       INTEGER      NOT NULL,
    first_at       VARCHAR(32)  NOT NULL,
    last_at        VARCHAR(32)  NOT NULL,
    locked_until   VARCHAR(32)
);
