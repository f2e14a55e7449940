-- newsgraph store schema. Bump SCHEMA_VERSION in store/__init__.py with any change;
-- every statement must be idempotent (CREATE ... IF NOT EXISTS) so that opening an
-- older store upgrades it in place.
-- schema_version: 4

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS documents (
    id               VARCHAR PRIMARY KEY,
    url              VARCHAR,
    source           VARCHAR,
    title            VARCHAR,
    published        VARCHAR,   -- ISO-8601 as precise as known
    published_date   DATE,      -- for range queries
    modified         VARCHAR,
    language         VARCHAR,
    authors          JSON,
    text             VARCHAR NOT NULL,
    origin           VARCHAR,
    metadata         JSON,
    captions         JSON,
    boilerplate      JSON,
    gaps             JSON,
    tone             DOUBLE,
    record           JSON,      -- the full document record (RECORD.md), as analyze --json prints it
    content_hash     VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    ingested_at      TIMESTAMP NOT NULL,
    stages           JSON       -- the stages that ran on it (English-only ones are not run on other languages)
);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS stages JSON;

CREATE TABLE IF NOT EXISTS entities (
    doc_id   VARCHAR NOT NULL,
    entity   INTEGER NOT NULL,   -- index within the document
    name     VARCHAR NOT NULL,
    type     VARCHAR NOT NULL,
    kb_id    VARCHAR,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (doc_id, entity)
);

