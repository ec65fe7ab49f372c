
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
            cand -o 'Report format on stdout'
            cand --output 'Report format on stdout'
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
            cand config 'Show the configuration and where each value comes from'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;config'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format on stdout'
            cand --output 'Report format on stdout'
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
            cand -o 'Report format on stdout'
            cand --output 'Report format on stdout'
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
            cand -o 'Report format on stdout'
            cand --output 'Report format on stdout'
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
        &'opsctl;completions'= {
            cand -C 'Run as if opsctl was started in DIR'
            cand --config 'Read this project config file instead of searching for opsctl.toml'
            cand -o 'Report format on stdout'
            cand --output 'Report format on stdout'
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
            cand config 'Show the configuration and where each value comes from'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'opsctl;help;config'= {
            cand show 'Print every setting with its value and origin, or one value'
            cand path 'Print the config files that are read'
        }
        &'opsctl;help;config;show'= {
        }
        &'opsctl;help;config;path'= {
        }
        &'opsctl;help;completions'= {
        }
        &'opsctl;help;help'= {
        }
    ]
    $completions[$command]
}
