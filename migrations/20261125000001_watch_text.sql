-- A watch is stored as what the user typed: `query` (its query terms, without the watch's own
-- words once/here/cooldown=/autorent …) and `currency` (the one its prices are in). The engine
-- parses that text again whenever it loads watches, so a change to the parsed form can no
-- longer silently invalidate stored watches; `query_parsed`, a serialized copy of the old
-- parsed form, goes.
--
-- A watch whose text no longer parses is turned off as broken: `broken_reason` says why (the
-- parser's message), `broken_at` when it was found; its owner is told once.

-- `query` was written by joining the terms with spaces and quoting those holding a space;
-- a term holding other white space (a tab or line break typed inside quotes) was written
-- unquoted, and would now read back as several model words instead of one phrase. Quote
-- every unquoted word that holds such white space (what Rust's `char::is_whitespace` calls
-- white space, space itself aside), as the parser now writes it.
DO $$
DECLARE
    w      RECORD;
    odd    CONSTANT TEXT := E'[\\t\\n\\v\\f\\r\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
    fixed  TEXT;
    word   TEXT;
    quoted BOOLEAN;
    c      TEXT;
BEGIN
    FOR w IN SELECT id, query FROM watches WHERE query ~ odd LOOP
        fixed := '';
        word := '';
        quoted := FALSE;
        FOREACH c IN ARRAY regexp_split_to_array(w.query, '') || NULL::text LOOP
            IF c IS NULL OR (c = ' ' AND NOT quoted) THEN
                -- The end of a word: quote it if it needs quotes and has none.
                IF word ~ odd AND word !~ '["“”]' THEN
                    word := '"' || word || '"';
                END IF;
                fixed := fixed || word || coalesce(c, '');
                word := '';
            ELSE
                IF c IN ('"', '“', '”') THEN
                    quoted := NOT quoted;
                END IF;
                word := word || c;
            END IF;
        END LOOP;
        IF fixed <> w.query THEN
            UPDATE watches SET query = fixed, updated_at = now() WHERE id = w.id;
        END IF;
    END LOOP;
END $$;

ALTER TABLE watches
    DROP COLUMN query_parsed,
    ADD COLUMN broken_reason TEXT,
    ADD COLUMN broken_at     TIMESTAMPTZ,
    ADD CONSTRAINT watches_broken_has_reason CHECK ((broken_at IS NULL) = (broken_reason IS NULL)),
    ADD CONSTRAINT watches_broken_is_off CHECK (broken_at IS NULL OR NOT active);
