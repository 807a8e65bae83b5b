-- 0001: reference tables (vintages, units, crosswalk, criteria) and sourced records
-- (sources, status, targets, aggregates). Portable SQLite + PostgreSQL SQL.
-- {{ID}} is the only dialect token: the runner replaces it with an auto-increment primary key.
-- Status and target rows keep history: a replaced row points at its successor (superseded_by);
-- import_id (nullable) names the import that wrote the row, so an import can be rolled back.

CREATE TABLE vintages (
    vintage        VARCHAR(32) PRIMARY KEY,
    province_code  VARCHAR(8)  NOT NULL,
    province_name  TEXT        NOT NULL,
    valid_from     VARCHAR(10),
    valid_to       VARCHAR(10),
    n_communes     INTEGER     NOT NULL,
    n_districts    INTEGER     NOT NULL,
    layer          TEXT
);

CREATE TABLE units (
    vintage        VARCHAR(32) NOT NULL,
    unit_code      VARCHAR(16) NOT NULL,
    admin_level    VARCHAR(16) NOT NULL,
    name           TEXT        NOT NULL,
    unit_type      VARCHAR(16) NOT NULL,
    parent_code    VARCHAR(16),
    province_code  VARCHAR(8)  NOT NULL,
    PRIMARY KEY (vintage, unit_code)
);

CREATE TABLE crosswalk (
    from_vintage   VARCHAR(32) NOT NULL,
    from_code      VARCHAR(16) NOT NULL,
    to_vintage     VARCHAR(32) NOT NULL,
    to_code        VARCHAR(16) NOT NULL,
    relation       VARCHAR(16) NOT NULL,
    inferred       BOOLEAN     NOT NULL,
    note           TEXT,
    PRIMARY KEY (from_vintage, from_code, to_vintage)
);

CREATE TABLE criteria (
    criteria_set   VARCHAR(16) NOT NULL,
    criterion_id   VARCHAR(8)  NOT NULL,
    name_vi        TEXT        NOT NULL,
    name_en        TEXT        NOT NULL,
    group_id       VARCHAR(8),
    group_vi       TEXT,
    group_en       TEXT,
    scope          VARCHAR(16) NOT NULL,
    note           TEXT,
    PRIMARY KEY (criteria_set, criterion_id)
);

CREATE TABLE sources (
    source_id      VARCHAR(128) PRIMARY KEY,
    kind           VARCHAR(16),
    title          TEXT,
    issuer         TEXT,
    doc_number     TEXT,
    doc_date       VARCHAR(32),
    url            TEXT,
    published      VARCHAR(32),
    note           TEXT
);

CREATE TABLE status (
    id               {{ID}},
    record_id        VARCHAR(160) NOT NULL,
    vintage          VARCHAR(32)  NOT NULL,
    unit_code        VARCHAR(16)  NOT NULL,
    admin_level      VARCHAR(16)  NOT NULL,
    year             INTEGER      NOT NULL,
    level            VARCHAR(16)  NOT NULL,
    criteria_set     VARCHAR(16),
    criteria_met     INTEGER,
    criteria_total   INTEGER,
    missing_criteria TEXT,
    decision_no      TEXT,
    decision_date    VARCHAR(32),
    source_id        VARCHAR(128),
    provenance       VARCHAR(16)  NOT NULL,
    derived_from     VARCHAR(160),
    note             TEXT,
    import_id        INTEGER,
    superseded_by    INTEGER,
    created_at       TIMESTAMP    DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_status_current ON status (record_id) WHERE superseded_by IS NULL;
CREATE INDEX ix_status_unit ON status (vintage, unit_code, year);
CREATE INDEX ix_status_import ON status (import_id);

CREATE TABLE targets (
    id               {{ID}},
    target_id        VARCHAR(160) NOT NULL,
    scope            VARCHAR(16)  NOT NULL,
    vintage          VARCHAR(32),
    unit_code        VARCHAR(16),
    admin_level      VARCHAR(16),
    level            VARCHAR(16),
    target_year      INTEGER,
    target_share     REAL,
    target_count     INTEGER,
    source_id        VARCHAR(128),
    provenance       VARCHAR(16)  NOT NULL,
    note             TEXT,
    import_id        INTEGER,
    superseded_by    INTEGER,
    created_at       TIMESTAMP    DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ux_targets_current ON targets (target_id) WHERE superseded_by IS NULL;
CREATE INDEX ix_targets_import ON targets (import_id);

CREATE TABLE aggregates (
    aggregate_id     VARCHAR(160) PRIMARY KEY,
    area_code        VARCHAR(16)  NOT NULL,
    admin_level      VARCHAR(16)  NOT NULL,
    year             INTEGER,
    as_of            VARCHAR(32),
    metric           VARCHAR(32)  NOT NULL,
    value            REAL,
    denominator      REAL,
    source_id        VARCHAR(128),
    provenance       VARCHAR(16)  NOT NULL,
    note             TEXT
);
