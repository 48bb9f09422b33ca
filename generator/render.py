"""Jinja2 environment: autoescaped, strict about undefined names, with the site's filters.

A site's own ``templates/`` overrides the packaged templates file by file.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup as Safe

from . import routes
from .dates import When, month_name
from .markup import Markup

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def _when(value: When | None, default: str = "date unknown") -> str:
    return value.display() if value else default


relative = routes.relative


@jinja2.pass_context
def _url(ctx, target: str) -> str:
    return relative(ctx["page_path"], target)


@jinja2.pass_context
def _event_html(ctx, event, show_source: bool = True) -> Safe:
    """One event as the ``event_item`` macro renders it, rendered once per build for each
    page depth (its links read the same from every page at one depth) and reused: an event
    shows on the timeline and on the page of each of its actors, places and tags."""
    links = ctx["links"]
    key = (id(event), ctx["page_path"].count("/"), show_source)
    html = links.fragments.get(key)
    if html is None:
        macros = links.fragments.get(("macros", key[1]))
        if macros is None:
            template = ctx.environment.get_template("_macros.html")
            macros = template.make_module(vars=ctx.get_all())
            links.fragments[("macros", key[1])] = macros
        html = links.fragments[key] = Safe(str(macros.event_item(event, show_source)))
    return html


def make_environment(template_dirs: list[Path], markup: Markup) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(d)) for d in template_dirs if d.is_dir()]
        + [jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = _when
    env.filters["markdown"] = lambda text: Safe(markup.convert(text or ""))

    @jinja2.pass_context
    def linked(ctx, text: str, pairs: list[tuple[str, str]]) -> Safe:
        """An article body: first mentions of known names linked, blocks numbered."""
        page = ctx["page_path"]
        links = [(form, relative(page, target)) for form, target in pairs]
        return Safe(markup.convert(text or "", links, number_blocks=True))

    env.filters["markdown_linked"] = linked
    env.globals["url"] = _url
    env.globals["event_html"] = _event_html
    env.globals["routes"] = routes
    env.globals["month_name"] = month_name
    return env


def render_page(env: jinja2.Environment, template: str, page_path: str, context: dict) -> bytes:
    """Render one page; ``page_path`` makes every ``url()`` in it relative to that page."""
    html = env.get_template(template).render(page_path=page_path, **context)
    return html.encode("utf-8")
