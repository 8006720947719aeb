"""What Hugo removed from its templates and has an exact replacement for, replaced in a build's copy.

A theme written for an older Hugo that uses `resources.ToCSS`, `.Site.DisqusShortname`,
`.Site.GoogleAnalytics`, `.Site.IsServer`, `.Site.IsMultiLingual`, `.Hugo`, `.UniqueID`, `.NextPage`,
`.RSSLink` or `.IsDraft` fails every build on Hugo 0.168 ("can't evaluate field"), as it does with plain
Hugo; Cactus, Hermit, Ink, Mini and Tranquilpeak each use one. Hugo names the replacement of each, which
does the same: `css.Sass` (ToCSS was its old name), the services settings the same config keys still
fill, `hugo`, the page's `.File`, `.Next`, the RSS output format's permalink, `.Draft`. `.Site.Author`
and `.Site.Social` become `.Site.Params.presslift_config.author` and `.social`, given the config's
top-level tables (which Hugo no longer reads); `.Site.Language.Get "disableKinds"` (Hermit) becomes
`site.Params.presslift_config.disablekinds`, given the config's value of each key asked for. The fetch
stage writes those into the copy of the site it stores for the build (never the repository), and each
replaced use is a warning naming the files, so the theme can be updated. What has no exact replacement
(`.URL`, which menu entries still have) is left as it is, and the failed build says what to write
(`hugo_hints`); `getJSON` is `remotedata`'s.

This module reads and rewrites only the templates below a site's layout folders.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_DIR, component_configs
from chalicelib.notes import named_files
from chalicelib.themelayouts import layout_roots, templates

PREFIXED_PARTIAL = 'partial "partials/NAME"'
PREFIX_WRITTEN = re.compile(rb"[\"`]partials/")
#: The site's config tables Hugo once gave templates as `.Site.<Name>` and now reads no more.
TABLES = ("Author", "Authors", "Social")


def _site_field(name: str) -> re.Pattern[bytes]:
    """The site's field `name` by any receiver (`.Site.X`, `$.Site.X`, `$.Page.Site.X`, `site.X`), the
    receiver included, so that the replacement stands for the whole."""
    field = name.encode()
    return re.compile(
        rb"(?:\$\w*(?:\.\w+)*|(?<![\w)$])(?:\.\w+)*)\.Site\."
        + field
        + rb"\b|(?<![\w.])site\."
        + field
        + rb"\b"
    )


#: Each removed feature's pattern, what it becomes, and its name in the warning.
REPLACEMENTS: list[tuple[re.Pattern[bytes], bytes, str, str]] = [
    # Only the namespaced name: its `toCSS` alias is still Hugo's (Stack and Coder use it).
    (re.compile(rb"\bresources\.ToCSS\b"), b"css.Sass", "resources.ToCSS", "css.Sass"),
    # Their namespaced old names too (the `postCSS` and `babel` aliases are still Hugo's); Hugo runs
    # neither program here, but PostCSS for autoprefixer alone is passed over (`postcsspass`), and
    # for anything else the build fails with what to do, not "can't evaluate field PostCSS".
    (re.compile(rb"\bresources\.PostCSS\b"), b"css.PostCSS", "resources.PostCSS", "css.PostCSS"),
    (re.compile(rb"\bresources\.Babel\b"), b"js.Babel", "resources.Babel", "js.Babel"),
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
        _site_field("IsServer"),
        b"hugo.IsServer",
        ".Site.IsServer",
        "hugo.IsServer",
    ),
    (
        _site_field("IsMultiLingual"),
        b"hugo.IsMultilingual",
        ".Site.IsMultiLingual",
        "hugo.IsMultilingual",
    ),
    (
        # A page's .Hugo; the site's (.Site.Hugo, site.Hugo) is still Hugo's.
        re.compile(rb"(?:\$\w*|(?<![\w)$]))(?:\.(?!Params\b|Data\b)\w+)*(?<!\.Site)(?<!\bsite)\.Hugo\b"),
        b"hugo",
        ".Hugo",
        "hugo",
    ),
    (
        # The site's feed as old Hugo gave it: the home page's RSS, or where it would be when the site
        # has none (the old field never failed; a missing output format would). RSSlink: its older name.
        _site_field("RSS[Ll]ink"),
        rb'(or (site.Home.OutputFormats.Get "rss") (dict "Permalink" (absLangURL "index.xml"))).Permalink',
        ".Site.RSSLink",
        '(.OutputFormats.Get "rss").Permalink',
    ),
    (
        # A page's feed ("" for a page without one, as the old field said), by the same receiver.
        re.compile(rb"((?:\$\w*|(?<![\w)\]$]))(?:\.(?!Params\b|Data\b|Site\b)\w+)*)\.RSS[Ll]ink\b"),
        rb'(or (\1.OutputFormats.Get "rss") (dict "Permalink" "")).Permalink',
        ".RSSLink",
        '(.OutputFormats.Get "rss").Permalink',
    ),
    (re.compile(rb"(?<!Params)(?<!Data)\.IsDraft\b"), b".Draft", ".IsDraft", ".Draft"),
    (re.compile(rb"\b([Ss]ite)\.LastChange\b"), rb"\1.Lastmod", ".Site.LastChange", ".Site.Lastmod"),
    (re.compile(rb"\.NextPage\b"), b".Next", ".NextPage", ".Next"),
    (
        # The first of the sites (Hugo's own replacement, .Sites.Default, is the default language's).
        re.compile(rb"((?:\$\w*|(?<![\w)\]$]))(?:\.\w+)*\.Sites|(?<![\w.$])hugo\.Sites)\.First\b"),
        rb"(index \1 0)",
        ".Sites.First",
        "(index .Sites 0)",
    ),
    (
        # A partial named with its folder: Hugo before 0.146 dropped the "partials/" it found there.
        re.compile(rb"\b(partial(?:Cached)?\s+)([\"`])partials/"),
        rb"\1\2",
        PREFIXED_PARTIAL,
        'partial "NAME"',
    ),
    (
        # The same name built in a variable (Congo: `$header := print "partials/header/" ...`, then
        # `partial $header .`), in a template that writes "partials/" (PREFIX_WRITTEN).
        re.compile(rb"\b(partial(?:Cached)?\s+)(\$\w+(?:\.\w+)*)"),
        rb'\1(strings.TrimPrefix "partials/" \2)',
        PREFIXED_PARTIAL,
        'partial "NAME"',
    ),
    (re.compile(rb"\.PrevPage\b"), b".Prev", ".PrevPage", ".Prev"),
    *(
        (
            re.compile(rb"\b([Ss]ite)\." + name.encode() + rb"\b"),
            rb"\1.Params.presslift_config." + name.lower().encode(),
            f".Site.{name}",
            f".Site.Params.presslift_config.{name.lower()}",
        )
        for name in TABLES
    ),
]
#: A page's `.UniqueID` and `.LogicalName` (its file's now): read by the dot, `$`, or a `.Page`. A File
#: has both still, so neither is touched where the dot is a file (`{{ with .File }}`, Learn's menu) or
#: the receiver is some other variable.
PAGE_FILE_FIELD = re.compile(rb"((?:\$\w*|(?<![\w)\]]))(?:\.\w+)*)\.(UniqueID|LogicalName)\b")
_DOT_ACTION = re.compile(rb"\{\{-?\s*(with|range|define|block|end|else\s+with|else)\b([^}]*)\}\}")
#: A language's (or a page's language's) `.Get "key"`: the site config's value of `key`.
LANGUAGE_GET = re.compile(rb'(?:\$\w*|(?<![\w)$])|(?<![\w.$])site)(?:\.\w+)*\.Language\.Get\s+"(\w{1,64})"')
LANGUAGE_GET_NAME = '.Language.Get "key"'
CONFIG_TABLE = "presslift_config"
#: `{{ return X | f }}`, which Hugo now refuses to parse (see `_parenthesize_returns`).
_RETURN = re.compile(rb"\{\{(-?\s*)return\s+([^{}\n]*?\|[^{}\n]*?)(\s*-?)\}\}")
RETURN_PIPE, RETURN_PIPE_NEW = "return X | f", "return (X | f)"
PARAMS_FILE = "config/_default/params.toml"
_ANY = re.compile(
    rb"return|ToCSS|PostCSS|Babel|DisqusShortname|GoogleAnalytics\b|IsServer|IsMultiLingual|\.Author|\.Social|Hugo\b|UniqueID|LogicalName"
    rb"|LastChange|NextPage|PrevPage|Language\.Get|RSS[Ll]ink|IsDraft|[\"`]partials/|Sites\.First"
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

    roots = layout_roots(site_root)
    nested = _nested_partials(roots)
    data = _data_fields(roots)
    for path in templates(roots):
        try:
            text = path.read_bytes()
        except OSError:
            continue
        if not _ANY.search(text):
            continue
        changed = text
        for pattern, replacement, name, _ in REPLACEMENTS:
            if name == PREFIXED_PARTIAL and (nested or not PREFIX_WRITTEN.search(text)):
                continue
            if name.lstrip(".") in data:  # a data file's own field (`{{ range hugo.Data.x }}{{ .IsDraft }}`)
                continue
            changed, count = pattern.subn(replacement, changed)
            where = path.relative_to(site_root).as_posix()
            if count and where not in used.setdefault(name, []):
                used[name].append(where)
        changed, names = _page_file_fields(changed, skip=data)
        for name in names:
            used.setdefault(name, []).append(path.relative_to(site_root).as_posix())
        changed, count = _parenthesize_returns(changed)
        if count:
            used.setdefault(RETURN_PIPE, []).append(path.relative_to(site_root).as_posix())
        changed, count = LANGUAGE_GET.subn(config_value, changed)
        if count:
            used.setdefault(LANGUAGE_GET_NAME, []).append(path.relative_to(site_root).as_posix())
        if changed != text:
            path.write_bytes(changed)
    tables = [name.lower() for name in TABLES if f".Site.{name}" in used]
    given = _give_config(site_root, tables, sorted(keys)) if tables or keys else None
    return [_note(name, files, given) for name, files in used.items()]


#: The removed fields a data file may hold under the same name: none of them is rewritten then.
DATA_FIELDS = ("IsDraft", "UniqueID", "LogicalName")
#: How much of the data files is read to find them.
MAX_DATA_BYTES = 4 * 1024 * 1024


def _nested_partials(roots: list[Path]) -> bool:
    """Whether a partial is kept in a `partials/` folder of the partials (`partials/partials/box.html`):
    `partial "partials/box.html"` then names it, as Hugo reads it now, and is no old form."""
    return any(
        (root / "layouts" / folder / "partials").is_dir()
        for root in roots
        for folder in ("partials", "_partials")
    )


def _data_fields(roots: list[Path]) -> frozenset[str]:
    """The `DATA_FIELDS` the site's (or its themes') data files name as keys of their own."""
    found: set[str] = set()
    budget = MAX_DATA_BYTES
    for root in roots:
        data = root / "data"
        if not data.is_dir() or data.is_symlink():
            continue
        for path in data.rglob("*"):
            if budget <= 0 or len(found) == len(DATA_FIELDS):
                return frozenset(found)
            if path.is_symlink() or not path.is_file():
                continue
            try:
                text = path.read_bytes()[:budget]
            except OSError:
                continue
            budget -= len(text)
            found.update(name for name in DATA_FIELDS if name.encode() in text)
    return frozenset(found)


def _parenthesize_returns(text: bytes) -> tuple[bytes, int]:
    """Each `{{ return X | f }}` as `{{ return (X | f) }}`: Hugo once returned the whole pipeline, and
    now refuses to parse the template ("return must be the last command in a pipeline"; DoIt's
    isUrlRemote.html). A pipe inside parentheses or a string is no pipe of the return's."""
    count = 0

    def parenthesize(found: re.Match[bytes]) -> bytes:
        nonlocal count
        if not _top_level_pipe(found.group(2)):
            return found.group(0)
        count += 1
        return b"{{" + found.group(1) + b"return (" + found.group(2).rstrip() + b")" + found.group(3) + b"}}"

    return _RETURN.sub(parenthesize, text), count


