# Drives an interactive zsh on a pseudo-terminal (zsh/zpty), loads the
# completion functions in COMPDIR, types WORDS and a Tab, and prints the screen.
# Usage: zsh -f zsh-complete.zsh COMPDIR WORDS
zmodload zsh/zpty
compdir=$1 words=$2
zpty z zsh -f -i
zpty -w z "PS1='%% '; fpath=($compdir \$fpath); autoload -U compinit; compinit -u -D; LISTMAX=0; zstyle ':completion:*' list-prompt ''"
zpty -w z 'print READY-$((6*7))'
zpty -r z junk '*READY-42*' || { print -u2 "zsh did not start"; exit 1 }
zpty -w -n z "$words"$'\t'
# Read until the screen has been quiet for two seconds.
all='' idle=0
while (( idle < 10 )); do
  if zpty -r -t z chunk; then all+=$chunk; idle=0; else sleep 0.2; (( idle++ )); fi
done
print -r -- "$all"
zpty -d z
