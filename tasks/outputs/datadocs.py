"""Great Expectations Data Docs that open offline (spec §5: ``<run>/validation/data-docs/index.html``).

GX 1.24 renders Data Docs pages that load jQuery, Bootstrap, bootstrap-table, Font Awesome, Vega… from
CDNs, show the GX logo from S3 with a ``?d=<time>&dataContextId=<id>`` tracking query, and link to GX's
site and newsletter. Auditors open the site with no network, so after GX has written the site,
:func:`make_offline` copies the assets vendored from npm (``tasks/outputs/vendor/``, re-created by
``scripts/vendor_datadocs_assets.py``) to ``<site>/static/vendor/`` and rewrites every page to use them;
:func:`assert_offline` then proves that no page can reach another host.

Recipe (GX Core 1.24, tested in ``tests/tasks/test_datadocs.py``)::

    context = new_context()                     # ephemeral, analytics off: nothing written but the site
    suite = context.suites.add(gx.ExpectationSuite(**suite_json))   # suite_json: {"name", "expectations":
                                                # [{"type", "kwargs", "meta"}…], "meta"} = suite.to_json_dict()
    source = context.data_sources.add_pandas("submissions")
    for ward, frame in frames.items():          # one dataframe asset per submission (names the page)
        batch = source.add_dataframe_asset(ward).add_batch_definition_whole_dataframe("whole")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=ward, data=batch, suite=suite))
        result = definition.run(                # the result is also kept in the context's store
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["row"]},
            run_id=RunIdentifier(run_name=run_id))  # pages go to validations/<suite>/<run_id>/…
    index = build_data_docs(context, run_dir / "validation" / "data-docs")  # built, offline, checked

(:func:`validate_dataframe` wraps the loop body; ``tasks.validation.suites.Validator`` does the same with one asset per
suite.) GX 1.x has no ``ExpectationSuite.from_json``: ``gx.ExpectationSuite(**dict)`` takes the dict that
``suite.to_json_dict()`` gives (extra ``id``/``notes``/``severity`` keys are fine), and
``context.suites.add`` refuses a name already present (``add_or_update`` replaces).

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


def new_context() -> Any:
    """Return an ephemeral GX context, analytics and progress bars off (nothing written to the project)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # slow import, kept out of module import time
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def validate_dataframe(
    context: Any, suite: Any, asset_name: str, frame: Any, index_columns: Sequence[str], run_name: str
) -> Any:
    """Validate ``frame`` against ``suite`` (already added to ``context``) and keep the result for docs.

    ``asset_name`` must be unique in the context (it names the page); ``index_columns`` are reported for
    each unexpected value (COMPLETE result format). Returns the ``ExpectationSuiteValidationResult``.
    """
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    sources = context.data_sources.all()
    source = sources["submissions"] if "submissions" in sources else context.data_sources.add_pandas("submissions")
    batch = source.add_dataframe_asset(asset_name).add_batch_definition_whole_dataframe("whole")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=asset_name, data=batch, suite=suite))
    return definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": list(index_columns)},
        run_id=RunIdentifier(run_name=run_name),
    )


def site_config(site_dir: Path) -> dict[str, Any]:
    """Return the ``data_docs_sites`` entry that writes a site into ``site_dir`` (absolute)."""
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def build_data_docs(context: Any, site_dir: Path, *, offline: bool = True) -> Path:
    """Render the context's suites and validation results into ``site_dir``; return its ``index.html``.

    With ``offline`` (the default) the site is then made self-contained (:func:`make_offline`) and
    checked (:func:`assert_offline`, raising :class:`NotOfflineError`).
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
    if offline:
        rewrite_offline(site_dir)
        assert_offline(site_dir)
    return index


@cache
def cdn_map() -> Mapping[str, str]:
    """Map ``//host/path`` of every known remote asset to its path relative to the site root."""
    manifest = loads((VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))
    mapping = {url: f"{VENDOR_SUBDIR}/{target}" for url, target in manifest["urls"].items()}
    return {**mapping, **GX_IMAGES}


def make_offline(site_dir: Path) -> list[str]:
    """Vendor the assets into ``site_dir`` and rewrite its pages to need no other host.

    Copies ``tasks/outputs/vendor/`` to ``static/vendor/``; in every .html/.css/.js file GX wrote, replaces
    known CDN/S3 URLs (``http://``, ``https://``, ``//``) by paths relative to that file (dropping tracking
    queries), drops ``integrity``/``crossorigin`` (they block ``file://`` loads), removes the newsletter
    footer and the ``href`` of anchors to other hosts. Returns the external references left (none
    expected: :func:`assert_offline` raises on them).
    """
    rewrite_offline(site_dir)
    return find_external_references(site_dir)


def rewrite_offline(site_dir: Path) -> None:
    """The work of :func:`make_offline` without the final scan (for a caller that runs :func:`assert_offline`)."""
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


def _read_texts(site_dir: Path) -> list[tuple[Path, str]]:
    """Every .html/.css/.js file under ``site_dir`` (resolved) with its text, in :func:`_text_files` order."""
    return [(path, path.read_text(encoding="utf-8", errors="replace")) for path in _text_files(site_dir)]


def find_external_references(site_dir: Path) -> list[str]:
    """List ``file: kind=url`` for every reference to another host left in the site's text files."""
    site_dir = Path(site_dir).resolve()
    return _external_references(site_dir, _read_texts(site_dir))


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


def find_missing_assets(site_dir: Path) -> list[str]:
    """List ``file: path`` for local scripts, styles, images and CSS ``url()`` that do not exist."""
    site_dir = Path(site_dir).resolve()
    return _missing_assets(site_dir, _read_texts(site_dir))


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
                continue  # external ones are reported by find_external_references; data:, about:…
            if not (path.parent / target).exists():
                missing.append(f"{path.relative_to(site_dir).as_posix()}: missing {target}")
    return missing


def assert_offline(site_dir: Path) -> None:
    """Raise :class:`NotOfflineError` naming each file and URL that would need another host.

    Checks ``src``/``href``/``srcset``/… attributes, CSS ``url()`` and ``@import`` in every .html, .css and
    .js file, and that every local script, stylesheet, image and CSS ``url()`` exists.
    """
    site_dir = Path(site_dir).resolve()
    texts = _read_texts(site_dir)  # read once for both checks
    problems = _external_references(site_dir, texts) + _missing_assets(site_dir, texts)
    if problems:
        raise NotOfflineError(problems)
