"""Great Expectations Data Docs that open offline (spec §5: ``<run>/validation/data-docs/index.html``).

GX 1.24 renders Data Docs pages that load jQuery, Bootstrap, bootstrap-table, Font Awesome, Vega… from
CDNs, show the GX logo from S3 with a ``?d=<time>&dataContextId=<id>`` tracking query, and link to GX's
site and newsletter. Auditors open the site with no network, so after GX has written the site,
:func:`rewrite_offline` copies the assets vendored from npm (``tasks/outputs/vendor/``, re-created by
``scripts/vendor_datadocs_assets.py``) to ``<site>/static/vendor/`` and rewrites every page to use them;
:func:`assert_offline` then proves that no page can reach another host.

The validation results come from ``tasks.validation.suites.Validator``, which keeps them in its ephemeral
context (tested with a tiny suite in ``tests/tasks/outputs/test_datadocs.py``).

:func:`build_data_docs` renders every validation result and suite held by the context, so use one context
per run and build in the same process (the ephemeral stores live in memory). It registers a ``SiteBuilder``
site whose ``TupleFilesystemStoreBackend`` writes to the chosen folder (no Checkpoint/UpdateDataDocsAction
needed), with the "how to" walkthrough off.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from json import loads
from pathlib import Path
from typing import Any

from tasks.outputs.datadocs_vi import translate_site

VENDOR_DIR = Path(__file__).with_name("vendor")
SITE_NAME = "thidua_offline"
VENDOR_SUBDIR = "static/vendor"
TEXT_SUFFIXES = frozenset({".html", ".htm", ".css", ".js"})
# GX's own pictures fetched from S3; the site already holds local copies under static/images/.
GX_IMAGES = {
    "//great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "static/images/logo-long.png",
    "//great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png": "static/images/logo-long.png",
}

_EXTERNAL = r"(?:(?:https?|wss?|ftp):)?//[^\s\"'<>()`]"
_IS_EXTERNAL = re.compile(rf"^\s*{_EXTERNAL}", re.IGNORECASE)
_URL_TOKEN = re.compile(r"(?:https?:)?//[^\s\"'<>()`]+", re.IGNORECASE)
_REF_ATTR = re.compile(
    r"""(?<![\w:-])((?:data-[\w-]*)?(?:src|href|srcset)|action|formaction|poster|data|background|manifest|ping"""
    r"""|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+["']([^"']+)["']""", re.IGNORECASE)
_STATIC_PATH = re.compile(r"""(["'(])(?:\./|(?:\.\./)+)?static/(?=(?:images|styles|fonts|vendor)/)""")
_ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_ANCHOR_ATTRS = re.compile(r"""\s(?:href|target|rel)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_SRI_ATTRS = re.compile(r"""\s(?:integrity|crossorigin)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""", re.IGNORECASE)
_TAG_WITH_SRI = re.compile(r"<(?:script|link)\b[^>]*\b(?:integrity|crossorigin)\b[^>]*>", re.IGNORECASE)
_NEWSLETTER = re.compile(r"<footer>\s*<p>[^<]*<a [^>]*newsletter[^>]*>[^<]*</a>\s*</p>\s*</footer>", re.IGNORECASE)
_ASSET_TAG = re.compile(r"<(?:script|img|link|source|video|audio|iframe|embed)\b[^>]*>", re.IGNORECASE)


class NotOfflineError(AssertionError):
    """A Data Docs site still references another host, or a local asset it references is missing."""

    def __init__(self, problems: Sequence[str]) -> None:
        """Keep the offending ``file: reference`` lines and show them all."""
        self.problems = list(problems)
        super().__init__("Data Docs site is not self-contained:\n  " + "\n  ".join(self.problems))


def site_config(site_dir: Path) -> dict[str, Any]:
    """Return the ``data_docs_sites`` entry that writes a site into ``site_dir`` (absolute)."""
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def build_data_docs(context: Any, site_dir: Path) -> Path:
    """Render the context's suites and validation results into ``site_dir``; return its ``index.html``.

    The site is then made self-contained (:func:`rewrite_offline`), translated into Vietnamese
    (:func:`tasks.outputs.datadocs_vi.translate_site`) and checked (:func:`assert_offline`, raising
    :class:`NotOfflineError`).
    """
    site_dir = Path(site_dir).resolve()
    site_dir.mkdir(parents=True, exist_ok=True)
    config: Any = site_config(site_dir)
    if SITE_NAME in (context.config.data_docs_sites or {}):
        context.update_data_docs_site(SITE_NAME, config)
    else:
        context.add_data_docs_site(SITE_NAME, config)
    context.build_data_docs(site_names=[SITE_NAME])
    index = site_dir / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"GX did not write {index}")
    rewrite_offline(site_dir)
    translate_site(site_dir)
    assert_offline(site_dir)
    return index


@cache
def cdn_map() -> Mapping[str, str]:
    """Map ``//host/path`` of every known remote asset to its path relative to the site root."""
    manifest = loads((VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))
    mapping = {url: f"{VENDOR_SUBDIR}/{target}" for url, target in manifest["urls"].items()}
    return {**mapping, **GX_IMAGES}


def rewrite_offline(site_dir: Path) -> None:
    """Vendor the assets into ``site_dir`` and rewrite its pages to need no other host.

    Copies ``tasks/outputs/vendor/`` to ``static/vendor/``; in every .html/.css/.js file GX wrote, replaces
    known CDN/S3 URLs (``http://``, ``https://``, ``//``) by paths relative to that file (dropping tracking
    queries), drops ``integrity``/``crossorigin`` (they block ``file://`` loads), removes the newsletter
    footer and the ``href`` of anchors to other hosts. References to unknown hosts are left for
    :func:`assert_offline` to report.
    """
    site_dir = Path(site_dir).resolve()
    vendor_root = site_dir / VENDOR_SUBDIR
    shutil.copytree(VENDOR_DIR, vendor_root, dirs_exist_ok=True)
    for path in _text_files(site_dir):
        if vendor_root in path.parents:
            continue  # vendored files are used as published
        text = path.read_text(encoding="utf-8")
        new = _rewrite_urls(text, path, site_dir)
        if path.suffix.lower() in {".html", ".htm"}:
            new = _neutralise_html(new)
        if new != text:
            path.write_text(new, encoding="utf-8")


def _text_files(site_dir: Path) -> Iterator[Path]:
    """Yield the .html/.css/.js files under ``site_dir`` in a stable order."""
    yield from sorted(p for p in site_dir.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES and p.is_file())


def _rewrite_urls(text: str, path: Path, site_dir: Path) -> str:
    """Make remote asset URLs and ``static/`` paths in ``text`` relative to ``path``'s folder."""
    mapping = cdn_map()

    def local(match: re.Match[str]) -> str:
        url = match.group(0)
        key = "//" + re.split(r"[?#]", url, maxsplit=1)[0].split("//", 1)[1]
        target = mapping.get(key)
        if target is None:
            return url
        return Path(os.path.relpath(site_dir / target, path.parent)).as_posix()

    text = _URL_TOKEN.sub(local, text)
    # GX's favicon link on validation pages climbs one folder too few; re-anchor every static/ path.
    static = Path(os.path.relpath(site_dir / "static", path.parent)).as_posix()
    return _STATIC_PATH.sub(lambda m: f"{m.group(1)}{static}/", text)


def _neutralise_html(html: str) -> str:
    """Drop SRI/CORS attributes, the newsletter footer and links to other hosts from a page."""
    html = _TAG_WITH_SRI.sub(lambda m: _SRI_ATTRS.sub("", m.group(0)), html)
    html = _NEWSLETTER.sub("", html)

    def unlink(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = re.search(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", tag, re.IGNORECASE)
        if href and _IS_EXTERNAL.match(next(g for g in href.groups() if g is not None)):
            return _ANCHOR_ATTRS.sub("", tag)
        return tag

    return _ANCHOR.sub(unlink, html)


def _references(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(kind, value)`` for each resource/link reference in HTML, CSS or JS ``text``."""
    for match in _REF_ATTR.finditer(text):
        value = next(g for g in match.groups()[1:] if g is not None)
        yield match.group(1).lower(), value
    for match in _CSS_URL.finditer(text):
        yield "url()", next((g for g in match.groups() if g is not None), "")
    for match in _CSS_IMPORT.finditer(text):
        yield "@import", match.group(1)


def _external_references(site_dir: Path, texts: Sequence[tuple[Path, str]]) -> list[str]:
    found: list[str] = []
    for path, text in texts:
        for kind, value in _references(text):
            if value.lstrip().lower().startswith("data:"):
                continue
            candidates = value.split(",") if kind.endswith("srcset") else [value]
            if any(_IS_EXTERNAL.match(c) for c in candidates):
                found.append(f"{path.relative_to(site_dir).as_posix()}: {kind}={value.strip()}")
    return found


def _missing_assets(site_dir: Path, texts: Sequence[tuple[Path, str]]) -> list[str]:
    vendor_root = site_dir / VENDOR_SUBDIR
    missing: list[str] = []
    for path, text in texts:
        if vendor_root in path.parents and path.suffix.lower() != ".css":
            continue  # vendored JS builds markup from templates at run time
        refs = [v for tag in _ASSET_TAG.findall(text) for k, v in _references(tag) if k in {"src", "href"}]
        refs += [v for k, v in _references(text) if k == "url()"]
        for ref in refs:
            target = re.split(r"[?#]", ref.strip(), maxsplit=1)[0]
            if not target or _IS_EXTERNAL.match(target) or re.match(r"^[a-z][\w+.-]*:", target, re.I):
                continue  # external ones are reported by _external_references; data:, about:…
            if not (path.parent / target).exists():
                missing.append(f"{path.relative_to(site_dir).as_posix()}: missing {target}")
    return missing


def assert_offline(site_dir: Path) -> None:
    """Raise :class:`NotOfflineError` naming each file and URL that would need another host.

    Checks ``src``/``href``/``srcset``/… attributes, CSS ``url()`` and ``@import`` in every .html, .css and
    .js file, and that every local script, stylesheet, image and CSS ``url()`` exists.
    """
    site_dir = Path(site_dir).resolve()
    texts = [(path, path.read_text(encoding="utf-8", errors="replace")) for path in _text_files(site_dir)]
    problems = _external_references(site_dir, texts) + _missing_assets(site_dir, texts)
    if problems:
        raise NotOfflineError(problems)
