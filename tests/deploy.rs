//! deploy/ agrees with the program: env.example lists exactly the variables `config::VARIABLES`
//! documents (in order, with their meanings), every YAML file parses, the Kubernetes probes hit
//! routes the HTTP server has on the port it listens on by default, compose waits for a healthy
//! database, and the Dockerfile and the systemd unit keep their safety settings.

use std::path::{Path, PathBuf};

use clorebot::app::ROUTES;
use clorebot::config::{DEFAULT_PORT, VARIABLES, Var};
use yaml_rust2::{Yaml, YamlLoader};

/// The path of a file under deploy/.
macro_rules! deploy {
    ($file:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/", $file)
    };
}

const DEPLOY_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy");

/// Not clorebot's variables: the postgres container's, used by docker compose only.
const COMPOSE_ONLY: &[&str] = &["POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"];

/// The variables `clorebot run` cannot start without.
const REQUIRED: &[&str] = &["DATABASE_URL", "CLOREBOT_MASTER_KEY"];

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn variable(name: &str) -> Option<&'static Var> {
    VARIABLES.iter().find(|v| v.name == name)
}

fn is_variable(name: &str) -> bool {
    variable(name).is_some()
}

/// A name clorebot reads: a variable, or `<secret>_FILE`.
fn is_read(name: &str) -> bool {
    is_variable(name) || name.strip_suffix("_FILE").and_then(variable).is_some_and(|v| v.secret)
}

/// Markdown text without its code marks.
fn plain(text: &str) -> String {
    text.replace('`', "")
}

/// A default written as one code span (`` `30` ``): its text.
fn backticked(default: &str) -> Option<&str> {
    default.strip_prefix('`')?.strip_suffix('`').filter(|inner| !inner.contains('`'))
}

/// `CLOREBOT_SHUTDOWN_GRACE_SECS`'s default, in seconds.
fn default_shutdown_grace() -> i64 {
    let v = variable("CLOREBOT_SHUTDOWN_GRACE_SECS").expect("CLOREBOT_SHUTDOWN_GRACE_SECS is in config::VARIABLES");
    backticked(v.default)
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("CLOREBOT_SHUTDOWN_GRACE_SECS's default {:?} is not a number of seconds", v.default))
}

/// `NAME=value` or `# NAME=value` at the start of an env-file line: (name, value, commented out).
fn assignment(line: &str) -> Option<(&str, &str, bool)> {
    let (rest, commented) = match line.strip_prefix("# ") {
        Some(rest) => (rest, true),
        None => (line, false),
    };
    let (name, value) = rest.split_once('=')?;
    let is_name = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    is_name.then_some((name, value, commented))
}

#[test]
fn env_example_sets_every_variable_in_order_with_its_meaning() {
    let text = read(deploy!("env.example"));
    let lines: Vec<&str> = text.lines().collect();
    let mut listed: Vec<&str> = Vec::new();
    let mut compose_only: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((name, value, commented)) = assignment(line) else { continue };
        let at = i + 1;
        if COMPOSE_ONLY.contains(&name) {
            assert!(!commented, "deploy/env.example line {at}: {name} must be set (uncommented) for docker compose");
            compose_only.push(name);
            continue;
        }
        let Some(var) = variable(name) else {
            panic!(
                "deploy/env.example line {at}: {name} is not a variable clorebot reads (config::VARIABLES), \
                 nor one of the compose database's {COMPOSE_ONLY:?}"
            )
        };
        assert!(
            compose_only.is_empty(),
            "deploy/env.example line {at}: {name} comes after the docker compose section; keep that section last"
        );
        let expected = format!("# {} (default: {})", plain(var.meaning), plain(var.default));
        let before = if i > 0 { lines[i - 1] } else { "" };
        assert_eq!(
            before, expected,
            "deploy/env.example line {at}: the line before {name}= must be its meaning and default as in config::VARIABLES"
        );
        let required = REQUIRED.contains(&name);
        assert_eq!(
            commented,
            !required,
            "deploy/env.example line {at}: {name} must be {}",
            if required { "set (uncommented): `clorebot run` needs it" } else { "commented out: it is optional" }
        );
        if let Some(default) = backticked(var.default) {
            assert_eq!(
                value, default,
                "deploy/env.example line {at}: {name}'s commented-out value must be its default"
            );
        }
        listed.push(name);
    }
    let all: Vec<&str> = VARIABLES.iter().map(|v| v.name).collect();
    assert_eq!(listed, all, "deploy/env.example must list every config::VARIABLES name once, in the same order");
    assert_eq!(compose_only, COMPOSE_ONLY, "deploy/env.example must end with the compose database's variables");
}

