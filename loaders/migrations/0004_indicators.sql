-- 0004: locality indicators (the leadership-effectiveness index), reporting obligations and the
-- receipts that show who reported on time. Portable SQLite + PostgreSQL SQL ({{ID}}, see 0001).
-- indicators keeps history like status: a replaced row points at its successor (superseded_by);
-- import_id names the import that wrote it. report_receipts holds receipts that no import wrote
-- (the illustrative fill's): the receipts of imports are their indicator rows joined with the
-- import history (time, user), so a rollback removes them with the rows.

CREATE TABLE indicators (
    id               {{ID}},
    record_id        VARCHAR(200) NOT NULL,
    vintage          VARCHAR(32)  NOT NULL,
    unit_code        VARCHAR(16)  NOT NULL,
    admin_level      VARCHAR(16)  NOT NULL,
    period           VARCHAR(8)   NOT NULL,
    indicator        VARCHAR(40)  NOT NULL,
    value            REAL         NOT NULL,
    qualifier        VARCHAR(16)  NOT NULL,
    basis            VARCHAR(16)  NOT NULL,
    definition       VARCHAR(16),
    source_id        VARCHAR(128),
    provenance       VARCHAR(16)  NOT NULL,
    note             TEXT,
    import_id        INTEGER,
    superseded_by    INTEGER,
    created_at       TIMESTAMP    DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_indicators_current ON indicators (record_id) WHERE superseded_by IS NULL;
CREATE INDEX ix_indicators_unit ON indicators (vintage, unit_code, period);
CREATE INDEX ix_indicators_import ON indicators (import_id);

CREATE TABLE report_receipts (
    id               {{ID}},
    import_id        INTEGER,
    vintage          VARCHAR(32)  NOT NULL,
    unit_code        VARCHAR(16)  NOT NULL,
    period           VARCHAR(8)   NOT NULL,
    received_at      VARCHAR(32)  NOT NULL,
    username         VARCHAR(200),
    provenance       VARCHAR(16)  NOT NULL,
    note             TEXT
);
CREATE INDEX ix_receipts_unit ON report_receipts (vintage, unit_code, period);
CREATE INDEX ix_receipts_import ON report_receipts (import_id);

CREATE TABLE obligations (
    obligation_id    VARCHAR(80)  PRIMARY KEY,
    province_code    VARCHAR(8)   NOT NULL,
    applies_to       VARCHAR(16)  NOT NULL,
    frequency        VARCHAR(16)  NOT NULL,
    due_day          INTEGER,
    due_date         VARCHAR(10),
    in_force_from    VARCHAR(10),
    in_force_to      VARCHAR(10),
    tracked_by       VARCHAR(32),
    source_id        VARCHAR(128),
    section          VARCHAR(32),
    title_vi         TEXT         NOT NULL,
    title_en         TEXT         NOT NULL,
    quote            TEXT,
    note             TEXT
);
