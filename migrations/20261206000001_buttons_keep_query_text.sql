-- Buttons keep a market query as text, parsed again when pressed (as watches keep theirs),
-- no longer its parsed form serialized: a refactor of the parser must not break buttons
-- already sent. This converts the buttons in `pending_actions` stored the old way. Running
-- it again changes nothing; on an empty table it does nothing.
--
-- confirm_watch (an auto-rent watch's Confirm): the payload held the parsed form in `query`
-- beside `query_text`, the terms as typed, which the watch stores. The parsed form was that
-- text parsed, plus the currency /watch fixed; so the text stays, the currency moves to
-- `currency`, and the parsed form goes. Nothing is lost.
UPDATE pending_actions
SET payload = (payload - 'query') || jsonb_build_object('currency', payload #> '{query,currency}')
WHERE payload ->> 'kind' = 'confirm_watch'
  AND payload ? 'query'
  AND jsonb_typeof(payload -> 'query_text') = 'string'
  AND payload #>> '{query,currency}' IN ('bitcoin', 'CLORE-Blockchain', 'USD-Blockchain');

-- gpus_page (a /gpus listing's Next and Prev): the payload held only the parsed form, which
-- does not keep the text typed. It keeps everything the text said, though, and that can be
-- written back in the query language: each model phrase (its normalised words: normalising
-- them again gives the same words), each condition as `field op value` (`field=[a,b]` for
-- `in`), `spot`, `all`, `currency=`, `sort=`, `limit=`. Numbers are written as the decimal
-- stored, which reads back as the very same number. The text replaces the parsed form as
-- `query_text`.
--
-- A payload whose text cannot be written faithfully is expired instead (a page button lives
-- an hour at most; pressing it now says it expired, and running /gpus again gives a fresh
-- one): a shape this does not know (an older version's, an unknown field, operator, value or
-- currency), a value the parser would not take back as it is (out of range), a model word
-- that would not normalise to itself (holding a quote, white space, `-` or `_`: normalised
-- words never do), or a text over the parser's limits (24 terms, 300 characters; a number
-- of 300 digits, say).
DO $$
DECLARE
    r      RECORD;
    q      JSONB;
    c      JSONB;
    k      JSONB;
    terms  TEXT[];
    vals   TEXT[];
    words  TEXT;
    val    TEXT;
    num    NUMERIC;
    field  TEXT;
    op     TEXT;
    ok     BOOLEAN;
    -- The names the parser reads as fields (the first twelve) or settings, never as a model.
    names  CONSTANT TEXT[] := ARRAY['gpus', 'price', 'ram', 'vram', 'cpus', 'down', 'up', 'cc', 'reliability',
                                    'rating', 'mrl', 'cuda', 'max', 'currency', 'sort', 'limit'];
    fields CONSTANT TEXT[] := names[1:12];
BEGIN
    FOR r IN
        SELECT token, payload FROM pending_actions
        WHERE payload ->> 'kind' = 'gpus_page' AND payload ? 'query'
    LOOP
        -- Every check that could fail on an unexpected shape is its own statement: SQL does
        -- not promise to evaluate AND and OR in order.
        q := r.payload -> 'query';
        terms := ARRAY[]::TEXT[];
        ok := jsonb_typeof(q) = 'object';
        IF ok THEN
            ok := coalesce((SELECT array_agg(key ORDER BY key COLLATE "C") FROM jsonb_object_keys(q) AS key)
                               = ARRAY['conds', 'currency', 'include_rented', 'limit', 'models', 'sort', 'spot']
                           AND jsonb_typeof(q -> 'models') = 'object'
                           AND jsonb_typeof(q #> '{models,phrases}') = 'array'
                           AND jsonb_typeof(q -> 'conds') = 'array'
                           AND jsonb_typeof(q -> 'spot') = 'boolean'
                           AND jsonb_typeof(q -> 'include_rented') = 'boolean'
                           AND jsonb_typeof(q -> 'currency') IN ('null', 'string')
                           AND jsonb_typeof(q -> 'sort') = 'array'
                           AND jsonb_typeof(q -> 'limit') IN ('null', 'number'), FALSE);
        END IF;
        IF ok THEN
            ok := (SELECT count(*) FROM jsonb_object_keys(q -> 'models')) = 1;
        END IF;

        -- Model phrases: their words joined by spaces (a phrase with a space is read whole
        -- as a model). One word the parser would read as something else (`spot`, `x2`,
        -- `ram`, `a=b`), which only a quoted phrase with a space in it made, keeps a space.
        IF ok THEN
            FOR c IN SELECT value FROM jsonb_array_elements(q #> '{models,phrases}') LOOP
                IF jsonb_typeof(c) <> 'array' THEN
                    ok := FALSE;
                    EXIT;
                END IF;
                IF EXISTS (SELECT 1 FROM jsonb_array_elements(c) AS w(v)
                           WHERE jsonb_typeof(w.v) <> 'string' OR w.v #>> '{}' = ''
                              OR w.v #>> '{}' ~ '["“”[:space:]_-]') THEN
                    ok := FALSE;
                    EXIT;
                END IF;
                SELECT string_agg(w.v, ' ' ORDER BY w.n) INTO words
                FROM jsonb_array_elements_text(c) WITH ORDINALITY AS w(v, n);
                CONTINUE WHEN words IS NULL;  -- an empty phrase constrains nothing
                IF position(' ' IN words) = 0
                   AND (words IN ('spot', 'ondemand', 'on-demand', 'all')
                        OR words ~ '^(x[0-9]+|[0-9]+x)$'
                        OR words ~ '[<>=!]'
                        OR words = ANY (names)) THEN
                    words := words || ' ';
                END IF;
                terms := terms || words;
            END LOOP;
        END IF;

        -- Conditions: `field op value`, or `field=[a,b]` for `in`; only values the parser
        -- takes back as they are.
        IF ok THEN
            FOR c IN SELECT value FROM jsonb_array_elements(q -> 'conds') LOOP
                IF jsonb_typeof(c) <> 'object' THEN
                    ok := FALSE;
                    EXIT;
                END IF;
                field := c ->> 'field';
                op := c ->> 'op';
                ok := coalesce((SELECT count(*) FROM jsonb_object_keys(c)) = 3
                               AND field = ANY (fields)
                               AND op IN ('Eq', 'Ne', 'Lt', 'Le', 'Gt', 'Ge', 'In')
                               AND jsonb_typeof(c -> 'values') = 'array'
                               AND NOT (field = 'cc' AND op NOT IN ('Eq', 'Ne', 'In')), FALSE);
                IF ok THEN
                    ok := CASE WHEN op = 'In' THEN jsonb_array_length(c -> 'values') > 0
                               ELSE jsonb_array_length(c -> 'values') = 1 END;
                END IF;
                EXIT WHEN NOT ok;
                vals := ARRAY[]::TEXT[];
                FOR k IN SELECT value FROM jsonb_array_elements(c -> 'values') LOOP
                    val := NULL;
                    num := NULL;
                    IF jsonb_typeof(k) <> 'object' THEN
                        ok := FALSE;
                        EXIT;
                    END IF;
                    IF (SELECT count(*) FROM jsonb_object_keys(k)) = 1 THEN
                        IF jsonb_typeof(k -> 'Num') = 'number' THEN
                            num := (k ->> 'Num')::NUMERIC;
                        END IF;
                        IF field = 'cc' THEN
                            val := substring(k ->> 'Text' FROM '^[A-Z]{2}$');
                        ELSIF field = 'cuda' THEN
                            IF jsonb_typeof(k -> 'Version') = 'array' THEN
                                IF jsonb_array_length(k -> 'Version') = 2
                                   AND k #>> '{Version,0}' ~ '^[0-9]{1,9}$' AND k #>> '{Version,1}' ~ '^[0-9]{1,9}$' THEN
                                    val := (k #>> '{Version,0}') || '.' || (k #>> '{Version,1}');
                                END IF;
                            END IF;
                        ELSIF num >= 0
                              AND NOT (field = 'reliability' AND num > 1)
                              AND NOT (field = 'rating' AND num > 5)
                              AND NOT (field = 'price' AND op IN ('Lt', 'Le') AND num = 0) THEN
                            val := k ->> 'Num';
                        END IF;
                    END IF;
                    IF val IS NULL THEN
                        ok := FALSE;
                        EXIT;
                    END IF;
                    vals := vals || val;
                END LOOP;
                EXIT WHEN NOT ok;
                terms := terms || CASE op
                    WHEN 'In' THEN field || '=[' || array_to_string(vals, ',') || ']'
                    WHEN 'Eq' THEN field || '=' || vals[1]
                    WHEN 'Ne' THEN field || '!=' || vals[1]
                    WHEN 'Lt' THEN field || '<' || vals[1]
                    WHEN 'Le' THEN field || '<=' || vals[1]
                    WHEN 'Gt' THEN field || '>' || vals[1]
                    WHEN 'Ge' THEN field || '>=' || vals[1]
                END;
            END LOOP;
        END IF;

        -- Settings.
        IF ok THEN
            IF (q -> 'spot')::BOOLEAN THEN
                terms := terms || 'spot'::TEXT;
            END IF;
            IF (q -> 'include_rented')::BOOLEAN THEN
                terms := terms || 'all'::TEXT;
            END IF;
            CASE coalesce(q ->> 'currency', '')
                WHEN '' THEN NULL;
                WHEN 'bitcoin' THEN terms := terms || 'currency=btc'::TEXT;
                WHEN 'CLORE-Blockchain' THEN terms := terms || 'currency=clore'::TEXT;
                WHEN 'USD-Blockchain' THEN terms := terms || 'currency=usd'::TEXT;
                ELSE ok := FALSE;
            END CASE;
        END IF;
        IF ok AND jsonb_array_length(q -> 'sort') > 0 THEN
            IF EXISTS (SELECT 1 FROM jsonb_array_elements(q -> 'sort') AS s(key)
                       WHERE NOT coalesce(jsonb_typeof(s.key) = 'object'
                                          AND jsonb_typeof(s.key -> 'descending') = 'boolean'
                                          AND (jsonb_typeof(s.key -> 'field') = 'null'
                                               OR s.key ->> 'field' = ANY (fields)), FALSE)) THEN
                ok := FALSE;
            ELSE
                terms := terms || ('sort=' || (
                    SELECT string_agg(CASE WHEN s.key ->> 'descending' = 'true' THEN '-' ELSE '' END
                                      || coalesce(s.key ->> 'field', 'id'), ',' ORDER BY s.n)
                    FROM jsonb_array_elements(q -> 'sort') WITH ORDINALITY AS s(key, n)));
            END IF;
        END IF;
        IF ok AND jsonb_typeof(q -> 'limit') = 'number' THEN
            IF q ->> 'limit' ~ '^[0-9]{1,4}$' THEN
                ok := (q ->> 'limit')::INTEGER BETWEEN 1 AND 1000;
            ELSE
                ok := FALSE;
            END IF;
            IF ok THEN
                terms := terms || ('limit=' || (q ->> 'limit'));
            END IF;
        END IF;

        -- The parser's limits: at most 24 terms of at most 300 characters, counting one
        -- separator after each.
        ok := ok AND coalesce(array_length(terms, 1), 0) <= 24
              AND (SELECT coalesce(sum(char_length(t) + 1), 0) FROM unnest(terms) AS t) <= 300;

        IF ok THEN
            -- Joined as `market::query::join_terms` joins: a term with a space is quoted.
            UPDATE pending_actions
            SET payload = (payload - 'query') || jsonb_build_object('query_text', (
                SELECT coalesce(string_agg(CASE WHEN position(' ' IN t) > 0 THEN '"' || t || '"' ELSE t END,
                                           ' ' ORDER BY n), '')
                FROM unnest(terms) WITH ORDINALITY AS u(t, n)))
            WHERE token = r.token;
        ELSE
            UPDATE pending_actions SET expires_at = LEAST(expires_at, now()) WHERE token = r.token;
        END IF;
    END LOOP;
END $$;

-- A Confirm left unconverted above (a shape this does not know) expires too: pressed, it
-- says the button expired, and nothing is done.
UPDATE pending_actions SET expires_at = LEAST(expires_at, now())
WHERE payload ->> 'kind' = 'confirm_watch' AND payload ? 'query' AND expires_at > now();
