
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'opsctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'opsctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'opsctl' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Generate a GitOps-ready repository from a template')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the configuration and where each value comes from')
            [CompletionResult]::new('secrets', 'secrets', [CompletionResultType]::ParameterValue, 'Seal secrets files so they can be committed (SOPS-compatible, age)')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render Kubernetes manifests from templates and layered values')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load test an HTTP endpoint (closed or open model), with thresholds and baselines')
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'Gate a deployment on Prometheus metrics (gate.yaml or Argo AnalysisTemplates)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;new' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'A built-in template name, a local directory, or a git URL[#REF][//SUBDIR] [default: service]')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'A built-in template name, a local directory, or a git URL[#REF][//SUBDIR] [default: service]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Answer a variable: NAME=VALUE (repeatable; lists are comma-separated)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Answer a variable: NAME=VALUE (repeatable; lists are comma-separated)')
            [CompletionResult]::new('--answers', '--answers', [CompletionResultType]::ParameterName, 'Read answers from a TOML file: NAME = VALUE lines, or the [answers] table of an .opsctl/answers.toml (--set wins)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--defaults', '--defaults', [CompletionResultType]::ParameterName, 'Take every default without asking')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print the files that would be written, and write nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the files that would be written, and write nothing')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Generate into a non-empty directory, overwriting files the template produces')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Generate into a non-empty directory, overwriting files the template produces')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the built-in templates (or --template''s) and their variables')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;config' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print every setting with its value and origin, or one value')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config files that are read')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;config;show' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;config;path' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print every setting with its value and origin, or one value')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config files that are read')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;config;help;show' {
            break
        }
        'opsctl;config;help;path' {
            break
        }
        'opsctl;config;help;help' {
            break
        }
        'opsctl;secrets' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a new age identity (key pair)')
            [CompletionResult]::new('seal', 'seal', [CompletionResultType]::ParameterValue, 'Encrypt files for their recipients')
            [CompletionResult]::new('unseal', 'unseal', [CompletionResultType]::ParameterValue, 'Decrypt a sealed file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify that files are sealed and intact (for pre-commit and CI)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the decrypted values as environment variables')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a sealed file in your editor; unchanged values keep their ciphertext')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value in a sealed file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove one value from a sealed file')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'New data key and fresh ciphertext, adding or removing recipients')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;secrets;keygen' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the identity to FILE (created 0600, never overwritten); `-` for stdout; the same as -o FILE')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--add-to-sops-keys', '--add-to-sops-keys', [CompletionResultType]::ParameterName, 'Also append the identity to the default sops key file')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;seal' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the result to FILE (atomically) instead of stdout; the same as -o FILE')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'Seal for this age recipient (age1…, ssh-ed25519 …, ssh-rsa …); repeatable or comma-separated')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Seal for every recipient listed in FILE (one per line, # comments)')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching REGEX (e.g. ''^(data|stringData)$'')')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching REGEX in clear text')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys ending with SUFFIX')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys ending with SUFFIX in clear text (default: _unencrypted)')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values under a comment matching REGEX')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values under a comment matching REGEX in clear text')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Read the input as this format instead of guessing from the file name')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Write the output in this format (default: the input''s)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Replace each input file with the result (atomically)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace each input file with the result (atomically)')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Cover only the encrypted values with the MAC, so clear values can be edited by hand')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;unseal' {
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Print only this value, e.g. ''["db"]["password"]'' or ''["hosts"][0]''')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the result to FILE (atomically) instead of stdout; the same as -o FILE')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Read age identities (or SSH private keys) from FILE; repeatable')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Read the input as this format instead of guessing from the file name')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Write the output in this format (default: the input''s)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Replace each input file with the result (atomically)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace each input file with the result (atomically)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Open the file even if its MAC does not verify (tampering goes unnoticed)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;check' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Also verify MACs with the age identities (or SSH keys) in FILE; repeatable')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Read files as this format instead of guessing from their names')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;exec' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Read age identities (or SSH private keys) from FILE; repeatable')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--pristine', '--pristine', [CompletionResultType]::ParameterName, 'Give the command only the secrets and PATH, not opsctl''s environment')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;edit' {
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'For a new file: seal for this age recipient; repeatable or comma-separated')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Read age identities (or SSH private keys) from FILE; repeatable')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;set' {
            [CompletionResult]::new('--value-file', '--value-file', [CompletionResultType]::ParameterName, 'Take the value, as text, from FILE (keeps secrets off the command line)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Read age identities (or SSH private keys) from FILE; repeatable')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;unset' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Read age identities (or SSH private keys) from FILE; repeatable')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;rotate' {
            [CompletionResult]::new('--add-age', '--add-age', [CompletionResultType]::ParameterName, 'Also seal for this age recipient; repeatable or comma-separated')
            [CompletionResult]::new('--rm-age', '--rm-age', [CompletionResultType]::ParameterName, 'Stop sealing for this age recipient; repeatable or comma-separated')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Read age identities (or SSH private keys) from FILE; repeatable')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--keys-only', '--keys-only', [CompletionResultType]::ParameterName, 'Keep the data key and values; only sync recipients with .sops.yaml (sops updatekeys)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;secrets;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a new age identity (key pair)')
            [CompletionResult]::new('seal', 'seal', [CompletionResultType]::ParameterValue, 'Encrypt files for their recipients')
            [CompletionResult]::new('unseal', 'unseal', [CompletionResultType]::ParameterValue, 'Decrypt a sealed file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify that files are sealed and intact (for pre-commit and CI)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the decrypted values as environment variables')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a sealed file in your editor; unchanged values keep their ciphertext')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value in a sealed file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove one value from a sealed file')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'New data key and fresh ciphertext, adding or removing recipients')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;secrets;help;keygen' {
            break
        }
        'opsctl;secrets;help;seal' {
            break
        }
        'opsctl;secrets;help;unseal' {
            break
        }
        'opsctl;secrets;help;check' {
            break
        }
        'opsctl;secrets;help;exec' {
            break
        }
        'opsctl;secrets;help;edit' {
            break
        }
        'opsctl;secrets;help;set' {
            break
        }
        'opsctl;secrets;help;unset' {
            break
        }
        'opsctl;secrets;help;rotate' {
            break
        }
        'opsctl;secrets;help;help' {
            break
        }
        'opsctl;render' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Layer values/ENV.yaml over values.yaml')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Layer values/ENV.yaml over values.yaml')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Layer this values file on top (repeatable, later wins; SOPS-sealed files are opened in memory)')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Layer this values file on top (repeatable, later wins; SOPS-sealed files are opened in memory)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a value: a.b[0].c=v (typed: ints, bools, null; `,` separates, `\,` escapes)')
            [CompletionResult]::new('--set-string', '--set-string', [CompletionResultType]::ParameterName, 'Set a value, always as a string')
            [CompletionResult]::new('--set-file', '--set-file', [CompletionResultType]::ParameterName, 'Set a value to the content of a file')
            [CompletionResult]::new('--release', '--release', [CompletionResultType]::ParameterName, 'Release name templates see as release.name [default: render.release, else the project directory''s name]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace templates see as release.namespace [default: render.namespace, else default]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace templates see as release.namespace [default: render.namespace, else default]')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Age identity (or SSH key) for sealed values files; repeatable')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write one file per object into DIR (atomically; files no longer rendered are removed)')
            [CompletionResult]::new('--schema-dir', '--schema-dir', [CompletionResultType]::ParameterName, 'Kubernetes JSON schemas in kubeconform''s layout (e.g. v1.33.0-standalone-strict); implies --validate')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--all-envs', '--all-envs', [CompletionResultType]::ParameterName, 'Render every environment in values/ (with --out: one subdirectory each)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Compare with what --out holds; exit 1 with a diff when it is stale')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check every object against Kubernetes JSON schemas in --schema-dir')
            [CompletionResult]::new('--show-values', '--show-values', [CompletionResultType]::ParameterName, 'Print the merged values instead of the manifests')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;load' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connections to hold open [default: 50]')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Connections to hold open [default: 50]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Run for this long, e.g. 30s or 1m [default: 10s unless -n or --stages]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Run for this long, e.g. 30s or 1m [default: 10s unless -n or --stages]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after this many requests')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Stop after this many requests')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Open model: start requests at this constant rate, e.g. 500 or 500/s')
            [CompletionResult]::new('--stages', '--stages', [CompletionResultType]::ParameterName, 'Open model: ramp the rate, e.g. 30s:100,1m:500,30s:0 (from --rate, else 0)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Request method [default: GET, or POST with a body]')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Request method [default: GET, or POST with a body]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Request body')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'Request body from a file')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long [default: 10s]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up on connecting after this long [default: 5s]')
            [CompletionResult]::new('--streams', '--streams', [CompletionResultType]::ParameterName, 'Concurrent HTTP/2 streams per connection [default: 1]')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Engine threads [default: CPU count]')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Fail (exit 1) unless this holds, e.g. ''p95<200ms'', ''error_rate<1%'', ''rps>=500'' (repeatable)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Compare with a saved result; exit 1 on regression')
            [CompletionResult]::new('--max-regression', '--max-regression', [CompletionResultType]::ParameterName, 'Allowed regression against --baseline [default: p99=10%,rps=5%,error_rate=1%]')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Write the full result as JSON to FILE (for --baseline and `load report`)')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write a self-contained HTML report to FILE')
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'Read requests and settings from a scenario file (flags override it)')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Pods for --emit-job; the load is split between them')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Image for --emit-job, with opsctl as its entrypoint')
            [CompletionResult]::new('--job-name', '--job-name', [CompletionResultType]::ParameterName, 'Name of the Job and ConfigMap for --emit-job')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--http2', '--http2', [CompletionResultType]::ParameterName, 'Speak HTTP/2 (prior knowledge on http://, ALPN on https://)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any TLS certificate')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check the test (scenario, flags, thresholds, body files) and send nothing')
            [CompletionResult]::new('--emit-job', '--emit-job', [CompletionResultType]::ParameterName, 'Print a Kubernetes Job that runs this test on --workers pods, instead of running it')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Merge saved results and print, compare or draw them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;load;report' {
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Fail (exit 1) unless this holds, e.g. ''p95<200ms'', ''error_rate<1%'', ''rps>=500'' (repeatable)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Compare with a saved result; exit 1 on regression')
            [CompletionResult]::new('--max-regression', '--max-regression', [CompletionResultType]::ParameterName, 'Allowed regression against --baseline [default: p99=10%,rps=5%,error_rate=1%]')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Write the full result as JSON to FILE (for --baseline and `load report`)')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write a self-contained HTML report to FILE')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;load;help' {
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Merge saved results and print, compare or draw them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;load;help;report' {
            break
        }
        'opsctl;load;help;help' {
            break
        }
        'opsctl;gate' {
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Prometheus (or Thanos, Mimir, VictoriaMetrics) address; wins over the spec and opsctl.toml')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'Set an analysis arg, substituted as {{args.NAME}} (repeatable)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Replay the analysis from a past instant: RFC 3339, unix seconds, or a duration ago (30m)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop the analysis after this long (background metrics without a count end then)')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Write a JUnit XML report, one test case per metric')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Bearer token file for Prometheus (else OPSCTL_PROMETHEUS_TOKEN)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic auth user; the password comes from OPSCTL_PROMETHEUS_PASSWORD')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header to every query, ''Name: value'' (e.g. X-Scope-OrgID) (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header to every query, ''Name: value'' (e.g. X-Scope-OrgID) (repeatable)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'One measurement per metric, judged alone (for a post-deploy CI check)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Evaluate and report, but exit 0 whatever the verdict')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check the spec and print the resolved queries; query nothing')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;completions' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if opsctl was started in DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this project config file instead of searching for opsctl.toml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format; for secrets keygen, seal and unseal also an output FILE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file (neither opsctl.toml nor the user config)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what is happening (repeat for more)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail and name the flag that supplies the answer')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'opsctl;help' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Generate a GitOps-ready repository from a template')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the configuration and where each value comes from')
            [CompletionResult]::new('secrets', 'secrets', [CompletionResultType]::ParameterValue, 'Seal secrets files so they can be committed (SOPS-compatible, age)')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render Kubernetes manifests from templates and layered values')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load test an HTTP endpoint (closed or open model), with thresholds and baselines')
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'Gate a deployment on Prometheus metrics (gate.yaml or Argo AnalysisTemplates)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'opsctl;help;new' {
            break
        }
        'opsctl;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print every setting with its value and origin, or one value')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config files that are read')
            break
        }
        'opsctl;help;config;show' {
            break
        }
        'opsctl;help;config;path' {
            break
        }
        'opsctl;help;secrets' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a new age identity (key pair)')
            [CompletionResult]::new('seal', 'seal', [CompletionResultType]::ParameterValue, 'Encrypt files for their recipients')
            [CompletionResult]::new('unseal', 'unseal', [CompletionResultType]::ParameterValue, 'Decrypt a sealed file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify that files are sealed and intact (for pre-commit and CI)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with the decrypted values as environment variables')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a sealed file in your editor; unchanged values keep their ciphertext')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value in a sealed file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove one value from a sealed file')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'New data key and fresh ciphertext, adding or removing recipients')
            break
        }
        'opsctl;help;secrets;keygen' {
            break
        }
        'opsctl;help;secrets;seal' {
            break
        }
        'opsctl;help;secrets;unseal' {
            break
        }
        'opsctl;help;secrets;check' {
            break
        }
        'opsctl;help;secrets;exec' {
            break
        }
        'opsctl;help;secrets;edit' {
            break
        }
        'opsctl;help;secrets;set' {
            break
        }
        'opsctl;help;secrets;unset' {
            break
        }
        'opsctl;help;secrets;rotate' {
            break
        }
        'opsctl;help;render' {
            break
        }
        'opsctl;help;load' {
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Merge saved results and print, compare or draw them')
            break
        }
        'opsctl;help;load;report' {
            break
        }
        'opsctl;help;gate' {
            break
        }
        'opsctl;help;completions' {
            break
        }
        'opsctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
