"""What Hugo removed from its templates and has an exact replacement for, replaced in a build's copy.

A theme written for an older Hugo that uses `resources.ToCSS`, `.Site.DisqusShortname`,
`.Site.GoogleAnalytics`, `.Site.IsServer`, `.Hugo`, `.UniqueID` or `.NextPage` fails every build on Hugo
0.168 ("can't evaluate field"), as it does with plain Hugo; Cactus, Hermit, Ink and Tranquilpeak each
use one. Hugo names the replacement of each, which does the same: `css.Sass` (ToCSS was its old name),
the services settings the same config keys still fill, `hugo`, the page's `.File`, `.Next`.
`.Site.Author` and `.Site.Social` become `.Site.Params.author` and `.social`, given the config's
top-level tables (which Hugo no longer reads); `.Site.Language.Get "disableKinds"` (Hermit) becomes
`site.Params.presslift_config.disablekinds`, given the config's value of each key asked for. The fetch
stage writes those into the copy of the site it stores for the build (never the repository), and each
replaced use is a warning naming the files, so the theme can be updated. What has no exact replacement
(`.URL`, which menu entries still have; `getJSON`) is left as it is, and the failed build says what to
write (`hugo_hints`).

This module reads and rewrites only the templates below a site's layout folders.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_DIR, component_configs
from chalicelib.themelayouts import layout_roots, templates

#: The site's config tables Hugo once gave templates as `.Site.<Name>` and now reads no more.
TABLES = ("Author", "Authors", "Social")
#: Each removed feature's pattern, what it becomes, and its name in the warning.
REPLACEMENTS: list[tuple[re.Pattern[bytes], bytes, str, str]] = [
    # Only the namespaced name: its `toCSS` alias is still Hugo's (Stack and Coder use it).
    (re.compile(rb"\bresources\.ToCSS\b"), b"css.Sass", "resources.ToCSS", "css.Sass"),
    (
        re.compile(rb"\b([Ss]ite)\.DisqusShortname\b"),
        rb"\1.Config.Services.Disqus.Shortname",
        ".Site.DisqusShortname",
        ".Site.Config.Services.Disqus.Shortname",
    ),
    (
        re.compile(rb"\b([Ss]ite)\.GoogleAnalytics\b"),
        rb"\1.Config.Services.GoogleAnalytics.ID",
        ".Site.GoogleAnalytics",
        ".Site.Config.Services.GoogleAnalytics.ID",
    ),
    (
        re.compile(
            rb"(?:\$\w*(?:\.\w+)*|(?<![\w)$])(?:\.\w+)*)\.Site\.IsServer\b|(?<![\w.])site\.IsServer\b"
        ),
        b"hugo.IsServer",
        ".Site.IsServer",
        "hugo.IsServer",
    ),
    (
        # A page's .Hugo; the site's (.Site.Hugo, site.Hugo) is still Hugo's.
        re.compile(rb"(?:\$\w*|(?<![\w)$]))(?:\.(?!Params\b|Data\b)\w+)*(?<!\.Site)(?<!\bsite)\.Hugo\b"),
        b"hugo",
        ".Hugo",
        "hugo",
    ),
    (re.compile(rb"(?<!\.File)\.UniqueID\b"), b".File.UniqueID", ".UniqueID", ".File.UniqueID"),
    (re.compile(rb"(?<!\.File)\.LogicalName\b"), b".File.LogicalName", ".LogicalName", ".File.LogicalName"),
    (re.compile(rb"\b([Ss]ite)\.LastChange\b"), rb"\1.Lastmod", ".Site.LastChange", ".Site.Lastmod"),
    (re.compile(rb"\.NextPage\b"), b".Next", ".NextPage", ".Next"),
    (re.compile(rb"\.PrevPage\b"), b".Prev", ".PrevPage", ".Prev"),
    *(
        (
            re.compile(rb"\b([Ss]ite)\." + name.encode() + rb"\b"),
            rb"\1.Params." + name.lower().encode(),
            f".Site.{name}",
            f".Site.Params.{name.lower()}, given the config's [{name.lower()}] table",
        )
        for name in TABLES
    ),
]
#: A language's (or a page's language's) `.Get "key"`: the site config's value of `key`.
LANGUAGE_GET = re.compile(rb'(?:\$\w*|(?<![\w)$])|(?<![\w.$])site)(?:\.\w+)*\.Language\.Get\s+"(\w{1,64})"')
LANGUAGE_GET_NAME = '.Language.Get "key"'
CONFIG_TABLE = "presslift_config"
PARAMS_FILE = "config/_default/params.toml"
_ANY = re.compile(
    rb"ToCSS|DisqusShortname|GoogleAnalytics\b|IsServer|\.Author|\.Social|Hugo\b|UniqueID|LogicalName"
    rb"|LastChange|NextPage|PrevPage|Language\.Get"
)


def replace_removed_features(site_root: Path) -> list[str]:
    """Replace each removed feature with its replacement in the site's templates (the site's own, its
    themes', its vendored modules'); one note per feature, naming the files."""
    if (site_root / "layouts").is_symlink():
        return []
    used: dict[str, list[str]] = {}
    keys: set[str] = set()  # the config keys a .Language.Get asks for

    def config_value(found: re.Match[bytes]) -> bytes:
        keys.add(found.group(1).decode().lower())
        return b"site.Params." + CONFIG_TABLE.encode() + b"." + found.group(1).lower()

    for path in templates(layout_roots(site_root)):
        try:
            text = path.read_bytes()
        except OSError:
            continue
        if not _ANY.search(text):
            continue
        changed = text
        for pattern, replacement, name, _ in REPLACEMENTS:
            changed, count = pattern.subn(replacement, changed)
            if count:
                used.setdefault(name, []).append(path.relative_to(site_root).as_posix())
        changed, count = LANGUAGE_GET.subn(config_value, changed)
        if count:
            used.setdefault(LANGUAGE_GET_NAME, []).append(path.relative_to(site_root).as_posix())
        if changed != text:
            path.write_bytes(changed)
    tables = [name.lower() for name in TABLES if f".Site.{name}" in used]
    given = _give_tables(site_root, tables, sorted(keys)) if tables or keys else []
    return [_note(name, files, given) for name, files in used.items()]


def _give_tables(site_root: Path, tables: list[str], keys: list[str]) -> list[str]:
    """Give each of `tables` the site's config has at its top level (in any of its files and formats),
    and not under `params`, to `params`, in `config/_default/params.toml` (which Hugo merges with the
    rest: simple values only), and the top-level value of each of `keys` in its `presslift_config`
    table (a key the config lacks is left out: the template reads nothing, as `.Get` did); the tables
    given."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return []  # Hugo says what is wrong with it
    top: dict[str, dict[str, object]] = {}
    values: dict[str, object] = {}
    taken: set[str] = set()
    for _, config in configs:
        for key, value in config.items():  # Hugo's keys ignore case: [Author] and [author.links] are one
            if str(key).lower() == "params" and isinstance(value, dict):
                taken |= {str(name).lower() for name in value}
            elif isinstance(value, dict):
                top[str(key).lower()] = {**top.get(str(key).lower(), {}), **value}
            else:
                values[str(key).lower()] = value
    given = [name for name in tables if name in top and name not in taken]
    if keys and CONFIG_TABLE not in taken:
        top[CONFIG_TABLE] = {key: values[key] for key in keys if key in values}
        given.append(CONFIG_TABLE)
    folder = site_root / CONFIG_DIR / "_default"
    target = folder / "params.toml"
    if not given or any(path.is_symlink() for path in (site_root / CONFIG_DIR, folder, target)):
        return []
    if any((folder / f"params{suffix}").exists() for suffix in (".yaml", ".yml", ".json")):
        return []  # a params file TOML cannot be appended to
    text = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else ""
    added = [
        f"\n[{name}]  # Presslift: "
        + (
            "the config's values .Language.Get asked for"
            if name == CONFIG_TABLE
            else f"the config's [{name}] table, for .Site.Params.{name}"
        )
        + "\n"
        + "\n".join(f"{json.dumps(key)} = {_toml(value)}" for key, value in top[name].items() if _toml(value))
        for name in given
    ]
    written = text + "\n" + "\n".join(added) + "\n"
    try:
        tomllib.loads(written)
    except tomllib.TOMLDecodeError:  # a params.toml that already has such a table, or is not TOML
        return []
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(written, encoding="utf-8")
    return given