CREATE TABLE IF NOT EXISTS mentions (
    doc_id  VARCHAR NOT NULL,
    entity  INTEGER NOT NULL,
    start   INTEGER NOT NULL,
    "end"   INTEGER NOT NULL,
    text    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS quotes (
    doc_id       VARCHAR NOT NULL,
    quote        INTEGER NOT NULL,
    speaker      VARCHAR,
    speaker_start INTEGER,
    speaker_end  INTEGER,
    cue_start    INTEGER,
    cue_end      INTEGER,
    start        INTEGER NOT NULL,
    "end"        INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,
    content      VARCHAR NOT NULL,
    speaker_entity INTEGER      -- index of the speaker in the document's entities, when linked
);
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS speaker_entity INTEGER;

CREATE TABLE IF NOT EXISTS places (
    doc_id    VARCHAR NOT NULL,
    place     INTEGER NOT NULL,
    name      VARCHAR NOT NULL,
    geonameid BIGINT,
    lat       DOUBLE,
    lon       DOUBLE,
    country   VARCHAR,
    feature   VARCHAR,
    role      VARCHAR,
    mentions  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS place_mentions (
    doc_id VARCHAR NOT NULL,
    place  INTEGER NOT NULL,
    start  INTEGER NOT NULL,
    "end"  INTEGER NOT NULL,
    text   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
    doc_id      VARCHAR NOT NULL,
    event       INTEGER NOT NULL,
    code        VARCHAR NOT NULL,
    cameo       VARCHAR,
    source      VARCHAR,
    source_name VARCHAR,
    target      VARCHAR,
    target_name VARCHAR,
    mode        VARCHAR,
    factuality  VARCHAR NOT NULL,
    date        VARCHAR,
    place       VARCHAR,   -- the place's name; the place_* columns locate it
    goldstein   DOUBLE,
    quad_class  INTEGER,
    reported_by VARCHAR,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    place_geonameid BIGINT,
    place_lat       DOUBLE,
    place_lon       DOUBLE,
    place_country   VARCHAR,   -- ISO 3166-1 alpha-2
    place_feature   VARCHAR
);
ALTER TABLE events ADD COLUMN IF NOT EXISTS place_geonameid BIGINT;
ALTER TABLE events ADD COLUMN IF NOT EXISTS place_lat DOUBLE;
ALTER TABLE events ADD COLUMN IF NOT EXISTS place_lon DOUBLE;
ALTER TABLE events ADD COLUMN IF NOT EXISTS place_country VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS place_feature VARCHAR;

CREATE TABLE IF NOT EXISTS counts (
    doc_id    VARCHAR NOT NULL,
    count     INTEGER NOT NULL,
    type      VARCHAR NOT NULL,
    number    BIGINT NOT NULL,
    qualifier VARCHAR,
    object    VARCHAR,
    place     VARCHAR,   -- the place's name; the place_* columns locate it
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    place_geonameid BIGINT,
    place_lat       DOUBLE,
    place_lon       DOUBLE,
    place_country   VARCHAR,
    place_feature   VARCHAR
);
ALTER TABLE counts ADD COLUMN IF NOT EXISTS place_geonameid BIGINT;
ALTER TABLE counts ADD COLUMN IF NOT EXISTS place_lat DOUBLE;
ALTER TABLE counts ADD COLUMN IF NOT EXISTS place_lon DOUBLE;
ALTER TABLE counts ADD COLUMN IF NOT EXISTS place_country VARCHAR;
ALTER TABLE counts ADD COLUMN IF NOT EXISTS place_feature VARCHAR;

CREATE TABLE IF NOT EXISTS dates (
    doc_id VARCHAR NOT NULL,
    text   VARCHAR NOT NULL,
    start  INTEGER NOT NULL,
    "end"  INTEGER NOT NULL,
    value  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS event_actors (
    doc_id VARCHAR NOT NULL,
    event  INTEGER NOT NULL,   -- index of the event within the document
    role   VARCHAR NOT NULL,   -- source | target
    code   VARCHAR,            -- CAMEO-style actor code (RUSGOV)
    name   VARCHAR,
    start  INTEGER,
    "end"  INTEGER
);

-- schema 3: what went wrong but did not lose the document ("E300 places: ..."), as a JSON list
ALTER TABLE documents ADD COLUMN IF NOT EXISTS warnings JSON;

-- stories: documents that report the same real-world event (newsgraph.stories)
CREATE TABLE IF NOT EXISTS stories (
    story_id   VARCHAR PRIMARY KEY,   -- a hash of the first member's document id
    title      VARCHAR,               -- the first member's title (or first line)
    first_seen VARCHAR,               -- ISO date of the earliest dated member
    last_seen  VARCHAR,
    n_articles INTEGER,
    n_sources  INTEGER,
    updated    VARCHAR                -- when the story was last written
);

CREATE TABLE IF NOT EXISTS story_members (
    story_id VARCHAR NOT NULL,
    doc_id   VARCHAR NOT NULL,
    score    DOUBLE                   -- probability of the match when the document joined (1.0: it started the story)
);

-- schema 5: documents assigned by a stream and not yet revised by the repair pass
-- (StoryAssigner.repair at the end of each ingest; a killed run's are repaired by the next)
CREATE TABLE IF NOT EXISTS story_unrepaired (
    doc_id VARCHAR PRIMARY KEY
);

-- issue 11: merged events (the reports of one event across the articles of a story)
CREATE TABLE IF NOT EXISTS merged_events (
    event_id        VARCHAR PRIMARY KEY,
    story_id        VARCHAR,
    code            VARCHAR,
    cameo           VARCHAR,
    source          VARCHAR,
    source_name     VARCHAR,
    target          VARCHAR,
    target_name     VARCHAR,
    date            VARCHAR,
    place           VARCHAR,
    place_geonameid BIGINT,
    place_lat       DOUBLE,
    place_lon       DOUBLE,
    place_country   VARCHAR,
    place_feature   VARCHAR,
    factuality      VARCHAR,
    goldstein       DOUBLE,
    quad_class      INTEGER,
    n_reports       INTEGER,
    n_articles      INTEGER,
    n_sources       INTEGER,
    first_seen      VARCHAR,
    last_seen       VARCHAR
);

-- each report (a row of events, by doc_id + event index) and the merged event it belongs to
CREATE TABLE IF NOT EXISTS event_reports (
    event_id VARCHAR NOT NULL,
    doc_id   VARCHAR NOT NULL,
    event    INTEGER NOT NULL
);

-- issue 11: one id for a person or organisation across documents
CREATE TABLE IF NOT EXISTS entity_ids (
    entity_id   VARCHAR PRIMARY KEY,
    name        VARCHAR,
    type        VARCHAR,
    n_documents INTEGER
);
ALTER TABLE entities ADD COLUMN IF NOT EXISTS entity_id VARCHAR;
