//! `opsctl render`: flags, defaults from configuration, and what is printed
//! or written.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;

use crate::cli::exit::Hint;
use crate::cli::output::HumanReport;
use crate::cli::{Outcome, Printer, Session};
use crate::render::{self, RenderError, Rendered, Renderer, Request, output, validate};

/// Render Kubernetes manifests from templates and layered values
#[derive(Debug, Args)]
#[command(long_about = "\
Render Kubernetes manifests from Tera templates and layered values, for committing rendered \
manifests (GitOps). Values merge in this order, later wins: values.yaml, values/ENV.yaml, each -f \
file, then --set, --set-string and --set-file. Maps merge deeply, lists replace, null deletes a key. \
The output is a YAML stream on stdout, or with --out one file per object; --check compares with \
--out and exits 1 when it is stale.")]
pub(crate) struct RenderArgs {
    /// The deploy directory [default: render.dir in opsctl.toml, else deploy]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    dir: Option<PathBuf>,
    /// Layer values/ENV.yaml over values.yaml
    #[arg(short, long, value_name = "ENV", conflicts_with = "all_envs")]
    env: Option<String>,
    /// Render every environment in values/ (with --out: one subdirectory each)
    #[arg(long)]
    all_envs: bool,
    /// Layer this values file on top (repeatable, later wins; SOPS-sealed files are opened in memory)
    #[arg(short = 'f', long = "values", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    values: Vec<PathBuf>,
    /// Set a value: a.b[0].c=v (typed: ints, bools, null; `,` separates, `\,` escapes)
    #[arg(long, value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Set a value, always as a string
    #[arg(long, value_name = "KEY=VALUE")]
    set_string: Vec<String>,
    /// Set a value to the content of a file
    #[arg(long, value_name = "KEY=PATH")]
    set_file: Vec<String>,
    /// Release name templates see as release.name [default: render.release, else the project directory's name]
    #[arg(long, value_name = "NAME")]
    release: Option<String>,
    /// Namespace templates see as release.namespace [default: render.namespace, else default]
    #[arg(short, long, value_name = "NS")]
    namespace: Option<String>,
    /// Age identity (or SSH key) for sealed values files; repeatable
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    identity: Vec<PathBuf>,
    /// Write one file per object into DIR (atomically; files no longer rendered are removed)
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    out: Option<PathBuf>,
    /// Compare with what --out holds; exit 1 with a diff when it is stale
    #[arg(long, requires = "out")]
    check: bool,
    /// Check every object against Kubernetes JSON schemas in --schema-dir
    #[arg(long, requires = "schema_dir")]
    validate: bool,
    /// Kubernetes JSON schemas in kubeconform's layout (e.g. v1.33.0-standalone-strict); implies --validate
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    schema_dir: Option<PathBuf>,
    /// Print the merged values instead of the manifests
    #[arg(long, conflicts_with_all = ["out", "check", "validate", "schema_dir"])]
    show_values: bool,
}