def _toml(value: object) -> str:
    """`value` as TOML, "" for what is not a string, number, boolean or list of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, list) and all(_toml(item) for item in value):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return ""


def _note(name: str, files: list[str], given: list[str]) -> str:
    if name == LANGUAGE_GET_NAME:
        instead = (
            f"site.Params.{CONFIG_TABLE}.key, given the config's value"
            if CONFIG_TABLE in given
            else f"site.Params.{CONFIG_TABLE}.key (empty: it could not be added to {PARAMS_FILE})"
        )
    else:
        instead = next(new for _, _, old, new in REPLACEMENTS if old == name)
    table = name.removeprefix(".Site.").lower()
    if table in [t.lower() for t in TABLES] and table not in given:
        instead = (
            f".Site.Params.{table} (empty: the site's config has no [{table}] table to give it; set "
            f"params.{table} there)"
        )
    where = files[0] + (f" and {len(files) - 1} more" if len(files) > 1 else "")
    same = (
        "" if name.removeprefix(".Site.") in TABLES or name == LANGUAGE_GET_NAME else ", which does the same"
    )
    uses = "uses" if len(files) == 1 else "use"
    return (
        f"{where} {uses} {name}, which Hugo no longer has: built with {instead}{same} "
        "(update the theme to a release for this Hugo)"
    )