def _top_level_pipe(pipeline: bytes) -> bool:
    depth, quote = 0, b""
    for at in range(len(pipeline)):
        char = pipeline[at : at + 1]
        if quote:
            if char == quote and (quote == b"`" or pipeline[at - 1 : at] != b"\\"):
                quote = b""
        elif char in (b'"', b"`"):
            quote = char
        elif char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
        elif char == b"|" and depth == 0:
            return True
    return False


def _file_dot_spans(text: bytes) -> list[tuple[int, int]]:
    """Where the dot is a page's file: inside `{{ with X.File }}` or `{{ range ... .File }}`."""
    spans: list[tuple[int, int]] = []
    open_blocks: list[tuple[int, bool]] = []  # (start, dot is a File)
    for action in _DOT_ACTION.finditer(text):
        keyword, rest = action.group(1), action.group(2).strip().rstrip(b"-").strip()
        if keyword == b"end" and open_blocks:
            start, is_file = open_blocks.pop()
            if is_file:
                spans.append((start, action.start()))
        elif keyword.startswith(b"else") and open_blocks:
            start, is_file = open_blocks.pop()
            if is_file:
                spans.append((start, action.start()))
            open_blocks.append((action.end(), keyword != b"else" and rest.endswith(b".File")))
        elif keyword in (b"with", b"range", b"define", b"block"):
            open_blocks.append((action.end(), keyword in (b"with", b"range") and rest.endswith(b".File")))
    return spans