pub(super) fn run(session: &Session, args: RenderArgs) -> anyhow::Result<Outcome> {
    let (loaded, printer) = session.load_config()?;
    let config = &loaded.config;
    let dir = args
        .dir
        .clone()
        .or_else(|| config.render.dir.clone().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("deploy"));
    if !dir.is_dir() {
        return Err(anyhow::anyhow!("{} is not a directory", dir.display())).context(Hint::new(
            "no deploy directory",
            "pass DIR, or set render.dir in opsctl.toml",
        ));
    }
    let mut request = project_request(
        &dir,
        config,
        args.release.clone(),
        args.namespace.clone(),
        || project_name(&dir),
    );
    request.env = args.env.clone();
    request.values_files = args.values.clone();
    request.set = args.set.clone();
    request.set_string = args.set_string.clone();
    request.set_file = args.set_file.clone();
    request.identities = args.identity.clone();
    let envs: Vec<Option<String>> = if args.all_envs {
        let found = render::environments(&dir).map_err(explain)?;
        if found.is_empty() {
            bail!(
                "--all-envs: {} has no values/<env>.yaml files",
                dir.display()
            );
        }
        found.into_iter().map(Some).collect()
    } else {
        vec![args.env.clone()]
    };
    let renderer = Renderer::new(request).map_err(explain)?;

    if args.show_values {
        let mut all = serde_json::Map::new();
        for env in &envs {
            let values = renderer.values(env.as_deref()).map_err(explain)?;
            all.insert(env.clone().unwrap_or_default(), values.to_value());
        }
        let shown = if envs.len() == 1 {
            all.into_iter().next().map(|(_, v)| v).unwrap_or_default()
        } else {
            serde_json::Value::Object(all)
        };
        return print_values(&printer, &shown).map(|()| Outcome::Success);
    }

    // Everything is rendered (and validated) before anything is written.
    let mut results = Vec::new();
    for env in &envs {
        let rendered = renderer.render(env.as_deref()).map_err(explain)?;
        printer.debug(
            1,
            &format!(
                "{}: {} object(s)",
                env.as_deref().unwrap_or("(no env)"),
                rendered.manifests.len()
            ),
        );
        results.push(rendered);
    }
    if let Some(schema_dir) = &args.schema_dir {
        let mut violations = Vec::new();
        for rendered in &results {
            violations
                .extend(validate::validate(schema_dir, &rendered.manifests).map_err(explain)?);
        }
        if !violations.is_empty() {
            printer.report(&ValidationReport {
                valid: false,
                violations,
            })?;
            return Ok(Outcome::Negative);
        }
        let count: usize = results.iter().map(|r| r.manifests.len()).sum();
        printer.note(&format!(
            "{count} object(s) valid against {}",
            schema_dir.display()
        ));
    }

    let out_dir = |rendered: &Rendered, out: &Path| match (&rendered.env, args.all_envs) {
        (Some(env), true) => out.join(env),
        _ => out.to_owned(),
    };
    match &args.out {
        Some(out) if args.check => {
            let mut drift = Vec::new();
            for rendered in &results {
                let files = render::manifests::files(&rendered.manifests);
                drift
                    .extend(output::compare_dir(&out_dir(rendered, out), &files).map_err(explain)?);
            }
            let stale = !drift.is_empty();
            printer.report(&CheckReport {
                up_to_date: !stale,
                drift,
            })?;
            if stale {
                printer.note(&format!(
                    "run the same command without --check to update {}",
                    out.display()
                ));
            }
            Ok(if stale {
                Outcome::Negative
            } else {
                Outcome::Success
            })
        }
        Some(out) => {
            let mut written = Vec::new();
            for rendered in &results {
                let target = out_dir(rendered, out);
                let files = render::manifests::files(&rendered.manifests);
                output::write_dir(&target, &files).map_err(explain)?;
                printer.note(&format!(
                    "wrote {} file(s) to {}",
                    files.len(),
                    target.display()
                ));
                written.push(EnvReport::new(rendered, Some(&target)));
            }
            if printer.format() == crate::config::OutputFormat::Json {
                printer.report(&RenderReport {
                    environments: written,
                })?;
            }
            Ok(Outcome::Success)
        }
        None => {
            if printer.format() == crate::config::OutputFormat::Json {
                printer.report(&RenderReport {
                    environments: results.iter().map(|r| EnvReport::new(r, None)).collect(),
                })?;
            } else {
                let mut stream = String::new();
                for rendered in &results {
                    if args.all_envs {
                        stream.push_str(&format!(
                            "# Environment: {}\n",
                            rendered.env.as_deref().unwrap_or("")
                        ));
                    }
                    stream.push_str(&render::manifests::stream(&rendered.manifests));
                }
                crate::cli::output::write_stdout(stream.as_bytes())?;
            }
            Ok(Outcome::Success)
        }
    }
}

/// A request for `dir` with the names opsctl.toml gives (flags first):
/// the release (else `fallback_release`), namespace and chart.
fn project_request(
    dir: &Path,
    config: &crate::config::Config,
    release: Option<String>,
    namespace: Option<String>,
    fallback_release: impl FnOnce() -> String,
) -> Request {
    let release = release
        .or_else(|| config.render.release.clone())
        .unwrap_or_else(fallback_release);
    Request {
        dir: dir.to_owned(),
        namespace: namespace
            .or_else(|| config.render.namespace.clone())
            .unwrap_or_else(|| "default".to_owned()),
        chart_name: config
            .project
            .name
            .clone()
            .unwrap_or_else(|| release.clone()),
        chart_version: config
            .project
            .version
            .clone()
            .unwrap_or_else(|| "0.0.0".to_owned()),
        release,
        ..Request::default()
    }
}

/// One environment rendered by [`render_generated`].
#[derive(Debug, Serialize)]
pub(crate) struct RenderedEnv {
    /// The environment.
    pub env: String,
    /// Where its files went, relative to the project.
    pub out: String,
    /// How many objects.
    pub objects: usize,
}

