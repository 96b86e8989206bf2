//! Docker image references checked against the grammar `docker pull` uses, from
//! distribution/reference (`reference.go`'s grammar, `regexp.go`'s patterns, commit 0965666):
//!
//! ```text
//! reference        := name [ ":" tag ] [ "@" digest ]
//! name             := [domain '/'] path-component ['/' path-component]*
//! domain           := host [':' port-number]
//! host             := domain-name | '[' IPv6address ']'        ; [a-fA-F0-9:]+ inside
//! domain-name      := domain-component ['.' domain-component]*
//! domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//! port-number      := /[0-9]+/
//! path-component   := /[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*/
//! tag              := /[\w][\w.-]{0,127}/
//! digest           := /[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}/
//! ```
//!
//! Written by hand: the productions are small, and the crates that parse references also
//! rewrite them (`ubuntu` → `docker.io/library/ubuntu`), which Clore should receive as typed.
//! Like the regular expression, a name is valid if it reads either as a domain and a path or
//! as a path alone (`ghcr.io/org/img` reads both ways).

/// The part of a reference that breaks the grammar, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem<'a> {
    /// A path component (`..`, `-rm`, `Case`, or an empty one between two `/`).
    Component(&'a str),
    /// A first part that only a registry could be (it has a `:` or `[`) but is not one.
    Registry(&'a str),
    Tag(&'a str),
    Digest(&'a str),
}

/// Checks `reference` (already trimmed and length-checked) against the grammar above.
pub fn check(reference: &str) -> Result<(), Problem<'_>> {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    if let Some(d) = digest
        && !is_digest(d)
    {
        return Err(Problem::Digest(d));
    }
    // A tag follows the last `:` after the last `/`; a port's `:` always has a `/` after it.
    let last = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last..].rfind(':') {
        Some(i) => (&rest[..last + i], Some(&rest[last + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag
        && !is_tag(t)
    {
        return Err(Problem::Tag(t));
    }
    check_name(name)
}

/// `[domain '/'] path-component ['/' path-component]*`, read both ways as the regular
/// expression does.
fn check_name(name: &str) -> Result<(), Problem<'_>> {
    let Some(bad) = bad_component(name) else { return Ok(()) };
    if let Some((first, path)) = name.split_once('/') {
        if is_domain(first) {
            return bad_component(path).map_or(Ok(()), |b| Err(Problem::Component(b)));
        }
        if first.contains([':', '[']) {
            return Err(Problem::Registry(first));
        }
    }
    Err(Problem::Component(bad))
}

/// The first `/`-separated part of `path` that is not a path component.
fn bad_component(path: &str) -> Option<&str> {
    path.split('/').find(|c| !is_path_component(c))
}

/// `[a-z0-9]+` runs joined by one `.`, one `_`, `__`, or any number of `-`.
fn is_path_component(c: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let b = c.as_bytes();
    if !b.first().is_some_and(|&x| alnum(x)) || !b.last().is_some_and(|&x| alnum(x)) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &b[start..i];
        if !(matches!(sep, b"." | b"_" | b"__") || sep.iter().all(|&x| x == b'-')) {
            return false;
        }
    }
    true
}

/// `host[:port]`: dot-separated DNS labels (letters, digits, inner dashes) or `[ipv6]`.
fn is_domain(d: &str) -> bool {
    let (host, port) = if let Some(inner) = d.strip_prefix('[') {
        let Some((ip, after)) = inner.split_once(']') else { return false };
        if ip.is_empty() || !ip.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        match after {
            "" => return true,
            p => ("", p.strip_prefix(':').unwrap_or("x")),
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, p),
            None => (d, "0"),
        }
    };
    let label = |l: &str| {
        let b = l.as_bytes();
        b.first().is_some_and(u8::is_ascii_alphanumeric)
            && b.last().is_some_and(u8::is_ascii_alphanumeric)
            && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
    };
    let host_ok = d.starts_with('[') || host.split('.').all(label);
    host_ok && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
}

/// `[\w][\w.-]{0,127}`.
fn is_tag(t: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let b = t.as_bytes();
    (1..=128).contains(&b.len()) && word(b[0]) && b.iter().all(|&x| word(x) || x == b'.' || x == b'-')
}

/// `algorithm:hex`, the algorithm's parts joined by one of `- _ + .`, at least 32 hex digits.
fn is_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else { return false };
    let part = |p: &str| {
        let b = p.as_bytes();
        b.first().is_some_and(u8::is_ascii_alphabetic) && b.iter().all(u8::is_ascii_alphanumeric)
    };
    alg.split(['-', '_', '+', '.']).all(part) && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    // The tables of distribution/reference's own tests (regexp_test.go, commit 0965666),
    // as written there: what each production must match, and must not.
    /// `TestDomainRegexp` in regexp_test.go.
    const DOMAIN: &[(&str, bool)] = &[
        ("test.com", true),
        ("test.com:10304", true),
        ("test.com:http", false),
        ("localhost", true),
        ("localhost:8080", true),
        ("a", true),
        ("a.b", true),
        ("ab.cd.com", true),
        ("a-b.com", true),
        ("-ab.com", false),
        ("ab-.com", false),
        ("ab.c-om", true),
        ("ab.-com", false),
        ("ab.com-", false),
        ("0101.com", true),
        ("001a.com", true),
        ("b.gbc.io:443", true),
        ("b.gbc.io", true),
        ("xn--n3h.com", true),
        ("Asdf.com", true),
        ("192.168.1.1:75050", true),
        ("192.168.1.1:750050", true),
        ("[fd00:1:2::3]:75050", true),
        ("[fd00:1:2::3]75050", false),
        ("[fd00:1:2::3]::75050", false),
        ("[fd00:1:2::3%eth0]:75050", false),
        ("[fd00123123123]:75050", true),
        ("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050", true),
        ("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505", true),
        ("fd00:1:2::3:75050", false),
    ];
    /// `TestFullNameRegexp` in regexp_test.go.
    const NAME: &[(&str, bool)] = &[
        ("", false),
        ("short", true),
        ("simple/name", true),
        ("library/ubuntu", true),
        ("docker/stevvooe/app", true),
        ("aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb", true),
        ("aa/aa/bb/bb/bb", true),
        ("a/a/a/a", true),
        ("a/a/a/a/", false),
        ("a//a/a", false),
        ("a", true),
        ("a/aa", true),
        ("a/aa/a", true),
        ("foo.com", true),
        ("foo.com/", false),
        ("foo.com:8080/bar", true),
        ("foo.com:http/bar", false),
        ("foo.com/bar", true),
        ("foo.com/bar/baz", true),
        ("localhost:8080/bar", true),
        ("sub-dom1.foo.com/bar/baz/quux", true),
        ("blog.foo.com/bar/baz", true),
        ("a^a", false),
        ("aa/asdf$$^/aa", false),
        ("asdf$$^/aa", false),
        ("aa-a/a", true),
        (
            "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a",
            true,
        ),
        ("a-/a/a/a", false),
        ("foo.com/a-/a/a", false),
        ("-foo/bar", false),
        ("foo/bar-", false),
        ("foo-/bar", false),
        ("foo/-bar", false),
        ("_foo/bar", false),
        ("foo_bar", true),
        ("foo_bar.com", true),
        ("foo_bar.com:8080", false),
        ("foo_bar.com:8080/app", false),
        ("foo.com/foo_bar", true),
        ("____/____", false),
        ("_docker/_docker", false),
        ("docker_/docker_", false),
        ("b.gcr.io/test.example.com/my-app", true),
        ("xn--n3h.com/myimage", true),
        ("xn--7o8h.com/myimage", true),
        ("example.com/xn--7o8h.com/myimage", true),
        ("example.com/some_separator__underscore/myimage", true),
        ("example.com/__underscore/myimage", false),
        ("example.com/..dots/myimage", false),
        ("example.com/.dots/myimage", false),
        ("example.com/nodouble..dots/myimage", false),
        ("example.com/nodouble..dots/myimage", false),
        ("docker./docker", false),
        (".docker/docker", false),
        ("docker-/docker", false),
        ("-docker/docker", false),
        ("do..cker/docker", false),
        ("do__cker:8080/docker", false),
        ("do__cker/docker", true),
        ("b.gcr.io/test.example.com/my-app", true),
        ("registry.io/foo/project--id.module--name.ver---sion--name", true),
        ("Asdf.com/foo/bar", true),
        ("Foo/FarB", false),
    ];
    /// `TestReferenceRegexp` in regexp_test.go.
    const REFERENCE: &[(&str, bool)] = &[
        ("registry.com:8080/myapp:tag", true),
        ("registry.com:8080/myapp@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912", true),
        ("registry.com:8080/myapp:tag2@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912", true),
        ("registry.com:8080/myapp@sha256:badbadbadbad", false),
        ("registry.com:8080/myapp:invalid~tag", false),
        ("bad_hostname.com:8080/myapp:tag", false),
        ("localhost:8080/name@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912", true),
        ("localhost:http/name@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912", false),
        ("localhost@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912", true),
        ("registry.com:8080/myapp@bad", false),
        ("registry.com:8080/myapp@2bad", false),
    ];

    #[test]
    fn the_distribution_tests_pass() {
        for (d, want) in DOMAIN {
            assert_eq!(is_domain(d), *want, "domain {d}");
        }
        for (n, want) in NAME {
            assert_eq!(check_name(n).is_ok(), *want, "name {n}");
        }
        for (r, want) in REFERENCE {
            assert_eq!(check(r).is_ok(), *want, "reference {r}");
        }
    }

    /// Whatever mix of the reference alphabet comes in, an answer comes out (no panic), and
    /// what passes has no empty part and does not start with a separator.
    #[test]
    fn any_string_of_the_alphabet_gets_an_answer() {
        use rand::{Rng, SeedableRng};
        let alphabet = b"aZ09._-/:@[]";
        let mut rng = rand::rngs::StdRng::seed_from_u64(25);
        for _ in 0..20_000 {
            let n = rng.random_range(0..40);
            let s: String = (0..n).map(|_| alphabet[rng.random_range(0..alphabet.len())] as char).collect();
            if check(&s).is_ok() {
                assert!(!s.contains("//") && !s.starts_with(['/', '.', '-', '_', ':', '@']), "{s}");
            }
        }
    }

    /// The probe's references (issue 25) and what clorebot's users type.
    #[test]
    fn references_follow_the_distribution_grammar() {
        let digest_ref = format!("registry.example.com:443/x@{SHA}");
        let both = format!("nvidia/cuda:12.2.0-runtime-ubuntu22.04@{SHA}");
        let good = [
            "cloreai/ubuntu22.04-cuda12",
            "cloreai/ubuntu20.04-jupyter",
            "nvidia/cuda:12.2.0-runtime-ubuntu22.04",
            "pytorch/pytorch:latest",
            "pytorch/pytorch:2.4",
            "ghcr.io/org/img:tag",
            "localhost:5000/a/b",
            "localhost/a",
            "localhost:5000",
            "ubuntu",
            "a",
            "a__b/c_d/e---f",
            "Registry.Example.com/x",
            "UPPER/case",
            "127.0.0.1:5000/x:1",
            "[::1]:5000/x",
            "[2001:db8::1]/x",
            "xn--bcher-kva.example/x",
            "x:_tag",
            "x:TAG.v1-2",
            &digest_ref,
            &both,
        ];
        for r in good {
            assert_eq!(check(r), Ok(()), "{r}");
        }
        let long_tag = format!("x:{}", "a".repeat(129));
        let bad: &[(&str, Problem)] = &[
            ("../../../etc/passwd", Problem::Component("..")),
            ("-rm", Problem::Component("-rm")),
            (".", Problem::Component(".")),
            ("UPPER/Case", Problem::Component("Case")),
            ("a:b:c:d", Problem::Component("a:b:c")),
            ("a//b", Problem::Component("")),
            ("a/", Problem::Component("")),
            ("a..b", Problem::Component("a..b")),
            ("a___b", Problem::Component("a___b")),
            ("a-", Problem::Component("a-")),
            ("ghcr.io/Org/img", Problem::Component("Org")),
            ("-host.io/x", Problem::Component("-host.io")),
            ("host:port/x", Problem::Registry("host:port")),
            ("[zz]:5000/x", Problem::Registry("[zz]:5000")),
            ("[::1]5000/x", Problem::Registry("[::1]5000")),
            ("x:", Problem::Tag("")),
            ("x:-tag", Problem::Tag("-tag")),
            ("x:.tag", Problem::Tag(".tag")),
            (&long_tag, Problem::Tag(&long_tag[2..])),
            ("x@sha256:abc", Problem::Digest("sha256:abc")),
            ("x@256:0123456789abcdef0123456789abcdef", Problem::Digest("256:0123456789abcdef0123456789abcdef")),
            ("x@sha256", Problem::Digest("sha256")),
            ("@sha256:0123456789abcdef0123456789abcdef", Problem::Component("")),
        ];
        for (r, want) in bad {
            assert_eq!(check(r).as_ref(), Err(want), "{r}");
        }
        assert_eq!(check(&format!("x:{}", "a".repeat(128))), Ok(()));
    }
}
