"""Shell completion for `presslift`: `presslift completion bash` prints a script that completes the
commands, their subcommands and options, made from the command's own parser (so it never drifts).

    source <(presslift completion bash)          # bash; add it to ~/.bashrc to keep it
    autoload -U bashcompinit && bashcompinit     # zsh: then the same line
"""

from __future__ import annotations

import argparse
import shlex


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(
        flag for action in parser._actions for flag in action.option_strings if flag.startswith("--")
    )


def _words(parser: argparse.ArgumentParser, path: str = "") -> dict[str, list[str]]:
    """Each command path ("", "site", "site add") -> the words that may follow it."""
    children = _subparsers(parser)
    found = {path: [*children, *_options(parser)]}
    for name, child in children.items():
        found.update(_words(child, f"{path} {name}".strip()))
    return found


def bash_script(parser: argparse.ArgumentParser) -> str:
    cases = "\n".join(
        f"        {shlex.quote(path or '_')}) words={shlex.quote(' '.join(words))} ;;"
        for path, words in sorted(_words(parser).items())
    )
    return f"""# presslift completion (bash; zsh after `autoload -U bashcompinit && bashcompinit`)
_presslift() {{
    local cur path="" word words
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    for word in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
        case "$word" in -*) continue ;; esac
        case "${{path:-_}} $word" in
{_path_cases(parser)}
        esac
    done
    case "${{path:-_}}" in
{cases}
        *) words="" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -o default -F _presslift presslift
"""


def _path_cases(parser: argparse.ArgumentParser) -> str:
    """Case arms that extend the command path by a word only when it names a subcommand there."""
    arms = []
    for path in sorted(_words(parser)):
        parent, _, name = path.rpartition(" ")
        if not path:
            continue
        key = f"{parent or '_'} {name}"
        arms.append(f"            {shlex.quote(key)}) path={shlex.quote(path)} ;;")
    return "\n".join(arms)
