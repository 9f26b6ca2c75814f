"""The one Jinja2 environment factory: strict, and escaping for the surface it serves."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2

__all__ = ["Surface", "create_environment", "escape_mrkdwn", "template_root"]

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


def create_environment(surface: Surface) -> jinja2.Environment:
    """A Jinja2 environment for one surface: StrictUndefined, autoescape for HTML only, the ``mrkdwn`` filter."""
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
    return environment
