//! The parser's tests: spellings that parse alike, quoted items, each bad term named, no panic.

use super::*;
use crate::market::query::tests::q;

#[test]
fn spellings_of_one_query_parse_alike() {
    let groups: &[&[&str]] = &[
        &["ram>=64", "ram >= 64", "ram >=64", "ram>= 64", "RAM>=64", "ram >= 64"],
        &["cc in [DE,NL]", "cc in [DE, NL]", "cc in [ DE , NL ]", "cc=[DE,NL]", "cc in[de,nl]", "CC IN [de nl]"],
        &["x2", "2x", "gpus>=2", "gpus >= 2"],
        &["<=0.5", "max=0.5", "price<=0.5", "price <= 0.5", "<= 0.5", "max = 0.5"],
        &["\"rtx 3090\"", "\"RTX  3090\"", "rtx3090", "geforce-rtx-3090"],
        &["rtx 3090", "RTX 3090"],
        &["reliability>=0.9", "reliability>=90", "reliability>=90%"],
        &["currency=btc", "currency=bitcoin", "currency=BTC"],
        &["4090 spot x2", "x2 spot 4090", "SPOT 4090 X2"],
        &["gpus==2", "gpus=2"],
    ];
    for group in groups {
        let first = q(group[0]);
        for text in &group[1..] {
            assert_eq!(q(text), first, "{text:?} vs {:?}", group[0]);
        }
    }
}

#[test]
fn from_terms_reads_quoted_items_as_phrases() {
    let terms = |ts: &[&str]| ts.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
    let cases: &[(&[&str], &str)] = &[
        (&["rtx 3090", "x2"], "\"rtx 3090\" x2"),
        (&["cc", "in", "[DE,", "NL]"], "cc in [DE, NL]"),
        (&["ram", ">=", "64"], "ram>=64"),
        (&["4090", "spot"], "4090 spot"),
        // A phrase with a space is a model even if it reads like a keyword or expression.
        (&["ram >= 64"], "\"ram >= 64\""),
    ];
    for (ts, text) in cases {
        assert_eq!(Query::from_terms(&terms(ts)), Ok(q(text)), "{ts:?}");
    }
    assert_eq!(
        Query::from_terms(&terms(&["4090", ""])),
        Err(QueryError { term: "\"\"".to_owned(), problem: "a model name can't be empty".to_owned() })
    );
}

#[test]
fn errors_name_the_term() {
    // (query, the term named, a part of the problem)
    let cases = [
        ("foo=1", "foo=1", "unknown field `foo`; fields are gpus, price, ram, vram, cpus, down, up, cc"),
        ("4090 bar>=2", "bar>=2", "unknown field `bar`"),
        ("ram>=lots", "ram>=lots", "`lots` is not a number"),
        ("ram >= lots", "ram >= lots", "`lots` is not a number"),
        ("ram>=-1", "ram>=-1", "finite number, 0 or more"),
        ("vram>=inf", "vram>=inf", "finite number"),
        ("<-1", "<-1", "not a price"),
        ("max=-0.5", "max=-0.5", "not a price"),
        ("price<NaN", "price<NaN", "not a price"),
        ("<inf", "<inf", "not a price"),
        ("<abc", "<abc", "`abc` is not a number"),
        ("=0.5", "=0.5", "a price bound is"),
        ("!=0.5", "!=0.5", "a price bound is"),
        ("max<0.5", "max<0.5", "only `=` works here"),
        ("currency=eur", "currency=eur", "unknown currency `eur`"),
        ("currency>usd", "currency>usd", "only `=`"),
        ("sort=cheap", "sort=cheap", "unknown sort key `cheap`"),
        ("sort=-gpus,bogus", "sort=-gpus,bogus", "unknown sort key `bogus`"),
        ("limit=0", "limit=0", "from 1 to 1000"),
        ("limit=1001", "limit=1001", "from 1 to 1000"),
        ("limit=ten", "limit=ten", "from 1 to 1000"),
        ("limit=-1", "limit=-1", "from 1 to 1000"),
        ("cc in [DE,NL", "cc in [DE,NL", "the `[` is never closed"),
        ("cc in [DE, NL", "cc in [DE, NL", "the `[` is never closed"),
        ("cc in [DE,NL]x", "cc in [DE,NL]x", "unexpected text after `]`"),
        ("cc in []", "cc in []", "the list is empty"),
        ("cc in DE", "cc in DE", "`in` takes a list"),
        ("cc<DE", "cc<DE", "cc compares only with =, != or in"),
        ("cc>=[DE]", "cc>=[DE]", "a list goes with `in`"),
        ("cc=DEU", "cc=DEU", "`DEU` is not a country code"),
        ("cc in [DE,N1]", "cc in [DE,N1]", "`N1` is not a country code"),
        ("cuda>=twelve", "cuda>=twelve", "not a CUDA version"),
        ("reliability>=101", "reliability>=101", "percentage up to 100"),
        ("reliability>=x%", "reliability>=x%", "`x` is not a number"),
        ("rating>6", "rating>6", "from 0 to 5"),
        ("ram>=", "ram>=", "missing value after `>=`"),
        ("4090 ram >=", "ram >=", "missing value after `>=`"),
        ("ram", "ram", "expected an operator and a value"),
        ("cuda 12", "cuda 12", "expected an operator"),
        ("cc in", "cc in", "missing value after `in`"),
        ("<", "<", "missing value after `<`"),
        ("x0", "x0", "at least 1 GPU"),
        ("0x", "0x", "at least 1 GPU"),
        ("x99999999999", "x99999999999", "more GPUs"),
        ("ram!64", "ram!64", "unknown operator"),
        ("4090 \"rtx 3090", "\"rtx 3090", "the quote is never closed"),
        ("\"\"", "\"\"", "a model name can't be empty"),
        ("🙂=1", "🙂=1", "unknown field `🙂`"),
    ];
    for (text, term, problem) in cases {
        match Query::parse(text) {
            Ok(query) => panic!("{text:?} should fail, parsed as {query:?}"),
            Err(e) => {
                assert_eq!(e.term, term, "term named for {text:?}");
                assert!(e.problem.contains(problem), "problem for {text:?}: {:?}", e.problem);
                assert_eq!(e.to_string(), format!("`{term}`: {}", e.problem));
            }
        }
    }
}

#[test]
fn never_panics() {
    let odd = [
        "",
        " ",
        "\"",
        "\"\"\"",
        "[",
        "]",
        "[[",
        "in",
        "cc in",
        "cc in [",
        "=",
        "==",
        "!",
        "<>",
        "<=>",
        "x",
        "xx",
        "x-1",
        "1x1",
        "🙂",
        "é=1",
        "ram>=é",
        "cc=é1",
        "cc in [é]",
        "sort=",
        "sort=,",
        "sort=-",
        "limit=",
        "currency=",
        "max=",
        "cuda>=.",
        "cuda>=1.2.3",
        "reliability>=%",
        "“rtx 3090”",
        "“",
        "\u{0}",
        "ﬀ=1",
    ];
    for text in odd {
        let _ = Query::parse(text);
        let _ = Query::from_terms(&text.split(' ').map(str::to_owned).collect::<Vec<_>>());
    }
    // Every sequence of up to three pieces of query syntax.
    let pieces = ["ram", ">=", "64", "in", "[DE,", "NL]", "[", "]", "<", "=", "x2", "\"", "cc", "sort=", "-gpus,"];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let _ = Query::parse(&format!("{a} {b} {c}"));
                let _ = Query::parse(&format!("{a}{b}{c}"));
            }
        }
    }
}
