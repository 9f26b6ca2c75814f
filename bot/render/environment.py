"""The one Jinja2 environment factory: strict, and escaping for the surface it serves."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import jinja2

__all__ = ["Surface", "create_environment", "escape_mrkdwn", "escape_teams_markdown", "template_root"]

Surface = str  # one of the folders under templates/: "text", "slack", "teams", "web"


def template_root() -> Path:
    """The templates folder: inside the installed wheel, or beside the package in a checkout."""
    packaged = resources.files("bot").joinpath("_templates")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("herbot templates are missing from the installation")


def escape_mrkdwn(value: object) -> str:
    """Slack's escaping for text objects: ``&``, ``<`` and ``>`` become entities, nothing else changes.

    Applied to every piece of an explanation on the Slack surface, so user-supplied text can never
    become a live mention or link.

    >>> escape_mrkdwn("<!channel> <@U123> <https://evil.example|click> & done")
    '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; done'
    """
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Teams renders a CommonMark subset in TextBlocks and facts: **bold**, _italic_, [text](url), lists at a
# line start, and <at>name</at> mentions. Backslash escapes are CommonMark's way to make punctuation
# literal; a tag start becomes an entity, so the raw text no longer contains the "<at>" a mention needs.
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# An underscore inside a word (a URL's "er_allred_score") never starts emphasis, and its escape would show.
_INLINE_MARKUP = re.compile(r"[\\*`~\[\]]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_LINK_DESTINATION = re.compile(r"\]\(")
# A quote, list or heading marker at a line start ("\r" breaks lines in Teams too).
_LINE_START_MARKER = re.compile(r"(?:^|(?<=[\r\n]))([ \t]*)(>|(?:[-+]|#{1,6}|\d{1,9}[.)])(?=[ \t\r\n]|$))")


def escape_teams_markdown(value: object) -> str:
    r"""Teams' escaping for TextBlock and fact text: markdown, links and mention tags in ``value`` stay inert.

    Emphasis, code, link brackets and backslashes are backslash-escaped; ``](`` gets an escaped
    parenthesis too, since the Adaptive Cards renderer of the mobile clients takes ``[`` as a link start
    even when escaped, and only a character between ``]`` and ``(`` stops the link; a list, heading or quote
    marker at a line start is escaped; ``<`` before a tag name and ``&`` before an entity name become
    entities. Other characters, such as ``<`` in "ratio < 2.0", stay as they are.

    >>> print(escape_teams_markdown("**bold** [click](https://evil.example) <at>everyone</at> _x_"))
    \*\*bold\*\* \[click\]\(https://evil.example) &lt;at>everyone&lt;/at> \_x\_
    >>> print(escape_teams_markdown("- item\n1. first\n# title\n>quote\n-5 and 2+"))
    \- item
    1\. first
    \# title
    \>quote
    -5 and 2+
    >>> print(escape_teams_markdown("https://apps.naaccr.org/ssdi/input/breast/er_allred_score _x_"))
    https://apps.naaccr.org/ssdi/input/breast/er_allred_score \_x\_
    >>> print(escape_teams_markdown("ratio < 2.0, HER2-low, 1.6 & &amp; C:\\path"))
    ratio < 2.0, HER2-low, 1.6 & &amp;amp; C:\\path
    """
    text = _ENTITY_START.sub("&amp;", str(value))
    text = _TAG_START.sub("&lt;", text)
    text = _INLINE_MARKUP.sub(lambda match: "\\" + match.group(), text)
    text = _LINK_DESTINATION.sub(r"]\\(", text)
    return _LINE_START_MARKER.sub(_escape_marker, text)


def _escape_marker(match: re.Match[str]) -> str:
    """A line-start marker made literal: "\\-", "\\#", "\\>", and "1\\." with the number left as it is."""
    indent, marker = match.groups()
    if marker[0].isdigit():
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def create_environment(surface: Surface) -> jinja2.Environment:
    """A Jinja2 environment for one surface: StrictUndefined, autoescape for HTML only, ``mrkdwn`` and ``teams``."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_root() / surface),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    environment.filters["mrkdwn"] = escape_mrkdwn
    environment.filters["teams"] = escape_teams_markdown
    return environment