def _rewritten_page_field(found: re.Match[bytes], spans: list[tuple[int, int]], files: set[bytes]) -> bool:
    receiver = found.group(1)
    if receiver.endswith(b".File"):
        return False
    if receiver == b"":
        return not any(start <= found.start() < end for start, end in spans)
    if receiver in (b"$", b"$.Page", b".Page") or receiver.endswith(b".Page"):
        return True
    # A page in a variable (Learn's menu compares `.File.UniqueID` with `$currentNode.UniqueID`): one
    # side rewritten and the other not failed the build. A variable that holds a file is left alone.
    name = receiver[1:]
    return receiver[:1] == b"$" and name.isalnum() and name not in files and b"file" not in name.lower()


#: A variable given a page's file (`{{ $f := .File }}`): its `.UniqueID` is the file's own.
FILE_VARIABLE = re.compile(rb"\$(\w+)\s*:?=\s*[$\w.]*\.File\b(?!\.)")


def _page_file_fields(text: bytes, skip: frozenset[str] = frozenset()) -> tuple[bytes, list[str]]:
    """`text` with a page's `.UniqueID` and `.LogicalName` read from its file (but the fields in
    `skip`, a data file's own); the fields replaced."""
    spans = _file_dot_spans(text)
    files = {found.group(1) for found in FILE_VARIABLE.finditer(text)}
    names: list[str] = []

    def replace(found: re.Match[bytes]) -> bytes:
        if found.group(2).decode() in skip or not _rewritten_page_field(found, spans, files):
            return found.group(0)
        if (name := "." + found.group(2).decode()) not in names:
            names.append(name)
        return found.group(1) + b".File." + found.group(2)

    return PAGE_FILE_FIELD.sub(replace, text), names


