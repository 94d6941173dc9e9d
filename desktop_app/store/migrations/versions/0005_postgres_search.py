"""Full-text search on PostgreSQL that answers like SQLite's FTS5 index.

SQLite searches an FTS5 index (``unicode61 remove_diacritics 2``): a token is a run of
letters, digits and private-use characters, lower-cased, with the accents of Latin
letters removed (Kyïv -> kyiv, São -> sao; Cyrillic й, Greek ά, ø, ß stay as they are);
every query word is a prefix. PostgreSQL gets the same tokens from
``sightline_words(text)`` (an IMMUTABLE SQL function) and keeps them in a ``tsvector``
column ``event.search_doc`` with a GIN index; a query is ``'word':* & ...``.

Why not ``to_tsvector`` and ``unaccent``: PostgreSQL's parser splits text differently
(hyphenated words, URLs, ``_``) and unaccent folds more than FTS5 (ø -> o, ß -> ss,
й -> и), so the same query would answer differently on the two backends. The token
class is written out as code point ranges so it does not depend on the server's
locale, and read from FTS5 itself (``store/fts5_chars.py``: its Unicode tables are not
Python's); case folding of the letters where it differs from
lower-casing (final sigma, long s) is spelled out; lower-casing uses the ICU root collation when the
server has ICU (Debian's and most packaged servers do), else the database's own.

``search_doc`` is filled after an import by ``store.search.refresh_index`` (as the FTS5
index is on SQLite), so a big COPY does not wait for it; searches compute the document
on the fly for rows not filled yet, so they never miss one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

from desktop_app.store.fts5_chars import fts5_classes, regex_class

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# FTS5 case-folds, PostgreSQL (before 18) only lower-cases: the letters where the two differ
# (the whole list, read from FTS5: see test_pg_words_split_and_fold_like_fts5)
_FOLD_FROM, _FOLD_TO = "ſẛςϐϑϕϖϰϱϵµ\u1fbe", "sṡσβθφπκρεμ\u03b9"  # noqa: RUF001


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    encoding = bind.exec_driver_sql("SHOW server_encoding").scalar()
    if str(encoding).upper() not in ("UTF8", "UTF-8"):
        raise RuntimeError(
            f"the database's encoding is {encoding}; Sightline needs a UTF8 database "
            "(CREATE DATABASE ... ENCODING 'UTF8')"
        )
    icu = (
        bind.exec_driver_sql("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'").first()
        is not None
    )
    collate = ' COLLATE "und-x-icu"' if icu else ""
    word, dropped = fts5_classes()
    # FTS5 drops these marks where they stand, and removes them from the Latin letters
    # that decompose into a letter a-z and them; other letters keep theirs (NFC again).
    # Only text with such Latin letters goes through NFD and back: the round trip would
    # change letters NFC does not recompose (Devanagari with nukta) and singletons
    marks = regex_class(dropped)
    bind.exec_driver_sql(f"""
CREATE FUNCTION sightline_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $fold$
SELECT CASE WHEN s ~ '[\u00c0-\u024f\u1e00-\u1eff]'
       THEN normalize(regexp_replace(normalize(s, NFD), '([a-z])[{marks}]+', '\\1', 'g'), NFC)
       ELSE s END
FROM (SELECT regexp_replace(translate(lower(t{collate}), '{_FOLD_FROM}', '{_FOLD_TO}'),
             '[{marks}]+', '', 'g') AS s) AS lowered
$fold$""")
    bind.exec_driver_sql(f"""
CREATE FUNCTION sightline_words(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $words$
SELECT array_remove(regexp_split_to_array(sightline_fold(t), '[^{regex_class(word)}]+'), '')
$words$""")
    bind.exec_driver_sql("""
CREATE FUNCTION sightline_search_doc(title text, description text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $doc$
SELECT array_to_tsvector(sightline_words(coalesce(title, '') || ' ' || coalesce(description, '')))
$doc$""")
    bind.exec_driver_sql("ALTER TABLE event ADD COLUMN search_doc tsvector")
    bind.exec_driver_sql("CREATE INDEX ix_event_search_doc ON event USING gin (search_doc)")
    # the rows a search must still read the slow way (an import not yet indexed)
    bind.exec_driver_sql(
        "CREATE INDEX ix_event_search_pending ON event (id) WHERE search_doc IS NULL"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql("ALTER TABLE event DROP COLUMN search_doc")
    for name in (
        "sightline_search_doc(text, text)",
        "sightline_words(text)",
        "sightline_fold(text)",
    ):
        bind.exec_driver_sql(f"DROP FUNCTION {name}")