#[test]
fn the_docs_document_every_variable() {
    let doc = read(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/configuration.md"));
    for v in VARIABLES {
        let name = v.name;
        assert!(doc.contains(&format!("`{name}`")), "docs/configuration.md does not document `{name}`");
    }
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A path under deploy/, as `k8s/service.yaml`.
fn relative(path: &Path) -> String {
    path.strip_prefix(DEPLOY_DIR).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn yaml_files() -> Vec<PathBuf> {
    files_under(Path::new(DEPLOY_DIR))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect()
}

fn load(path: &Path) -> Vec<Yaml> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("deploy/{} is not valid YAML: {e}", relative(path)))
}

/// The one object of `kind` in deploy/k8s/.
fn k8s(kind: &str) -> Yaml {
    let dir = Path::new(DEPLOY_DIR).join("k8s");
    let mut found: Vec<(String, Yaml)> = Vec::new();
    for path in yaml_files().into_iter().filter(|p| p.starts_with(&dir)) {
        for doc in load(&path) {
            if doc["kind"].as_str() == Some(kind) {
                found.push((relative(&path), doc));
            }
        }
    }
    let files: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(found.len(), 1, "deploy/k8s/ must hold exactly one {kind}; found it in {files:?}");
    found.remove(0).1
}

/// The keys of a YAML mapping (empty when it is not one).
fn keys(map: &Yaml) -> Vec<String> {
    map.as_hash().map(|h| h.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

#[test]
fn every_yaml_file_parses() {
    let files = yaml_files();
    let names: Vec<String> = files.iter().map(|p| relative(p.as_path())).collect();
    for want in [
        "docker-compose.yml",
        "k8s/deployment.yaml",
        "k8s/service.yaml",
        "k8s/configmap.yaml",
        "k8s/secret.example.yaml",
        "k8s/pdb.yaml",
    ] {
        assert!(names.iter().any(|n| n == want), "deploy/{want} is missing (found {names:?})");
    }
    for path in &files {
        let docs = load(path);
        assert!(!docs.is_empty(), "deploy/{} holds no YAML document", relative(path));
        for doc in &docs {
            assert!(doc.as_hash().is_some(), "deploy/{}: every document must be a mapping", relative(path));
        }
    }
}

#[test]
fn the_deployment_probes_real_routes_on_the_default_port_and_runs_locked_down() {
    let d = k8s("Deployment");
    assert_eq!(d["metadata"]["name"].as_str(), Some("clorebot"), "deploy/k8s/deployment.yaml: name");
    assert_eq!(d["spec"]["replicas"].as_i64(), Some(2), "deploy/k8s/deployment.yaml: replicas must be 2");
    let pod = &d["spec"]["template"]["spec"];
    let containers = pod["containers"].as_vec().expect("deploy/k8s/deployment.yaml: no containers list");
    assert_eq!(containers.len(), 1, "deploy/k8s/deployment.yaml: one container");
    let c = &containers[0];

    let ports = c["ports"].as_vec().expect("deploy/k8s/deployment.yaml: the container declares no ports");
    let http = ports
        .iter()
        .find(|p| p["name"].as_str() == Some("http"))
        .expect("deploy/k8s/deployment.yaml: no container port named http");
    assert_eq!(
        http["containerPort"].as_i64(),
        Some(i64::from(DEFAULT_PORT)),
        "deploy/k8s/deployment.yaml: the http port must be config::DEFAULT_PORT"
    );

    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let get = &c[probe]["httpGet"];
        let got = get["path"].as_str().unwrap_or_else(|| panic!("deploy/k8s/deployment.yaml: no {probe}.httpGet.path"));
        assert_eq!(got, path, "deploy/k8s/deployment.yaml: {probe} path");
        assert!(ROUTES.contains(&got), "deploy/k8s/deployment.yaml: {probe} path {got} is not in app::ROUTES");
        assert_eq!(
            get["port"].as_str(),
            Some("http"),
            "deploy/k8s/deployment.yaml: {probe} must use the port named http"
        );
    }
    if !c["startupProbe"].is_badvalue() {
        let got = c["startupProbe"]["httpGet"]["path"].as_str().unwrap_or_default();
        assert!(ROUTES.contains(&got), "deploy/k8s/deployment.yaml: startupProbe path {got:?} is not in app::ROUTES");
    }

    let psc = &pod["securityContext"];
    assert_eq!(psc["runAsNonRoot"].as_bool(), Some(true), "deploy/k8s/deployment.yaml: pod runAsNonRoot");
    assert_eq!(psc["runAsUser"].as_i64(), Some(10001), "deploy/k8s/deployment.yaml: pod runAsUser (the image's uid)");
    assert_eq!(psc["fsGroup"].as_i64(), Some(10001), "deploy/k8s/deployment.yaml: pod fsGroup");
    assert_eq!(
        psc["seccompProfile"]["type"].as_str(),
        Some("RuntimeDefault"),
        "deploy/k8s/deployment.yaml: pod seccompProfile"
    );
    let csc = &c["securityContext"];
    assert_eq!(
        csc["readOnlyRootFilesystem"].as_bool(),
        Some(true),
        "deploy/k8s/deployment.yaml: readOnlyRootFilesystem"
    );
    assert_eq!(
        csc["allowPrivilegeEscalation"].as_bool(),
        Some(false),
        "deploy/k8s/deployment.yaml: allowPrivilegeEscalation"
    );
    let dropped: Vec<&str> =
        csc["capabilities"]["drop"].as_vec().map(|v| v.iter().filter_map(Yaml::as_str).collect()).unwrap_or_default();
    assert!(dropped.contains(&"ALL"), "deploy/k8s/deployment.yaml: capabilities must drop ALL, not {dropped:?}");

    let resources = &c["resources"];
    for (path, want) in [
        (["requests", "cpu"], "100m"),
        (["requests", "memory"], "128Mi"),
        (["limits", "cpu"], "1"),
        (["limits", "memory"], "512Mi"),
    ] {
        let got = &resources[path[0]][path[1]];
        let got = got.as_str().map(str::to_owned).or_else(|| got.as_i64().map(|n| n.to_string()));
        assert_eq!(got.as_deref(), Some(want), "deploy/k8s/deployment.yaml: resources.{}.{}", path[0], path[1]);
    }

    // The kubelet's SIGKILL must come after the preStop pause plus the bot's own shutdown grace.
    let grace = k8s("ConfigMap")["data"]["CLOREBOT_SHUTDOWN_GRACE_SECS"]
        .as_str()
        .map(|s| s.parse::<i64>().expect("deploy/k8s/configmap.yaml: CLOREBOT_SHUTDOWN_GRACE_SECS is not a number"))
        .unwrap_or_else(default_shutdown_grace);
    let pre_stop: i64 = match c["lifecycle"]["preStop"]["exec"]["command"].as_vec() {
        Some(cmd) if cmd.first().and_then(Yaml::as_str).is_some_and(|p| p.ends_with("sleep")) => {
            cmd.get(1).and_then(Yaml::as_str).and_then(|s| s.parse().ok()).unwrap_or(0)
        }
        _ => 0,
    };
    let termination = pod["terminationGracePeriodSeconds"]
        .as_i64()
        .expect("deploy/k8s/deployment.yaml: terminationGracePeriodSeconds is not set");
    assert!(
        termination > pre_stop + grace,
        "deploy/k8s/deployment.yaml: terminationGracePeriodSeconds {termination} must exceed the preStop pause \
         {pre_stop} + CLOREBOT_SHUTDOWN_GRACE_SECS {grace}"
    );

    // Configuration comes from the ConfigMap and the Secret in this directory.
    let sources = c["envFrom"].as_vec().expect("deploy/k8s/deployment.yaml: no envFrom");
    let named = |kind: &str| sources.iter().find_map(|s| s[kind]["name"].as_str().map(str::to_owned));
    assert_eq!(
        named("configMapRef").as_deref(),
        k8s("ConfigMap")["metadata"]["name"].as_str(),
        "deploy/k8s/deployment.yaml: envFrom.configMapRef must name the ConfigMap in configmap.yaml"
    );
    assert_eq!(
        named("secretRef").as_deref(),
        k8s("Secret")["metadata"]["name"].as_str(),
        "deploy/k8s/deployment.yaml: envFrom.secretRef must name the Secret in secret.example.yaml"
    );
}

#[test]
fn the_service_and_the_pdb_select_the_deployments_pods() {
    let d = k8s("Deployment");
    let match_labels = &d["spec"]["selector"]["matchLabels"];
    let labels = keys(match_labels);
    assert!(!labels.is_empty(), "deploy/k8s/deployment.yaml: spec.selector.matchLabels is empty");
    let template_labels = &d["spec"]["template"]["metadata"]["labels"];
    for k in &labels {
        assert_eq!(
            &template_labels[k.as_str()],
            &match_labels[k.as_str()],
            "deploy/k8s/deployment.yaml: the pod template's label {k} must match spec.selector"
        );
    }

    let s = k8s("Service");
    assert_eq!(s["spec"]["type"].as_str(), Some("ClusterIP"), "deploy/k8s/service.yaml: type");
    assert_eq!(&s["spec"]["selector"], match_labels, "deploy/k8s/service.yaml: selector must equal the Deployment's");
    let ports = s["spec"]["ports"].as_vec().expect("deploy/k8s/service.yaml: no ports");
    assert_eq!(ports.len(), 1, "deploy/k8s/service.yaml: one port");
    assert_eq!(ports[0]["port"].as_i64(), Some(80), "deploy/k8s/service.yaml: port");
    let container_port_names: Vec<&str> = d["spec"]["template"]["spec"]["containers"][0]["ports"]
        .as_vec()
        .map(|v| v.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    let target = ports[0]["targetPort"].as_str().expect("deploy/k8s/service.yaml: targetPort must be a port name");
    assert!(
        container_port_names.contains(&target),
        "deploy/k8s/service.yaml: targetPort {target} is not a container port of the Deployment ({container_port_names:?})"
    );

    let pdb = k8s("PodDisruptionBudget");
    assert_eq!(pdb["spec"]["minAvailable"].as_i64(), Some(1), "deploy/k8s/pdb.yaml: minAvailable");
    assert_eq!(
        &pdb["spec"]["selector"]["matchLabels"], match_labels,
        "deploy/k8s/pdb.yaml: selector must equal the Deployment's"
    );
}

#[test]
fn the_configmap_and_the_secret_hold_only_clorebot_variables() {
    let cm = k8s("ConfigMap");
    let data = &cm["data"];
    let names = keys(data);
    assert!(!names.is_empty(), "deploy/k8s/configmap.yaml: no data");
    for name in &names {
        let var = variable(name)
            .unwrap_or_else(|| panic!("deploy/k8s/configmap.yaml: {name} is not a variable clorebot reads"));
        assert!(!var.secret, "deploy/k8s/configmap.yaml: {name} is a secret; it belongs in the Secret");
        assert!(
            data[name.as_str()].as_str().is_some(),
            "deploy/k8s/configmap.yaml: {name}'s value must be a quoted string (ConfigMap data is strings)"
        );
    }
    let listen = data["CLOREBOT_HTTP_LISTEN"].as_str().unwrap_or("0.0.0.0:8080");
    assert!(
        listen.ends_with(&format!(":{DEFAULT_PORT}")),
        "deploy/k8s/configmap.yaml: CLOREBOT_HTTP_LISTEN {listen} must keep port {DEFAULT_PORT} (the probes use it)"
    );

    let secret = k8s("Secret");
    let string_data = &secret["stringData"];
    let names = keys(string_data);
    for want in REQUIRED {
        assert!(names.iter().any(|n| n == want), "deploy/k8s/secret.example.yaml: {want} is missing");
    }
    for name in &names {
        let var = variable(name)
            .unwrap_or_else(|| panic!("deploy/k8s/secret.example.yaml: {name} is not a variable clorebot reads"));
        assert!(var.secret, "deploy/k8s/secret.example.yaml: {name} is not a secret; it belongs in the ConfigMap");
        assert!(
            string_data[name.as_str()].as_str().is_some(),
            "deploy/k8s/secret.example.yaml: {name}'s value must be a string"
        );
    }
}

/// The `NAME` of every `${NAME…}` in `text`, comment lines left out.
fn interpolated(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(|line| line.split("${").skip(1))
        .map(|rest| {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// A compose duration such as `30s` or `1m`, in seconds.
fn compose_secs(text: &str) -> Option<i64> {
    if let Some(m) = text.strip_suffix('m') {
        return m.parse::<i64>().ok().map(|m| m * 60);
    }
    text.strip_suffix('s').unwrap_or(text).parse().ok()
}

#[test]
fn compose_waits_for_a_healthy_database_and_names_only_known_variables() {
    let text = read(deploy!("docker-compose.yml"));
    let docs = YamlLoader::load_from_str(&text).expect("deploy/docker-compose.yml is not valid YAML");
    let services = &docs[0]["services"];
    let bot = &services["clorebot"];
    let pg = &services["postgres"];
    assert!(!bot.is_badvalue(), "deploy/docker-compose.yml: no service clorebot");
    assert!(!pg.is_badvalue(), "deploy/docker-compose.yml: no service postgres");

    let env_files: Vec<&str> = match &bot["env_file"] {
        Yaml::String(s) => vec![s.as_str()],
        Yaml::Array(a) => a.iter().filter_map(|f| f.as_str().or_else(|| f["path"].as_str())).collect(),
        _ => Vec::new(),
    };
    assert!(
        env_files.contains(&".env"),
        "deploy/docker-compose.yml: clorebot must read env_file .env, not {env_files:?}"
    );
    assert_eq!(
        bot["depends_on"]["postgres"]["condition"].as_str(),
        Some("service_healthy"),
        "deploy/docker-compose.yml: clorebot must depend on postgres with condition service_healthy"
    );
    let check = match &pg["healthcheck"]["test"] {
        Yaml::String(s) => s.clone(),
        Yaml::Array(a) => a.iter().filter_map(Yaml::as_str).collect::<Vec<_>>().join(" "),
        _ => String::new(),
    };
    assert!(check.contains("pg_isready"), "deploy/docker-compose.yml: postgres needs a pg_isready healthcheck");
    assert_eq!(bot["restart"].as_str(), Some("unless-stopped"), "deploy/docker-compose.yml: clorebot restart policy");
    assert_eq!(bot["read_only"].as_bool(), Some(true), "deploy/docker-compose.yml: clorebot must be read_only");
    assert_eq!(bot["build"]["dockerfile"].as_str(), Some("deploy/Dockerfile"), "deploy/docker-compose.yml: dockerfile");

    let environment: Vec<String> = match &bot["environment"] {
        Yaml::Hash(_) => keys(&bot["environment"]),
        Yaml::Array(a) => {
            a.iter().filter_map(Yaml::as_str).map(|e| e.split('=').next().unwrap_or(e).to_owned()).collect()
        }
        _ => Vec::new(),
    };
    assert!(
        environment.iter().any(|n| n == "DATABASE_URL"),
        "deploy/docker-compose.yml: clorebot's environment must point DATABASE_URL at the postgres service"
    );
    for name in &environment {
        assert!(
            is_read(name) || COMPOSE_ONLY.contains(&name.as_str()),
            "deploy/docker-compose.yml: clorebot's environment sets {name}, which clorebot does not read"
        );
    }
    for name in interpolated(&text) {
        assert!(
            is_variable(name) || COMPOSE_ONLY.contains(&name),
            "deploy/docker-compose.yml: ${{{name}}} is neither a clorebot variable nor one of {COMPOSE_ONLY:?}"
        );
    }

    let grace = bot["stop_grace_period"]
        .as_str()
        .and_then(compose_secs)
        .expect("deploy/docker-compose.yml: clorebot needs a stop_grace_period (compose's default is 10 s)");
    assert!(
        grace > default_shutdown_grace(),
        "deploy/docker-compose.yml: stop_grace_period {grace} s must exceed CLOREBOT_SHUTDOWN_GRACE_SECS's default"
    );
    if let Some(ports) = bot["ports"].as_vec() {
        for p in ports {
            let p = p.as_str().unwrap_or_default();
            assert!(
                p.ends_with(&format!(":{DEFAULT_PORT}")),
                "deploy/docker-compose.yml: published port {p:?} must map to the bot's port {DEFAULT_PORT}"
            );
            assert!(p.starts_with("127.0.0.1:"), "deploy/docker-compose.yml: publish {p:?} on loopback only");
        }
    }
}

/// The Dockerfile's instructions, continuation lines joined, comments and blank lines dropped.
fn dockerfile_instructions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        match t.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head.trim_end());
                current.push(' ');
            }
            None => {
                current.push_str(t);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    out
}

/// The arguments of every `keyword` instruction.
fn arguments<'a>(instructions: &'a [String], keyword: &str) -> Vec<&'a str> {
    instructions.iter().filter_map(|i| i.strip_prefix(keyword)?.strip_prefix(' ')).map(str::trim).collect()
}

#[test]
fn the_dockerfile_builds_in_two_stages_and_runs_unprivileged() {
    let text = read(deploy!("Dockerfile"));
    let instructions = dockerfile_instructions(&text);
    let with = |keyword: &str| arguments(&instructions, keyword);

    let froms = with("FROM");
    assert!(froms.len() >= 2, "deploy/Dockerfile: a multi-stage build needs at least two FROM lines, found {froms:?}");
    let runtime = froms.last().copied().unwrap_or_default();
    assert!(!runtime.starts_with("rust:"), "deploy/Dockerfile: the runtime stage must not be the Rust toolchain image");
    assert!(
        text.contains("cargo build --release --locked"),
        "deploy/Dockerfile: build with `cargo build --release --locked`"
    );

    let port = DEFAULT_PORT.to_string();
    assert!(
        with("EXPOSE").iter().any(|e| e.split_whitespace().any(|p| p == port || p == format!("{port}/tcp"))),
        "deploy/Dockerfile: no EXPOSE {DEFAULT_PORT} (config::DEFAULT_PORT)"
    );

    let health = with("HEALTHCHECK");
    assert_eq!(health.len(), 1, "deploy/Dockerfile: one HEALTHCHECK");
    assert!(
        health[0].contains("clorebot") && health[0].contains("\"health\""),
        "deploy/Dockerfile: the HEALTHCHECK must run `clorebot health`, not {:?}",
        health[0]
    );

    let user = with("USER").last().copied().expect("deploy/Dockerfile: no USER: the image would run as root");
    let name = user.split(':').next().unwrap_or_default();
    assert!(!name.is_empty() && name != "root" && name != "0", "deploy/Dockerfile: USER {user} is root");

    let entrypoint = with("ENTRYPOINT").last().copied().expect("deploy/Dockerfile: no ENTRYPOINT");
    assert!(entrypoint.contains("clorebot"), "deploy/Dockerfile: the ENTRYPOINT must run clorebot, not {entrypoint}");

    for env in with("ENV") {
        for setting in env.split_whitespace() {
            let Some((name, value)) = setting.split_once('=') else {
                panic!("deploy/Dockerfile: write ENV as NAME=value, not {env:?}")
            };
            assert!(is_variable(name), "deploy/Dockerfile: ENV {name} is not a variable clorebot reads");
            if name == "CLOREBOT_HTTP_LISTEN" {
                assert!(
                    value.ends_with(&format!(":{DEFAULT_PORT}")),
                    "deploy/Dockerfile: CLOREBOT_HTTP_LISTEN={value} does not listen on the EXPOSEd port"
                );
            }
        }
    }

    let ignore = read(deploy!("Dockerfile.dockerignore"));
    assert!(
        ignore.lines().any(|l| l.trim().trim_end_matches('/') == "target"),
        "deploy/Dockerfile.dockerignore must keep target/ out of the build context"
    );
}

#[test]
fn the_systemd_unit_is_sandboxed_and_reads_the_env_file() {
    let text = read(deploy!("clorebot.service"));
    let settings: Vec<(&str, &str)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with(';') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    let get = |key: &str| settings.iter().filter(|(k, _)| *k == key).map(|(_, v)| *v).next_back();

    assert!(
        get("EnvironmentFile").is_some_and(|f| f.trim_start_matches('-').starts_with('/')),
        "deploy/clorebot.service: needs EnvironmentFile=/absolute/path"
    );
    assert!(
        get("ExecStart").is_some_and(|e| e.ends_with("clorebot run")),
        "deploy/clorebot.service: ExecStart must run `clorebot run`"
    );
    for (key, want) in [
        ("Restart", "on-failure"),
        ("DynamicUser", "yes"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("CapabilityBoundingSet", ""),
    ] {
        assert_eq!(get(key), Some(want), "deploy/clorebot.service: {key}={want} is missing");
    }
    let stop = get("TimeoutStopSec")
        .and_then(|s| s.trim_end_matches('s').parse::<i64>().ok())
        .expect("deploy/clorebot.service: TimeoutStopSec= in seconds is missing");
    assert!(
        stop > default_shutdown_grace(),
        "deploy/clorebot.service: TimeoutStopSec {stop} must exceed CLOREBOT_SHUTDOWN_GRACE_SECS's default"
    );

    // Environment= lines, the commented-out examples too, set only variables clorebot reads.
    for line in text.lines() {
        let Some(rest) = line.trim().trim_start_matches('#').trim().strip_prefix("Environment=") else { continue };
        let name = rest.split('=').next().unwrap_or_default().trim_matches('"');
        assert!(is_read(name), "deploy/clorebot.service: Environment={name} is not a variable clorebot reads");
    }
}

#[test]
fn every_variable_named_anywhere_in_deploy_is_one_clorebot_reads() {
    const PREFIXES: &[&str] = &["CLOREBOT_", "CLORE_", "TELEGRAM_", "DISCORD_", "DATABASE_"];
    for path in files_under(Path::new(DEPLOY_DIR)) {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for word in text.split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')) {
            if PREFIXES.iter().any(|p| word.starts_with(p)) && word.len() > 8 {
                assert!(
                    is_read(word),
                    "deploy/{} names {word}, which is not a variable clorebot reads (config::VARIABLES)",
                    relative(&path)
                );
            }
        }
    }
}