def _give_config(site_root: Path, tables: list[str], keys: list[str]) -> dict[str, str] | None:
    """Write the `presslift_config` table of `params`, in `config/_default/params.toml` (which Hugo
    merges with the rest): the top-level value of each of `keys` in the site's config (in any of its
    files and formats; a key it lacks is left out, and the template reads nothing, as `.Get` did), and
    each of `tables` as a table of its own: the config's top-level table of that name, as old Hugo gave
    it, else the site's own `params.<name>` where that is a table (as Hugo's deprecation advised), else
    empty, as old Hugo's was. Its own name, so that a site's `params.author` string is never read as
    one. Returns where each table came from ("" for empty), or None where it could not be written."""
    config = site_config(site_root)
    if config is None:
        return None  # Hugo says what is wrong with it
    sources: dict[str, str] = {}
    lines = [f"\n[{CONFIG_TABLE}]  # Presslift: what templates written for an older Hugo read"]
    lines += [f"{quoted(key)} = {_toml(config.values[key])}" for key in keys if _toml(config.values.get(key))]
    for name in tables:
        table, sources[name] = config.old_table(name)
        lines.append(f"[{CONFIG_TABLE}.{name}]")
        lines += [f"{quoted(str(k))} = {_toml(v)}" for k, v in table.items() if _toml(v)]
    folder = site_root / CONFIG_DIR / "_default"
    target = folder / "params.toml"
    if any(path.is_symlink() for path in (site_root / CONFIG_DIR, folder, target)):
        return None
    if any((folder / f"params{suffix}").exists() for suffix in (".yaml", ".yml", ".json")):
        return None  # a params file TOML cannot be appended to
    text = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else ""
    written = text + "\n" + "\n".join(lines) + "\n"
    try:
        tomllib.loads(written)
    except tomllib.TOMLDecodeError:  # a params.toml that is not TOML, or has such a table already
        return None
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(written, encoding="utf-8")
    return sources


