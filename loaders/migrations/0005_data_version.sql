-- 0005: the data version. One row (id = 1); every write of data (seed, reseed, import,
-- rollback) increments `version` in its own transaction, so the number commits or rolls back
-- with the rows. Every process that caches data reads this row (a primary-key lookup) every
-- few seconds and drops its caches when the number moved (loaders/freshness.py).

CREATE TABLE data_version (
    id             INTEGER      PRIMARY KEY,
    version        INTEGER      NOT NULL,
    changed_at     VARCHAR(32),
    reason         VARCHAR(64)
);
INSERT INTO data_version (id, version, changed_at, reason) VALUES (1, 1, NULL, 'schema');
