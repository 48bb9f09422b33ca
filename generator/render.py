"""Jinja2 environment: autoescaped, strict about undefined names, with the site's filters.

A site's own ``templates/`` overrides the packaged templates file by file.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup as Safe

from . import routes
from .dates import When, month_name
from .markup import Markup, name_pattern

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def _when(value: When | None, default: str = "date unknown") -> str:
    return value.display() if value else default


_SPLIT_CACHE: dict[str, list[str]] = {}


def _parts(folder: str) -> list[str]:
    parts = _SPLIT_CACHE.get(folder)
    if parts is None:
        parts = _SPLIT_CACHE[folder] = folder.split("/") if folder else []
    return parts


def relative(from_page: str, target: str) -> str:
    """``routes.relative`` for the normalised paths ``routes`` makes, without ``os.path``.

    Rendering calls this hundreds of thousands of times; ``posixpath.relpath`` made it a
    fifth of the render time. Falls back to ``routes.relative`` for anything unusual.
    """
    path, _, anchor = target.partition("#")
    if not path or "." in (path[:1], from_page[:1]) or "//" in path or path.endswith("/"):
        return routes.relative(from_page, target)
    here = _parts(from_page.rpartition("/")[0])
    there = path.split("/")
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return f"{rel}#{anchor}" if anchor else rel


@jinja2.pass_context
def _url(ctx, target: str) -> str:
    return relative(ctx["page_path"], target)


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
    compiled: dict[str, object] = {}

    @jinja2.pass_context
    def linked(ctx, text: str, pairs: list[tuple[str, str]]) -> Safe:
        """An article body: first mentions of known names linked, blocks numbered."""
        patterns = []
        for form, target in pairs:
            if form not in compiled:
                compiled[form] = name_pattern(form)
            patterns.append((compiled[form], relative(ctx["page_path"], target)))
        return Safe(markup.convert(text or "", patterns, number_blocks=True))

    env.filters["markdown_linked"] = linked
    env.globals["url"] = _url
    env.globals["routes"] = routes
    env.globals["month_name"] = month_name
    return env


def render_page(env: jinja2.Environment, template: str, page_path: str, context: dict) -> bytes:
    """Render one page; ``page_path`` makes every ``url()`` in it relative to that page."""
    html = env.get_template(template).render(page_path=page_path, **context)
    return html.encode("utf-8")
