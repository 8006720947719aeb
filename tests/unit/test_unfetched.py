"""A failed build's error leads with what the fetch stage could not add only where it is about
something missing: a real site whose `.gitmodules` still names a theme it now takes as a vendored
module failed on its front matter dates, and the error blamed the theme."""

from __future__ import annotations

from chalicelib.errors import BuildError
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage
from chalicelib.work.unfetched import with_unfetched

STALE = "themes/ananke (theNewDynamic/gohugo-theme-ananke): Farzy/farzy.org at d2a9604 pins no commit there"
UNREADABLE = "themes/harbour: 'https://gitlab.com/acme/harbour-theme.git' is not a repository on github.com"


def run_with(*notes: str) -> Run:
    warnings = [{"code": "submodule-not-fetched", "message": note} for note in notes]
    warnings.append({"code": "git-info-off", "message": "enableGitInfo is off"})
    fetch = Stage("fetch", "succeeded", detail={"warning_list": warnings})
    return Run("r1", "blog", "hugo", Trigger("push"), [fetch, Stage("build", "failed")])


def test_an_error_about_something_else_is_hugos_with_the_note_after_it():
    dates = "Hugo failed (exit 1): content/misc/_index.fr.md sets date ... not a parsable date"
    told = with_unfetched(BuildError(dates, log_tail="ERROR date"), run_with(STALE))
    assert str(told) == f"{dates} (unrelated to it, the fetch stage could not add {STALE})"
    assert told.log_tail == "ERROR date"


def test_an_error_about_something_missing_leads_with_what_was_not_added():
    for error in (
        "Hugo failed (exit 1): template for shortcode harbour-note not found",  # Hugo's words
        "Hugo failed (exit 1): render of page failed in layouts/partials/harbour-card.html",  # its name
        "Hugo failed: the site's theme harbour is not in its themes/ folder",
    ):
        told = str(with_unfetched(BuildError(error), run_with(UNREADABLE)))
        assert told == f"the fetch stage could not add {UNREADABLE}; the build failed without it: {error}"


def test_a_build_whose_fetch_added_everything_fails_as_it_did():
    failed = BuildError("Hugo failed (exit 1): a template not found")
    assert with_unfetched(failed, run_with()) is failed


def test_a_hidden_folder_hugo_never_reads_is_never_the_cause():
    """Velociraptor's docs: a Vale linter config under .github/ could not be added, and a template's nil
    .GitInfo was told as 'the build failed without it'."""
    vale = ".github/vale (Velocidex/velociraptor-vale): GitHub has no tarball of it"
    error = 'Hugo failed (exit 1): "layouts/partials/menu.html:28:47": template not found in theme learn'
    assert str(with_unfetched(BuildError(error), run_with(vale))).startswith(f"{error} (unrelated to it")


def test_a_nil_git_info_is_named_with_what_to_write() -> None:
    from chalicelib.hugo_hints import hint

    log = (
        'ERROR render of "page" failed: "/tmp/r/source/layouts/partials/menu.html:28:47": '
        "execute of template "
        'failed: template: partials/menu.html:28:47: executing "partials/menu.html" '
        "at <.GitInfo.AbbreviatedHash>: "
        "nil pointer evaluating *gitmap.GitInfo.AbbreviatedHash"
    )
    assert hint(log).startswith(
        "layouts/partials/menu.html:28 reads .GitInfo, which is empty in Presslift's builds"
    )


def test_what_the_error_names_leads_and_themes_come_before_files():
    """A site's theme submodule, which Hugo's error names, was "and 16 more" after its LFS images."""
    images = [f"assets/img/p{n}.png: GitHub has no Git LFS object for it" for n in range(4)]
    theme = "themes/github.com/kariton/perplex (kariton/perplex): GitHub has no tarball of kariton/perplex"
    fetch = Stage(
        "fetch",
        "succeeded",
        detail={
            "warning_list": [
                *({"code": "lfs-file-not-fetched", "message": note} for note in images),
                {"code": "submodule-not-fetched", "message": theme},
            ]
        },
    )
    run = Run("r1", "blog", "hugo", Trigger("push"), [fetch, Stage("build", "failed")])
    error = 'Hugo failed (exit 1): module "github.com/kariton/perplex" not found'
    told = str(with_unfetched(BuildError(error), run))
    assert told.startswith(f"the fetch stage could not add {theme}; {images[0]}; {images[1]} and 2 more;")
