# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_opsctl_global_optspecs
    string join \n C= config= no-config o/output= q/quiet v/verbose color= no-input h/help V/version
end

function __fish_opsctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_opsctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_opsctl_using_subcommand
    set -l cmd (__fish_opsctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c opsctl -n "__fish_opsctl_needs_command" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_needs_command" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_needs_command" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_needs_command" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_needs_command" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_needs_command" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_needs_command" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_needs_command" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_needs_command" -s V -l version -d 'Print version'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "new" -d 'Generate a GitOps-ready repository from a template'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "config" -d 'Show the configuration and where each value comes from'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "secrets" -d 'Seal secrets files so they can be committed (SOPS-compatible, age)'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "render" -d 'Render Kubernetes manifests from templates and layered values'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "load" -d 'Load test an HTTP endpoint (closed or open model), with thresholds and baselines'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "gate" -d 'Gate a deployment on Prometheus metrics (gate.yaml or Argo AnalysisTemplates)'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c opsctl -n "__fish_opsctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s t -l template -d 'A built-in template name, a local directory, or a git URL[#REF][//SUBDIR] [default: service]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s s -l set -d 'Answer a variable: NAME=VALUE (repeatable; lists are comma-separated)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -l answers -d 'Read answers from a TOML file: NAME = VALUE lines, or the [answers] table of an .opsctl/answers.toml (--set wins)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -l defaults -d 'Take every default without asking'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s n -l dry-run -d 'Print the files that would be written, and write nothing'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s f -l force -d 'Generate into a non-empty directory, overwriting files the template produces'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -l list -d 'List the built-in templates (or --template\'s) and their variables'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "show" -d 'Print every setting with its value and origin, or one value'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "path" -d 'Print the config files that are read'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and not __fish_seen_subcommand_from show path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print every setting with its value and origin, or one value'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config files that are read'
complete -c opsctl -n "__fish_opsctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "keygen" -d 'Create a new age identity (key pair)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "seal" -d 'Encrypt files for their recipients'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "unseal" -d 'Decrypt a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "check" -d 'Verify that files are sealed and intact (for pre-commit and CI)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "exec" -d 'Run a command with the decrypted values as environment variables'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "edit" -d 'Edit a sealed file in your editor; unchanged values keep their ciphertext'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "set" -d 'Set one value in a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "unset" -d 'Remove one value from a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "rotate" -d 'New data key and fresh ciphertext, adding or removing recipients'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and not __fish_seen_subcommand_from keygen seal unseal check exec edit set unset rotate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -l out -d 'Write the identity to FILE (created 0600, never overwritten); `-` for stdout; the same as -o FILE' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -l add-to-sops-keys -d 'Also append the identity to the default sops key file'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l out -d 'Write the result to FILE (atomically) instead of stdout; the same as -o FILE' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l age -d 'Seal for this age recipient (age1…, ssh-ed25519 …, ssh-rsa …); repeatable or comma-separated' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l recipients-file -d 'Seal for every recipient listed in FILE (one per line, # comments)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l encrypted-regex -d 'Encrypt only keys matching REGEX (e.g. \'^(data|stringData)$\')' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l unencrypted-regex -d 'Leave keys matching REGEX in clear text' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l encrypted-suffix -d 'Encrypt only keys ending with SUFFIX' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l unencrypted-suffix -d 'Leave keys ending with SUFFIX in clear text (default: _unencrypted)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l encrypted-comment-regex -d 'Encrypt only values under a comment matching REGEX' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l unencrypted-comment-regex -d 'Leave values under a comment matching REGEX in clear text' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l input-type -d 'Read the input as this format instead of guessing from the file name' -r -f -a "yaml\t''
json\t''
dotenv\t''
ini\t''
binary\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l output-type -d 'Write the output in this format (default: the input\'s)' -r -f -a "yaml\t''
json\t''
dotenv\t''
ini\t''
binary\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -s i -l in-place -d 'Replace each input file with the result (atomically)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l mac-only-encrypted -d 'Cover only the encrypted values with the MAC, so clear values can be edited by hand'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from seal" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l extract -d 'Print only this value, e.g. \'["db"]["password"]\' or \'["hosts"][0]\'' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l out -d 'Write the result to FILE (atomically) instead of stdout; the same as -o FILE' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l identity -d 'Read age identities (or SSH private keys) from FILE; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l input-type -d 'Read the input as this format instead of guessing from the file name' -r -f -a "yaml\t''
json\t''
dotenv\t''
ini\t''
binary\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l output-type -d 'Write the output in this format (default: the input\'s)' -r -f -a "yaml\t''
json\t''
dotenv\t''
ini\t''
binary\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -s i -l in-place -d 'Replace each input file with the result (atomically)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l ignore-mac -d 'Open the file even if its MAC does not verify (tampering goes unnoticed)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unseal" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -l identity -d 'Also verify MACs with the age identities (or SSH keys) in FILE; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -l input-type -d 'Read files as this format instead of guessing from their names' -r -f -a "yaml\t''
json\t''
dotenv\t''
ini\t''
binary\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -l identity -d 'Read age identities (or SSH private keys) from FILE; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -l pristine -d 'Give the command only the secrets and PATH, not opsctl\'s environment'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -l age -d 'For a new file: seal for this age recipient; repeatable or comma-separated' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -l identity -d 'Read age identities (or SSH private keys) from FILE; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -l value-file -d 'Take the value, as text, from FILE (keeps secrets off the command line)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -l identity -d 'Read age identities (or SSH private keys) from FILE; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -l identity -d 'Read age identities (or SSH private keys) from FILE; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l add-age -d 'Also seal for this age recipient; repeatable or comma-separated' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l rm-age -d 'Stop sealing for this age recipient; repeatable or comma-separated' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l identity -d 'Read age identities (or SSH private keys) from FILE; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l keys-only -d 'Keep the data key and values; only sync recipients with .sops.yaml (sops updatekeys)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "keygen" -d 'Create a new age identity (key pair)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "seal" -d 'Encrypt files for their recipients'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "unseal" -d 'Decrypt a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "check" -d 'Verify that files are sealed and intact (for pre-commit and CI)'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "exec" -d 'Run a command with the decrypted values as environment variables'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Edit a sealed file in your editor; unchanged values keep their ciphertext'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set one value in a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove one value from a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'New data key and fresh ciphertext, adding or removing recipients'
complete -c opsctl -n "__fish_opsctl_using_subcommand secrets; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s e -l env -d 'Layer values/ENV.yaml over values.yaml' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s f -l values -d 'Layer this values file on top (repeatable, later wins; SOPS-sealed files are opened in memory)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l set -d 'Set a value: a.b[0].c=v (typed: ints, bools, null; `,` separates, `\\,` escapes)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l set-string -d 'Set a value, always as a string' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l set-file -d 'Set a value to the content of a file' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l release -d 'Release name templates see as release.name [default: render.release, else the project directory\'s name]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s n -l namespace -d 'Namespace templates see as release.namespace [default: render.namespace, else default]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l identity -d 'Age identity (or SSH key) for sealed values files; repeatable' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l out -d 'Write one file per object into DIR (atomically; files no longer rendered are removed)' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l schema-dir -d 'Kubernetes JSON schemas in kubeconform\'s layout (e.g. v1.33.0-standalone-strict); implies --validate' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l all-envs -d 'Render every environment in values/ (with --out: one subdirectory each)'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l check -d 'Compare with what --out holds; exit 1 with a diff when it is stale'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l validate -d 'Check every object against Kubernetes JSON schemas in --schema-dir'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l show-values -d 'Print the merged values instead of the manifests'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s c -l connections -d 'Connections to hold open [default: 50]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s d -l duration -d 'Run for this long, e.g. 30s or 1m [default: 10s unless -n or --stages]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s n -l requests -d 'Stop after this many requests' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l rate -d 'Open model: start requests at this constant rate, e.g. 500 or 500/s' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l stages -d 'Open model: ramp the rate, e.g. 30s:100,1m:500,30s:0 (from --rate, else 0)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s m -l method -d 'Request method [default: GET, or POST with a body]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s H -l header -d 'Add a header, \'Name: value\' (repeatable)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l body -d 'Request body' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l body-file -d 'Request body from a file' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l timeout -d 'Give up on a request after this long [default: 10s]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l connect-timeout -d 'Give up on connecting after this long [default: 5s]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l streams -d 'Concurrent HTTP/2 streams per connection [default: 1]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l threads -d 'Engine threads [default: CPU count]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l threshold -d 'Fail (exit 1) unless this holds, e.g. \'p95<200ms\', \'error_rate<1%\', \'rps>=500\' (repeatable)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l baseline -d 'Compare with a saved result; exit 1 on regression' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l max-regression -d 'Allowed regression against --baseline [default: p99=10%,rps=5%,error_rate=1%]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l save -d 'Write the full result as JSON to FILE (for --baseline and `load report`)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l report -d 'Write a self-contained HTML report to FILE' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l scenario -d 'Read requests and settings from a scenario file (flags override it)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l workers -d 'Pods for --emit-job; the load is split between them' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l image -d 'Image for --emit-job, with opsctl as its entrypoint' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l job-name -d 'Name of the Job and ConfigMap for --emit-job' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l http2 -d 'Speak HTTP/2 (prior knowledge on http://, ALPN on https://)'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s k -l insecure -d 'Accept any TLS certificate'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l validate -d 'Check the test (scenario, flags, thresholds, body files) and send nothing'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l emit-job -d 'Print a Kubernetes Job that runs this test on --workers pods, instead of running it'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -a "report" -d 'Merge saved results and print, compare or draw them'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and not __fish_seen_subcommand_from report help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l threshold -d 'Fail (exit 1) unless this holds, e.g. \'p95<200ms\', \'error_rate<1%\', \'rps>=500\' (repeatable)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l baseline -d 'Compare with a saved result; exit 1 on regression' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l max-regression -d 'Allowed regression against --baseline [default: p99=10%,rps=5%,error_rate=1%]' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l save -d 'Write the full result as JSON to FILE (for --baseline and `load report`)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l report -d 'Write a self-contained HTML report to FILE' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from help" -f -a "report" -d 'Merge saved results and print, compare or draw them'
complete -c opsctl -n "__fish_opsctl_using_subcommand load; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l prometheus -d 'Prometheus (or Thanos, Mimir, VictoriaMetrics) address; wins over the spec and opsctl.toml' -r -f
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l arg -d 'Set an analysis arg, substituted as {{args.NAME}} (repeatable)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l at -d 'Replay the analysis from a past instant: RFC 3339, unix seconds, or a duration ago (30m)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l timeout -d 'Stop the analysis after this long (background metrics without a count end then)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l junit -d 'Write a JUnit XML report, one test case per metric' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l token-file -d 'Bearer token file for Prometheus (else OPSCTL_PROMETHEUS_TOKEN)' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l user -d 'Basic auth user; the password comes from OPSCTL_PROMETHEUS_PASSWORD' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -s H -l header -d 'Add a header to every query, \'Name: value\' (e.g. X-Scope-OrgID) (repeatable)' -r
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l cacert -d 'Trust the CA certificates in this PEM file' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l once -d 'One measurement per metric, judged alone (for a post-deploy CI check)'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l dry-run -d 'Evaluate and report, but exit 0 whatever the verdict'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l validate -d 'Check the spec and print the resolved queries; query nothing'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -s k -l insecure -d 'Skip TLS certificate verification'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand gate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -s C -d 'Run as if opsctl was started in DIR' -r -f -a "(__fish_complete_directories)"
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -l config -d 'Read this project config file instead of searching for opsctl.toml' -r -F
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -s o -l output -d 'Report format; for secrets keygen, seal and unseal also an output FILE' -r -f -a "human\t''
json\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -l color -d 'When to colour output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -l no-config -d 'Read no config file (neither opsctl.toml nor the user config)'
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -s v -l verbose -d 'Say more about what is happening (repeat for more)'
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -l no-input -d 'Never prompt; fail and name the flag that supplies the answer'
complete -c opsctl -n "__fish_opsctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "new" -d 'Generate a GitOps-ready repository from a template'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "config" -d 'Show the configuration and where each value comes from'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "secrets" -d 'Seal secrets files so they can be committed (SOPS-compatible, age)'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "render" -d 'Render Kubernetes manifests from templates and layered values'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "load" -d 'Load test an HTTP endpoint (closed or open model), with thresholds and baselines'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "gate" -d 'Gate a deployment on Prometheus metrics (gate.yaml or Argo AnalysisTemplates)'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and not __fish_seen_subcommand_from new config secrets render load gate completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print every setting with its value and origin, or one value'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config files that are read'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "keygen" -d 'Create a new age identity (key pair)'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "seal" -d 'Encrypt files for their recipients'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "unseal" -d 'Decrypt a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "check" -d 'Verify that files are sealed and intact (for pre-commit and CI)'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "exec" -d 'Run a command with the decrypted values as environment variables'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "edit" -d 'Edit a sealed file in your editor; unchanged values keep their ciphertext'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "set" -d 'Set one value in a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "unset" -d 'Remove one value from a sealed file'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from secrets" -f -a "rotate" -d 'New data key and fresh ciphertext, adding or removing recipients'
complete -c opsctl -n "__fish_opsctl_using_subcommand help; and __fish_seen_subcommand_from load" -f -a "report" -d 'Merge saved results and print, compare or draw them'
