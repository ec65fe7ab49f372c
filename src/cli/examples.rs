//! Worked examples for each command, shown at the end of `--help` and in the
//! EXAMPLES section of the man pages, written once here for both.

/// One example: what it does and the command line.
pub struct Example {
    /// What the example shows, as a comment line.
    pub about: &'static str,
    /// The command line.
    pub command: &'static str,
}

const fn ex(about: &'static str, command: &'static str) -> Example {
    Example { about, command }
}

/// Examples per command path (`""` is `opsctl` itself).
pub const EXAMPLES: &[(&str, &[Example])] = &[
    (
        "",
        &[
            ex(
                "Show the effective configuration and where each value comes from",
                "opsctl config show",
            ),
            ex(
                "The same as JSON, for scripts",
                "opsctl config show -o json",
            ),
            ex(
                "Run in another directory",
                "opsctl -C services/api config show",
            ),
            ex(
                "Install bash completions for the current user",
                "opsctl completions bash > ~/.local/share/bash-completion/completions/opsctl",
            ),
        ],
    ),
    (
        "config",
        &[
            ex(
                "List every setting, its value and origin",
                "opsctl config show",
            ),
            ex("Print one value", "opsctl config show color"),
            ex(
                "Open the files opsctl reads",
                "$EDITOR $(opsctl config path)",
            ),
        ],
    ),
    (
        "config show",
        &[
            ex(
                "List every setting, its value and origin",
                "opsctl config show",
            ),
            ex("Print one value, for scripts", "opsctl config show output"),
            ex(
                "See what a variable changes",
                "OPSCTL_COLOR=never opsctl config show color -o json",
            ),
        ],
    ),
    (
        "config path",
        &[
            ex("Print the config files that are read", "opsctl config path"),
            ex(
                "Every candidate with its status, as JSON",
                "opsctl config path -o json",
            ),
        ],
    ),
    (
        "secrets",
        &[
            ex(
                "Create an identity in the place sops looks for it",
                "opsctl secrets keygen --add-to-sops-keys",
            ),
            ex(
                "Seal a file for a recipient, in place",
                "opsctl secrets seal --in-place secrets.yaml --age age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            ),
            ex("Read it back", "opsctl secrets unseal secrets.yaml"),
            ex(
                "Print one value for a script",
                "opsctl secrets unseal secrets.yaml --extract '[\"db\"][\"password\"]'",
            ),
        ],
    ),
    (
        "secrets keygen",
        &[
            ex(
                "Write a new identity to a file (0600) and print its public key",
                "opsctl secrets keygen -o key.txt",
            ),
            ex(
                "Append it to ~/.config/sops/age/keys.txt, where sops and opsctl find it",
                "opsctl secrets keygen --add-to-sops-keys",
            ),
        ],
    ),
    (
        "secrets seal",
        &[
            ex(
                "Seal to stdout",
                "opsctl secrets seal secrets.yaml --age age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            ),
            ex(
                "Seal only a Kubernetes Secret's data, in place",
                "opsctl secrets seal --in-place secret.yaml --encrypted-regex '^(data|stringData)$' --recipients-file team.txt",
            ),
            ex(
                "Recipients from the environment, as sops reads them",
                "SOPS_AGE_RECIPIENTS=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p opsctl secrets seal .env --in-place",
            ),
        ],
    ),
    (
        "secrets unseal",
        &[
            ex(
                "Decrypt to stdout with the default sops key file",
                "opsctl secrets unseal secrets.yaml",
            ),
            ex(
                "One value, with an explicit identity",
                "opsctl secrets unseal secrets.yaml --identity key.txt --extract '[\"db\"][\"password\"]'",
            ),
            ex(
                "Convert while decrypting",
                "opsctl secrets unseal secrets.yaml --output-type json",
            ),
        ],
    ),
    (
        "render",
        &[
            ex(
                "Render deploy/ for staging to stdout",
                "opsctl render --env staging",
            ),
            ex(
                "Layer a sealed secrets file and a one-off value",
                "opsctl render --env production -f secrets/production.yaml --set image.tag=1.4.2",
            ),
            ex(
                "Write one file per object for every environment (the rendered-manifests pattern)",
                "opsctl render --all-envs --out deploy/rendered",
            ),
            ex(
                "In CI or pre-commit: fail with a diff when the committed output is stale",
                "opsctl render --all-envs --out deploy/rendered --check",
            ),
            ex(
                "Check every object against Kubernetes schemas, offline",
                "opsctl render --env production --schema-dir schemas/v1.33.0-standalone-strict",
            ),
            ex(
                "Show the merged values for an environment",
                "opsctl render --env production --show-values",
            ),
        ],
    ),
    (
        "load",
        &[
            ex(
                "50 connections for 30 seconds, as fast as the server answers (closed model)",
                "opsctl load http://localhost:8080/health -c 50 -d 30s",
            ),
            ex(
                "A constant 500 requests/s, latency measured from each intended start (open model)",
                "opsctl load http://localhost:8080/api --rate 500 -d 1m",
            ),
            ex(
                "Ramp the rate up and down",
                "opsctl load http://localhost:8080/api --stages 30s:100,1m:500,30s:0",
            ),
            ex(
                "A CI gate: exit 1 when a threshold fails",
                "opsctl load $URL -d 30s --threshold 'p95<200ms' --threshold 'error_rate<1%'",
            ),
            ex(
                "Save a baseline, then fail a later run that regressed",
                "opsctl load $URL -d 30s --save base.json && opsctl load $URL -d 30s --baseline base.json",
            ),
            ex(
                "Weighted requests from a scenario file, with an HTML report",
                "opsctl load --scenario load.yaml --report load.html",
            ),
            ex(
                "Run the test on 8 pods, then merge their results",
                "opsctl load $URL --rate 8000 -d 5m --emit-job --workers 8 | kubectl apply -f -",
            ),
        ],
    ),
    (
        "gate",
        &[
            ex(
                "Run the analysis in gate.yaml: every metric, every interval, count times",
                "opsctl gate --prometheus http://prometheus:9090",
            ),
            ex(
                "A post-deploy CI check: one measurement per metric, JUnit for the dashboard",
                "opsctl gate --once --junit gate.xml",
            ),
            ex(
                "Test the Argo AnalysisTemplate your Rollout will run, with its args",
                "opsctl gate deploy/analysis.yaml --arg service-name=checkout --once",
            ),
            ex(
                "Replay yesterday's deployment analysis from the data Prometheus kept",
                "opsctl gate --at 2026-11-20T14:00:00Z",
            ),
            ex(
                "A background analysis for 15 minutes, reported but never blocking",
                "opsctl gate --timeout 15m --dry-run -o json",
            ),
            ex(
                "Check a spec and show its resolved queries without querying",
                "opsctl gate analysis.yaml --arg service-name=checkout --validate",
            ),
        ],
    ),
    (
        "load report",
        &[
            ex(
                "Merge results and compare them with a baseline",
                "opsctl load report pod-*.json --baseline base.json --report load.html",
            ),
            ex(
                "Merge the JSON results of an --emit-job run from the pods' logs",
                "kubectl logs -l job-name=opsctl-load --tail=-1 | opsctl load report -",
            ),
        ],
    ),
    (
        "secrets check",
        &[
            ex(
                "Check every file the .sops.yaml rules cover (for CI)",
                "opsctl secrets check",
            ),
            ex(
                "Check given files and report as JSON",
                "opsctl secrets check secrets/*.yaml -o json",
            ),
        ],
    ),
    (
        "secrets exec",
        &[
            ex(
                "Run a command with DB_PASSWORD and friends set from a sealed file",
                "opsctl secrets exec secrets.yaml -- ./migrate.sh",
            ),
            ex(
                "Only the secrets (and PATH) in the environment",
                "opsctl secrets exec --pristine prod.env -- env",
            ),
        ],
    ),
    (
        "secrets edit",
        &[
            ex(
                "Edit in $EDITOR; only changed values get new ciphertext",
                "opsctl secrets edit secrets.yaml",
            ),
            ex(
                "With an editor that needs to wait",
                "EDITOR='code --wait' opsctl secrets edit secrets.yaml",
            ),
        ],
    ),
    (
        "secrets set",
        &[
            ex(
                "Set a string",
                "opsctl secrets set secrets.yaml '[\"db\"][\"user\"]' admin",
            ),
            ex(
                "Set a number (values are JSON when they parse as JSON)",
                "opsctl secrets set secrets.yaml '[\"db\"][\"port\"]' 5432",
            ),
            ex(
                "Take a secret from a file, not the command line",
                "opsctl secrets set secrets.yaml '[\"db\"][\"password\"]' --value-file pw.txt",
            ),
        ],
    ),
    (
        "secrets unset",
        &[ex(
            "Remove a value",
            "opsctl secrets unset secrets.yaml '[\"db\"][\"legacy\"]'",
        )],
    ),
    (
        "secrets rotate",
        &[
            ex(
                "Revoke someone: remove them and rotate the data key in one step",
                "opsctl secrets rotate secrets/*.yaml --rm-age age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            ),
            ex(
                "Give a new teammate access (same data key)",
                "opsctl secrets rotate --keys-only secrets/*.yaml",
            ),
        ],
    ),
    (
        "completions",
        &[
            ex(
                "bash, for the current user",
                "opsctl completions bash > ~/.local/share/bash-completion/completions/opsctl",
            ),
            ex(
                "zsh, into a directory on $fpath",
                "opsctl completions zsh > ~/.zfunc/_opsctl",
            ),
            ex(
                "fish",
                "opsctl completions fish > ~/.config/fish/completions/opsctl.fish",
            ),
            ex(
                "PowerShell, for the current session",
                "opsctl completions powershell | Out-String | Invoke-Expression",
            ),
        ],
    ),
];

/// The examples of the command at `path` (names after `opsctl`, space-separated).
pub fn for_command(path: &str) -> &'static [Example] {
    EXAMPLES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(&[], |(_, e)| e)
}

/// Help text listing `examples`.
fn help_text(examples: &[Example]) -> String {
    let mut text = String::from("Examples:");
    for e in examples {
        text.push_str(&format!("\n  # {}\n  $ {}\n", e.about, e.command));
    }
    text.trim_end().to_owned()
}

/// Appends each command's examples to its long help (`--help`, not `-h`).
pub fn attach(cmd: clap::Command) -> clap::Command {
    attach_at(cmd, "")
}

fn attach_at(mut cmd: clap::Command, path: &str) -> clap::Command {
    let examples = for_command(path);
    if !examples.is_empty() {
        let text = help_text(examples);
        let combined = match cmd.get_after_long_help() {
            Some(existing) => format!("{text}\n\n{existing}"),
            None => text,
        };
        cmd = cmd.after_long_help(combined);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| attach_at(sub, &sub_path));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_path_is_a_real_command() {
        let root = super::super::command();
        for (path, examples) in EXAMPLES {
            let mut cmd = &root;
            for name in path.split_whitespace() {
                cmd = cmd
                    .find_subcommand(name)
                    .unwrap_or_else(|| panic!("examples for unknown command `{path}`"));
            }
            for e in *examples {
                assert!(e.command.contains("opsctl"), "{path}: {}", e.command);
            }
        }
    }
}
