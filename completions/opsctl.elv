
use builtin;
use str;

set edit:completion:arg-completer[opsctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'opsctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'opsctl'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand new 'Generate a GitOps-ready repository from a template'
            cand config 'Show the configuration and where each value comes from'
            cand secrets 'Seal secrets files so they can be committed (SOPS-compatible, age)'
            cand render 'Render Kubernetes manifests from templates and layered values'
            cand load 'Load test an HTTP endpoint (closed or open model), with thresholds and baselines'
            cand gate 'Gate a deployment on Prometheus metrics (gate.yaml or Argo AnalysisTemplates)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;new'= {
            cand -t 'A built-in template name, a local directory, or a git URL[#REF][//SUBDIR] [default: service]'
            cand --template 'A built-in template name, a local directory, or a git URL[#REF][//SUBDIR] [default: service]'
            cand -s 'Answer a variable: NAME=VALUE (repeatable; lists are comma-separated)'
            cand --set 'Answer a variable: NAME=VALUE (repeatable; lists are comma-separated)'
            cand --answers 'Read answers from a TOML file: NAME = VALUE lines, or the [answers] table of an .opsctl/answers.toml (--set wins)'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --defaults 'Take every default without asking'
            cand -n 'Print the files that would be written, and write nothing'
            cand --dry-run 'Print the files that would be written, and write nothing'
            cand -f 'Generate into a non-empty directory, overwriting files the template produces'
            cand --force 'Generate into a non-empty directory, overwriting files the template produces'
            cand --list 'List the built-in templates (or --template''s) and their variables'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;config'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'Print every setting with its value and origin, or one value'
            cand path 'Print the config files that are read'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;config;show'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;config;path'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;config;help'= {
            cand show 'Print every setting with its value and origin, or one value'
            cand path 'Print the config files that are read'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;config;help;show'= {
        }
        &'opsctl;config;help;path'= {
        }
        &'opsctl;config;help;help'= {
        }
        &'opsctl;secrets'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand keygen 'Create a new age identity (key pair)'
            cand seal 'Encrypt files for their recipients'
            cand unseal 'Decrypt a sealed file'
            cand check 'Verify that files are sealed and intact (for pre-commit and CI)'
            cand exec 'Run a command with the decrypted values as environment variables'
            cand edit 'Edit a sealed file in your editor; unchanged values keep their ciphertext'
            cand set 'Set one value in a sealed file'
            cand unset 'Remove one value from a sealed file'
            cand rotate 'New data key and fresh ciphertext, adding or removing recipients'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;secrets;keygen'= {
            cand --out 'Write the identity to FILE (created 0600, never overwritten); `-` for stdout; the same as -o FILE'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --add-to-sops-keys 'Also append the identity to the default sops key file'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;seal'= {
            cand --out 'Write the result to FILE (atomically) instead of stdout; the same as -o FILE'
            cand --age 'Seal for this age recipient (age1…, ssh-ed25519 …, ssh-rsa …); repeatable or comma-separated'
            cand --recipients-file 'Seal for every recipient listed in FILE (one per line, # comments)'
            cand --encrypted-regex 'Encrypt only keys matching REGEX (e.g. ''^(data|stringData)$'')'
            cand --unencrypted-regex 'Leave keys matching REGEX in clear text'
            cand --encrypted-suffix 'Encrypt only keys ending with SUFFIX'
            cand --unencrypted-suffix 'Leave keys ending with SUFFIX in clear text (default: _unencrypted)'
            cand --encrypted-comment-regex 'Encrypt only values under a comment matching REGEX'
            cand --unencrypted-comment-regex 'Leave values under a comment matching REGEX in clear text'
            cand --input-type 'Read the input as this format instead of guessing from the file name'
            cand --output-type 'Write the output in this format (default: the input''s)'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand -i 'Replace each input file with the result (atomically)'
            cand --in-place 'Replace each input file with the result (atomically)'
            cand --mac-only-encrypted 'Cover only the encrypted values with the MAC, so clear values can be edited by hand'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;unseal'= {
            cand --extract 'Print only this value, e.g. ''["db"]["password"]'' or ''["hosts"][0]'''
            cand --out 'Write the result to FILE (atomically) instead of stdout; the same as -o FILE'
            cand --identity 'Read age identities (or SSH private keys) from FILE; repeatable'
            cand --input-type 'Read the input as this format instead of guessing from the file name'
            cand --output-type 'Write the output in this format (default: the input''s)'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand -i 'Replace each input file with the result (atomically)'
            cand --in-place 'Replace each input file with the result (atomically)'
            cand --ignore-mac 'Open the file even if its MAC does not verify (tampering goes unnoticed)'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;check'= {
            cand --identity 'Also verify MACs with the age identities (or SSH keys) in FILE; repeatable'
            cand --input-type 'Read files as this format instead of guessing from their names'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;exec'= {
            cand --identity 'Read age identities (or SSH private keys) from FILE; repeatable'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --pristine 'Give the command only the secrets and PATH, not opsctl''s environment'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;edit'= {
            cand --age 'For a new file: seal for this age recipient; repeatable or comma-separated'
            cand --identity 'Read age identities (or SSH private keys) from FILE; repeatable'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;set'= {
            cand --value-file 'Take the value, as text, from FILE (keeps secrets off the command line)'
            cand --identity 'Read age identities (or SSH private keys) from FILE; repeatable'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;unset'= {
            cand --identity 'Read age identities (or SSH private keys) from FILE; repeatable'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;rotate'= {
            cand --add-age 'Also seal for this age recipient; repeatable or comma-separated'
            cand --rm-age 'Stop sealing for this age recipient; repeatable or comma-separated'
            cand --identity 'Read age identities (or SSH private keys) from FILE; repeatable'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --keys-only 'Keep the data key and values; only sync recipients with .sops.yaml (sops updatekeys)'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;secrets;help'= {
            cand keygen 'Create a new age identity (key pair)'
            cand seal 'Encrypt files for their recipients'
            cand unseal 'Decrypt a sealed file'
            cand check 'Verify that files are sealed and intact (for pre-commit and CI)'
            cand exec 'Run a command with the decrypted values as environment variables'
            cand edit 'Edit a sealed file in your editor; unchanged values keep their ciphertext'
            cand set 'Set one value in a sealed file'
            cand unset 'Remove one value from a sealed file'
            cand rotate 'New data key and fresh ciphertext, adding or removing recipients'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;secrets;help;keygen'= {
        }
        &'opsctl;secrets;help;seal'= {
        }
        &'opsctl;secrets;help;unseal'= {
        }
        &'opsctl;secrets;help;check'= {
        }
        &'opsctl;secrets;help;exec'= {
        }
        &'opsctl;secrets;help;edit'= {
        }
        &'opsctl;secrets;help;set'= {
        }
        &'opsctl;secrets;help;unset'= {
        }
        &'opsctl;secrets;help;rotate'= {
        }
        &'opsctl;secrets;help;help'= {
        }
        &'opsctl;render'= {
            cand -e 'Layer values/ENV.yaml over values.yaml'
            cand --env 'Layer values/ENV.yaml over values.yaml'
            cand -f 'Layer this values file on top (repeatable, later wins; SOPS-sealed files are opened in memory)'
            cand --values 'Layer this values file on top (repeatable, later wins; SOPS-sealed files are opened in memory)'
            cand --set 'Set a value: a.b[0].c=v (typed: ints, bools, null; `,` separates, `\,` escapes)'
            cand --set-string 'Set a value, always as a string'
            cand --set-file 'Set a value to the content of a file'
            cand --release 'Release name templates see as release.name [default: render.release, else the project directory''s name]'
            cand -n 'Namespace templates see as release.namespace [default: render.namespace, else default]'
            cand --namespace 'Namespace templates see as release.namespace [default: render.namespace, else default]'
            cand --identity 'Age identity (or SSH key) for sealed values files; repeatable'
            cand --out 'Write one file per object into DIR (atomically; files no longer rendered are removed)'
            cand --schema-dir 'Kubernetes JSON schemas in kubeconform''s layout (e.g. v1.33.0-standalone-strict); implies --validate'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --all-envs 'Render every environment in values/ (with --out: one subdirectory each)'
            cand --check 'Compare with what --out holds; exit 1 with a diff when it is stale'
            cand --validate 'Check every object against Kubernetes JSON schemas in --schema-dir'
            cand --show-values 'Print the merged values instead of the manifests'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;load'= {
            cand -c 'Connections to hold open [default: 50]'
            cand --connections 'Connections to hold open [default: 50]'
            cand -d 'Run for this long, e.g. 30s or 1m [default: 10s unless -n or --stages]'
            cand --duration 'Run for this long, e.g. 30s or 1m [default: 10s unless -n or --stages]'
            cand -n 'Stop after this many requests'
            cand --requests 'Stop after this many requests'
            cand --rate 'Open model: start requests at this constant rate, e.g. 500 or 500/s'
            cand --stages 'Open model: ramp the rate, e.g. 30s:100,1m:500,30s:0 (from --rate, else 0)'
            cand -m 'Request method [default: GET, or POST with a body]'
            cand --method 'Request method [default: GET, or POST with a body]'
            cand -H 'Add a header, ''Name: value'' (repeatable)'
            cand --header 'Add a header, ''Name: value'' (repeatable)'
            cand --body 'Request body'
            cand --body-file 'Request body from a file'
            cand --timeout 'Give up on a request after this long [default: 10s]'
            cand --connect-timeout 'Give up on connecting after this long [default: 5s]'
            cand --streams 'Concurrent HTTP/2 streams per connection [default: 1]'
            cand --threads 'Engine threads [default: CPU count]'
            cand --threshold 'Fail (exit 1) unless this holds, e.g. ''p95<200ms'', ''error_rate<1%'', ''rps>=500'' (repeatable)'
            cand --baseline 'Compare with a saved result; exit 1 on regression'
            cand --max-regression 'Allowed regression against --baseline [default: p99=10%,rps=5%,error_rate=1%]'
            cand --save 'Write the full result as JSON to FILE (for --baseline and `load report`)'
            cand --report 'Write a self-contained HTML report to FILE'
            cand --scenario 'Read requests and settings from a scenario file (flags override it)'
            cand --workers 'Pods for --emit-job; the load is split between them'
            cand --image 'Image for --emit-job, with opsctl as its entrypoint'
            cand --job-name 'Name of the Job and ConfigMap for --emit-job'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --http2 'Speak HTTP/2 (prior knowledge on http://, ALPN on https://)'
            cand -k 'Accept any TLS certificate'
            cand --insecure 'Accept any TLS certificate'
            cand --validate 'Check the test (scenario, flags, thresholds, body files) and send nothing'
            cand --emit-job 'Print a Kubernetes Job that runs this test on --workers pods, instead of running it'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand report 'Merge saved results and print, compare or draw them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;load;report'= {
            cand --threshold 'Fail (exit 1) unless this holds, e.g. ''p95<200ms'', ''error_rate<1%'', ''rps>=500'' (repeatable)'
            cand --baseline 'Compare with a saved result; exit 1 on regression'
            cand --max-regression 'Allowed regression against --baseline [default: p99=10%,rps=5%,error_rate=1%]'
            cand --save 'Write the full result as JSON to FILE (for --baseline and `load report`)'
            cand --report 'Write a self-contained HTML report to FILE'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;load;help'= {
            cand report 'Merge saved results and print, compare or draw them'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;load;help;report'= {
        }
        &'opsctl;load;help;help'= {
        }
        &'opsctl;gate'= {
            cand --prometheus 'Prometheus (or Thanos, Mimir, VictoriaMetrics) address; wins over the spec and opsctl.toml'
            cand --arg 'Set an analysis arg, substituted as {{args.NAME}} (repeatable)'
            cand --at 'Replay the analysis from a past instant: RFC 3339, unix seconds, or a duration ago (30m)'
            cand --timeout 'Stop the analysis after this long (background metrics without a count end then)'
            cand --junit 'Write a JUnit XML report, one test case per metric'
            cand --token-file 'Bearer token file for Prometheus (else OPSCTL_PROMETHEUS_TOKEN)'
            cand --user 'Basic auth user; the password comes from OPSCTL_PROMETHEUS_PASSWORD'
            cand -H 'Add a header to every query, ''Name: value'' (e.g. X-Scope-OrgID) (repeatable)'
            cand --header 'Add a header to every query, ''Name: value'' (e.g. X-Scope-OrgID) (repeatable)'
            cand --cacert 'Trust the CA certificates in this PEM file'
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --once 'One measurement per metric, judged alone (for a post-deploy CI check)'
            cand --dry-run 'Evaluate and report, but exit 0 whatever the verdict'
            cand --validate 'Check the spec and print the resolved queries; query nothing'
            cand -k 'Skip TLS certificate verification'
            cand --insecure 'Skip TLS certificate verification'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;completions'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --output 'Report format; for secrets keygen, seal and unseal also an output FILE'
            cand --color 'When to colour output'
            cand --no-config 'Read no config file (neither opsctl.toml nor the user config)'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Say more about what is happening (repeat for more)'
            cand --verbose 'Say more about what is happening (repeat for more)'
            cand --no-input 'Never prompt; fail and name the flag that supplies the answer'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'opsctl;help'= {
            cand new 'Generate a GitOps-ready repository from a template'
            cand config 'Show the configuration and where each value comes from'
            cand secrets 'Seal secrets files so they can be committed (SOPS-compatible, age)'
            cand render 'Render Kubernetes manifests from templates and layered values'
            cand load 'Load test an HTTP endpoint (closed or open model), with thresholds and baselines'
            cand gate 'Gate a deployment on Prometheus metrics (gate.yaml or Argo AnalysisTemplates)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;help;new'= {
        }
        &'opsctl;help;config'= {
            cand show 'Print every setting with its value and origin, or one value'
            cand path 'Print the config files that are read'
        }
        &'opsctl;help;config;show'= {
        }
        &'opsctl;help;config;path'= {
        }
        &'opsctl;help;secrets'= {
            cand keygen 'Create a new age identity (key pair)'
            cand seal 'Encrypt files for their recipients'
            cand unseal 'Decrypt a sealed file'
            cand check 'Verify that files are sealed and intact (for pre-commit and CI)'
            cand exec 'Run a command with the decrypted values as environment variables'
            cand edit 'Edit a sealed file in your editor; unchanged values keep their ciphertext'
            cand set 'Set one value in a sealed file'
            cand unset 'Remove one value from a sealed file'
            cand rotate 'New data key and fresh ciphertext, adding or removing recipients'
        }
        &'opsctl;help;secrets;keygen'= {
        }
        &'opsctl;help;secrets;seal'= {
        }
        &'opsctl;help;secrets;unseal'= {
        }
        &'opsctl;help;secrets;check'= {
        }
        &'opsctl;help;secrets;exec'= {
        }
        &'opsctl;help;secrets;edit'= {
        }
        &'opsctl;help;secrets;set'= {
        }
        &'opsctl;help;secrets;unset'= {
        }
        &'opsctl;help;secrets;rotate'= {
        }
        &'opsctl;help;render'= {
        }
        &'opsctl;help;load'= {
            cand report 'Merge saved results and print, compare or draw them'
        }
        &'opsctl;help;load;report'= {
        }
        &'opsctl;help;gate'= {
        }
        &'opsctl;help;completions'= {
        }
        &'opsctl;help;help'= {
        }
    ]
    $completions[$command]
}