/// Renders a freshly generated project's deploy dir for every environment
/// into `<out>/<env>/`, exactly as `opsctl render --all-envs --out OUT` run
/// in the project by its CI would: with the project's own opsctl.toml only
/// (no user config, no `OPSCTL_*` variables), and `project_name` as the
/// release when the file names none.
pub(crate) fn render_generated(
    project: &Path,
    deploy: &str,
    out: &str,
    project_name: &str,
) -> anyhow::Result<Vec<RenderedEnv>> {
    let own_file = project.join("opsctl.toml");
    let options = crate::config::LoadOptions {
        cwd: project.to_owned(),
        explicit_file: own_file.is_file().then_some(own_file),
        skip_files: !project.join("opsctl.toml").is_file(),
        user_config_home: None,
        env: Vec::new(),
        overrides: Vec::new(),
    };
    let loaded = crate::config::load(&options).context("the generated opsctl.toml")?;
    let dir = project.join(deploy);
    let request = project_request(&dir, &loaded.config, None, None, || project_name.to_owned());
    let envs = render::environments(&dir).map_err(explain)?;
    if envs.is_empty() {
        bail!("{deploy} has no values/<env>.yaml files to render");
    }
    let renderer = Renderer::new(request).map_err(explain)?;
    let mut done = Vec::new();
    for env in envs {
        let target = format!("{}/{env}", out.trim_end_matches('/'));
        if let Some(why) = crate::scaffold::paths::problem(&target) {
            bail!("the render step would write {target}, which is refused: {why}");
        }
        let rendered = renderer.render(Some(&env)).map_err(explain)?;
        let files = render::manifests::files(&rendered.manifests);
        let target = Path::new(&target);
        // The caller stages `project` and syncs it as a whole.
        output::write_dir_with(&project.join(target), &files, false).map_err(explain)?;
        done.push(RenderedEnv {
            objects: rendered.manifests.len(),
            out: target.display().to_string(),
            env,
        });
    }
    Ok(done)
}

/// The release name by default: the name of the directory that holds the
/// deploy directory (the project), as Helm charts are named after theirs.
fn project_name(dir: &Path) -> String {
    std::fs::canonicalize(dir)
        .ok()
        .and_then(|d| {
            d.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "release".to_owned())
}

/// A core error with its advice attached for the error printer.
fn explain(err: RenderError) -> anyhow::Error {
    match err.hint() {
        Some(hint) => {
            let message = err.to_string();
            anyhow::Error::new(err).context(Hint::new(
                format!("cannot render: {}", first_line(&message)),
                hint,
            ))
        }
        None => anyhow::Error::new(err).context("cannot render"),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn print_values(printer: &Printer, values: &serde_json::Value) -> anyhow::Result<()> {
    if printer.format() == crate::config::OutputFormat::Json {
        let mut text = serde_json::to_string_pretty(values)?;
        text.push('\n');
        return crate::cli::output::write_stdout(text.as_bytes());
    }
    let node = crate::document::from_json(values.clone());
    crate::cli::output::write_stdout(crate::document::yaml::emit_node(&node).as_bytes())
}

/// `-o json` of a render.
#[derive(Debug, Serialize)]
struct RenderReport {
    environments: Vec<EnvReport>,
}

#[derive(Debug, Serialize)]
struct EnvReport {
    env: Option<String>,
    /// Where the files went (`--out`), else null.
    out: Option<String>,
    manifests: Vec<ManifestReport>,
}

#[derive(Debug, Serialize)]
struct ManifestReport {
    #[serde(flatten)]
    summary: render::ManifestSummary,
    object: serde_json::Value,
}

impl EnvReport {
    fn new(rendered: &Rendered, out: Option<&Path>) -> Self {
        EnvReport {
            env: rendered.env.clone(),
            out: out.map(|p| p.display().to_string()),
            manifests: render::summaries(rendered)
                .into_iter()
                .zip(&rendered.manifests)
                .map(|(summary, m)| ManifestReport {
                    summary,
                    object: crate::document::map_to_json(&m.body),
                })
                .collect(),
        }
    }
}

impl HumanReport for RenderReport {
    fn write_human(&self, _: &Printer, _: &mut dyn Write) -> std::io::Result<()> {
        Ok(())
    }
}

/// `--check`: what is stale.
#[derive(Debug, Serialize)]
struct CheckReport {
    up_to_date: bool,
    drift: Vec<output::Drift>,
}

impl HumanReport for CheckReport {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        if self.up_to_date {
            printer.note("rendered manifests are up to date");
            return Ok(());
        }
        for d in &self.drift {
            out.write_all(d.diff.as_bytes())?;
        }
        let mut table = printer.table();
        table.set_header(["FILE", "STATUS"]);
        for d in &self.drift {
            table.add_row([d.path.clone(), format!("{:?}", d.status).to_lowercase()]);
        }
        printer.warn(&format!(
            "{} file(s) out of date:\n{table}",
            self.drift.len()
        ));
        Ok(())
    }
}

/// `--validate` found objects that break their schemas.
#[derive(Debug, Serialize)]
struct ValidationReport {
    valid: bool,
    violations: Vec<validate::Violation>,
}

impl HumanReport for ValidationReport {
    fn write_human(&self, printer: &Printer, out: &mut dyn Write) -> std::io::Result<()> {
        let mut table = printer.table();
        table.set_header(["TEMPLATE", "OBJECT", "PATH", "PROBLEM"]);
        for v in &self.violations {
            table.add_row([
                v.source.clone(),
                v.object.clone(),
                v.path.clone(),
                v.message.clone(),
            ]);
        }
        writeln!(out, "{table}")?;
        writeln!(out, "{} schema violation(s)", self.violations.len())
    }
}
