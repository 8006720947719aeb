"""What a converted site holds, counted the way the conversion report counts it, and the shared exports.

Content files are counted from their front matter (type from the section or `wordpress_type`, status
from `draft` and `publishDate`; a product's variations from its `product.variations`), media from
data/media.json and the files under static/, comments from each page's comments.json, menu entries
from hugo.toml.
"""

import json
import re
from collections import Counter
from pathlib import Path

import frontmatter

SHARED_WXR = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "wxr"
FAILING = {"importer-invalid-version-tag.xml", "importer-malformed-simple.xml"}


def written_counts(site: Path) -> Counter[str]:
    """What the site holds, keyed like the report's counts."""
    found: Counter[str] = Counter()
    ids = Counter()
    for page in (site / "content").rglob("*index.md"):
        post = frontmatter.load(page)
        if "wordpress_id" not in post.metadata:
            continue
        ids[post["wordpress_id"]] += 1
        section = page.relative_to(site / "content").parts[0]
        kind = post.get("wordpress_type") or ("post" if section == "posts" else "page")
        if post.get("draft"):
            status = "draft"
        elif "publishDate" in post.metadata:
            status = "future"
        else:
            status = "published"
        found[f"{kind}/{status}"] += 1
        product = post.get("product")
        if isinstance(product, dict) and product.get("variations"):  # listed on their product's page
            found["product_variation/listed"] += len(product["variations"])
    assert [i for i, n in ids.items() if n > 1] == [], "two pages share one id"
    media = site / "data/media.json"
    if media.is_file():
        found["attachment/media"] = len(json.loads(media.read_text()))
    uploads = site / "static/wp-content/uploads"
    found["media-file/copied"] = sum(1 for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else 0
    found["comment/approved"] = sum(
        len(json.loads(p.read_text())) for p in (site / "content").rglob("comments.json")
    )
    found["nav_menu_item/menu-entry"] = len(
        re.findall(r"^\[\[menus\.", (site / "hugo.toml").read_text(), re.M)
    )
    return +found


def reported_written(counts: dict[str, int]) -> Counter[str]:
    """The report's counts of things written to the site (skipped, duplicate, missing and spam are not)."""
    kept: Counter[str] = Counter()
    for key, n in counts.items():
        kind, _, status = key.partition("/")
        if status == "quarantined":
            kept[f"{kind}/draft"] += n
        elif status in (
            "published",
            "draft",
            "future",
            "media",
            "copied",
            "approved",
            "menu-entry",
            "listed",
        ):
            kept[key] += n
    return +kept


def shared_exports() -> list[str]:
    if not SHARED_WXR.is_dir():
        return []
    return sorted(p.name for p in SHARED_WXR.glob("*.xml") if p.name not in FAILING)
