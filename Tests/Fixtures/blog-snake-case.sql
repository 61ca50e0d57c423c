-- A Rails-style blog: snake_case plural tables, `id` keys, `xxx_id` foreign keys, a join
-- table with a composite key, a natural key (a country code) with a foreign key pointing at
-- it, a table without a primary key, and bad input on purpose: a table
-- named like a DSL keyword, columns whose names differ only in case after camel-casing, a
-- foreign key to a table that does not exist, a type ORMLab cannot map, a column without a type. Written for ORMLab's tests.
CREATE TABLE countries (
    code CHAR(2) PRIMARY KEY,
    name VARCHAR(100) NOT NULL
);
CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(200) UNIQUE,
    created_at DATETIME,
    country_code CHAR(2) REFERENCES countries(code)
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    body TEXT,
    published BOOLEAN NOT NULL DEFAULT 0,
    editor_id INTEGER REFERENCES authors(id)
);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name VARCHAR(50) NOT NULL UNIQUE
);
CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts(id),
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (post_id, tag_id)
);
CREATE TABLE schema_migrations (version VARCHAR(255) NOT NULL);
CREATE TABLE "index" (
    id INTEGER PRIMARY KEY,
    "entity" TEXT,
    user_name TEXT,
    "UserName" TEXT,
    legacy_ref INTEGER REFERENCES legacy_things(id),
    shape GEOMETRY,
    misc
);
CREATE INDEX index_posts_on_title ON posts(title);

INSERT INTO countries VALUES ('GB', 'United Kingdom'), ('US', 'United States');
INSERT INTO authors VALUES (1, 'Ada', 'ada@example.org', '2024-01-02 10:00:00', 'GB'), (2, 'Grace', 'grace@example.org', NULL, 'US');
INSERT INTO posts VALUES (1, 1, 'Engines', 'On analytical engines.', 1, 2), (2, 1, 'Notes', NULL, 0, NULL), (3, 2, 'Compilers', 'A-0 and after.', 1, 1);
INSERT INTO tags VALUES (1, 'history'), (2, 'computing');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (3, 2);
INSERT INTO schema_migrations VALUES ('20240101000000');
