"""Site settings from ``dossier.toml``; every setting has a default so the file is optional."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import DossierError, Problem

CONFIG_FILE = "dossier.toml"


@dataclass(frozen=True)
class Config:
    root: Path
    title: str = "Dossier"
    description: str = "A timeline of who did what, where and when."
    language: str = "en"
    base_url: str = ""  # e.g. "https://example.org/conflict/"; enables sitemap.xml, robots.txt
    seeds_dir: str = "seeds"
    content_dir: str = "content"
    templates_dir: str = "templates"
    static_dir: str = "static"
    output_dir: str = "output"
    cache_dir: str = ".dossier-cache"
    spacy_model: str = "en_core_web_sm"
    timeline_split: int = 200  # split the timeline by year once it has more events than this
    list_split: int = 1000  # a page per year for an actor's or place's events, or the
    # list of dossiers, past this many
    timestamp: bool = False  # write the build time into pages (off: byte-identical rebuilds)
    search: bool = True  # run Pagefind after the build when it is installed

    def path(self, name: str) -> Path:
        return self.root / getattr(self, name)

    @property
    def seeds(self) -> Path:
        return self.path("seeds_dir")

    @property
    def content(self) -> Path:
        return self.path("content_dir")

    @property
    def output(self) -> Path:
        return self.path("output_dir")

    @property
    def cache(self) -> Path:
        return self.path("cache_dir")


def load_config(root: Path) -> Config:
    """Read ``dossier.toml`` under root; unknown keys are errors so typos are not silent."""
    root = Path(root).resolve()
    file = root / CONFIG_FILE
    if not file.exists():
        return Config(root=root)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise DossierError(Problem(str(file), f"bad TOML: {exc}", line)) from None
    section = data.get("site", data)
    known = {f.name: f for f in fields(Config) if f.name != "root"}
    values = {}
    for key, value in section.items():
        if key not in known:
            raise DossierError(Problem(str(file), f"unknown setting {key!r}"))
        expected = type(Config.__dataclass_fields__[key].default)
        if not isinstance(value, expected):
            raise DossierError(
                Problem(str(file), f"setting {key!r} must be {expected.__name__}, not {value!r}")
            )
        values[key] = value
    if values.get("base_url") and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return Config(root=root, **values)
