"""What a reader sees of a form's controls, for the Markdown writer (markdown.py).

A static page cannot send a form, so its controls are their text: a drop-down the option it shows
(the chosen one, else its first), a button input its label, another input nothing. A shop page's
"Sort by" list ran all its options together as one word; its `<label>` beside a link sent the whole
body to the slow writer, which broke the link.
"""

from __future__ import annotations

from typing import Any

from chalicelib.wordpress.fragment import text_content

#: The controls written as `form_choice` says; `label`, `button` and `textarea` are their text.
FORM_CHOICES = frozenset(["select", "option", "optgroup", "input"])


def form_choice(el: Any) -> str:
    """The text a reader sees of the drop-down or input `el`, with a space either side ("" for none)."""
    if el.tag == "input":
        button = (el.get("type") or "").lower() in ("submit", "button", "reset")
        return " " + " ".join((el.get("value") or "").split()) + " " if button else ""
    options = list(el.iter("option"))
    shown = next((o for o in options if o.get("selected") is not None), options[0] if options else None)
    return " " + " ".join(text_content(shown).split()) + " " if shown is not None else ""