@dataclass(frozen=True)
class SiteConfig:
    """The site's config as old Hugo gave templates its parts: top-level tables, params, other values
    (keys lower case: Hugo's ignore case, so [Author] and [author.links] are one)."""

    top: dict[str, dict[str, object]]
    params: dict[str, object]
    values: dict[str, object]

    def old_table(self, name: str) -> tuple[dict[str, object], str]:
        """What `.Site.<Name>` gave, and where it came from ("" for empty): the config's top-level table
        of that name, else the site's own `params.<name>` where that is a table (as Hugo's deprecation
        advised), else empty, as old Hugo's was."""
        own = self.params.get(name)
        table = self.top.get(name) or (own if isinstance(own, dict) else {})
        source = (
            f"the config's [{name}] table"
            if name in self.top
            else f"the site's params.{name}"
            if table
            else ""
        )
        return table, source


def site_config(site_root: Path) -> SiteConfig | None:
    """The site's config, merged from all its files and formats; None where Hugo will say what is wrong."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return None
    top: dict[str, dict[str, object]] = {}
    params: dict[str, object] = {}
    values: dict[str, object] = {}
    for _, config in configs:
        for key, value in config.items():
            name = str(key).lower()
            if name == "params" and isinstance(value, dict):
                params.update({str(k).lower(): v for k, v in value.items()})
            elif isinstance(value, dict):
                top[name] = {**top.get(name, {}), **value}
            else:
                values[name] = value
    return SiteConfig(top, params, values)


#: The most values (counted at each place they appear) a config value written out may hold: a YAML
#: config's aliases can make a small file stand for millions.
MAX_VALUES = 10_000


def small(value: object, budget: int = MAX_VALUES) -> bool:
    """Whether `value` holds at most `budget` values, counting one shared by aliases at each place."""
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return False
        current = stack.pop()
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return True


def quoted(value: object) -> str:
    """`value` as a TOML basic string, which is also a Go string literal: JSON's escapes are both's,
    but for characters beyond the BMP, which JSON writes as UTF-16 surrogates (an emoji in a site's
    [author] bio: "\\ud83d\\ude0e") and TOML and Go refuse; those are written as they are."""
    return json.dumps(value, ensure_ascii=False)


def _toml(value: object) -> str:
    """`value` as TOML, "" for what is not a string, number, boolean, or list or table of those, or is
    too large to write (`small`)."""
    return _toml_value(value) if small(value) else ""


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, list):
        items = [_toml_value(item) for item in value]
        return "[" + ", ".join(items) + "]" if all(items) else ""
    if isinstance(value, dict):
        pairs = [(quoted(str(k)), _toml_value(v)) for k, v in value.items()]
        return "{" + ", ".join(f"{k} = {v}" for k, v in pairs if v) + "}"
    return ""


def _note(name: str, files: list[str], given: dict[str, str] | None) -> str:
    table = name.removeprefix(".Site.").lower()
    from_config = name == LANGUAGE_GET_NAME or table in {t.lower() for t in TABLES}
    instead = (
        RETURN_PIPE_NEW
        if name == RETURN_PIPE
        else next(
            (new for _, _, old, new in REPLACEMENTS if old == name),
            f".File{name}" if name in (".UniqueID", ".LogicalName") else f"site.Params.{CONFIG_TABLE}.key",
        )
    )
    if from_config and given is None:
        instead += f" (empty: it could not be added to {PARAMS_FILE})"
    elif name == LANGUAGE_GET_NAME:
        instead += ", given the config's value"
    elif from_config and given is not None:
        source = given.get(table, "")
        instead += f", given {source}" if source else f" (empty: the site's config has no [{table}] table)"
    where = named_files(files)
    same = "" if from_config else ", which does the same"
    uses = "uses" if len(files) == 1 else "use"
    return (
        f"{where} {uses} {name}, which Hugo no longer has: built with {instead}{same} "
        "(update the theme to a release for this Hugo)"
    )
