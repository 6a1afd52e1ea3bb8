"""Offline GX Data Docs (spec §5): a real site from a tiny suite, its CDN assets vendored, no other host needed."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tasks.outputs import datadocs
from tests.support.datadocs_site import build_site, site_pages

SCRIPT_OR_LINK = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"[^>]*>""")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The tiny site, built once for the module."""
    return build_site(tmp_path_factory.mktemp("run"))


def test_recipe_keeps_complete_results_with_row_ids(built: tuple[Path, Any]) -> None:
    _, result = built
    assert not result.success
    unexpected = {r.expectation_config.type: r.result["unexpected_index_list"] for r in result.results}
    assert unexpected["expect_column_values_to_be_between"] == [{"score": 120, "rid": 13}]
    assert unexpected["expect_column_values_to_be_in_set"] == [{"status": "x", "rid": 14}]
    assert {r.expectation_config.meta.get("rule") for r in result.results} == {"R1", "R2", None}


def test_site_has_index_suite_and_nested_validation_pages(built: tuple[Path, Any]) -> None:
    site, _ = built
    pages = [p.relative_to(site).as_posix() for p in site_pages(site)]
    assert "index.html" in pages
    assert "expectations/annual_scores.html" in pages
    page = re.compile(r"validations/annual_scores/20251231T120000/[^/]+/submissions-annual_scores\.html")
    assert any(page.fullmatch(p) for p in pages)


def test_no_external_reference_is_left(built: tuple[Path, Any]) -> None:
    site, _ = built
    datadocs.assert_offline(site)  # neither a reference to another host nor a missing local asset
    for page in site_pages(site):
        text = page.read_text(encoding="utf-8")
        for needle in (
            "cdn.jsdelivr",
            "cdnjs",
            "unpkg.com",
            "bootstrapcdn",
            "code.jquery",
            "amazonaws",
            "dataContextId",
            "utm_source",
            "integrity=",
            "crossorigin",
        ):
            assert needle not in text, f"{page}: {needle}"
        assert not re.search(r"<a\b[^>]*href=\"(?:https?:)?//", text), page


def test_every_script_and_stylesheet_is_a_vendored_file_on_disk(built: tuple[Path, Any]) -> None:
    site, _ = built
    seen: set[str] = set()
    for page in site_pages(site):
        for ref in SCRIPT_OR_LINK.findall(page.read_text(encoding="utf-8")):
            target = (page.parent / ref).resolve()
            assert target.is_file(), f"{page}: {ref}"
            seen.add(target.relative_to(site).as_posix())
    vendored = {f for f in datadocs.cdn_map().values() if f.startswith(datadocs.VENDOR_SUBDIR + "/")}
    assert vendored <= seen  # every vendored script/stylesheet is used, and exists
    fa_css = site / datadocs.VENDOR_SUBDIR / "fontawesome-free/css/all.min.css"
    fonts = re.findall(r"url\(([^)]+)\)", fa_css.read_text(encoding="utf-8"))
    assert fonts and all((fa_css.parent / f).is_file() for f in fonts)


def test_paths_are_relative_to_each_page(built: tuple[Path, Any]) -> None:
    site, _ = built
    (page,) = site.glob("validations/*/*/*/*.html")
    text = page.read_text(encoding="utf-8")
    assert '<script src="../../../../static/vendor/jquery/jquery.min.js"></script>' in text
    assert 'href="../../../../static/images/favicon.ico"' in text  # GX writes ../../../ (one level short)
    assert 'src="../../../../static/images/logo-long.png"' in text
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="static/vendor/jquery/jquery.min.js"></script>' in index


def test_every_cdn_url_in_gx_templates_is_mapped() -> None:
    import great_expectations

    view = Path(great_expectations.__file__).parent / "render" / "view"
    urls = set()
    for path in [*view.glob("templates/*.j2"), *view.glob("static/styles/*.css")]:
        text = path.read_text(encoding="utf-8")
        urls |= set(re.findall(r"""<(?:script|link)\b[^>]*?(?:src|href)="((?:https?:)?//[^"]+)\"""", text))
        urls |= set(re.findall(r"""url\(['"]?((?:https?:)?//[^'")]+)""", text))
    assert len(urls) >= 15
    mapping = datadocs.cdn_map()
    assert sorted(u for u in urls if "//" + u.split("//", 1)[1] not in mapping) == []


def test_rewrite_offline_rewrites_nested_page_and_reports_unknown_hosts(tmp_path: Path) -> None:
    page = tmp_path / "validations" / "s" / "run" / "page.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "static" / "images").mkdir(parents=True)
    (tmp_path / "static" / "images" / "logo-long.png").write_bytes(b"png")
    s3 = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com"
    page.write_text(
        '<link rel="stylesheet" href="http://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>\n'
        '<script src="//code.jquery.com/jquery-3.7.1.min.js" integrity="sha384-x" crossorigin="anonymous"></script>\n'
        f'<img src="{s3}/logo-long.png?d=1&dataContextId=42">\n'
        f'<style>a {{ background: url("{s3}/full_logo_dark.png") }}</style>\n'
        '<a href="https://docs.greatexpectations.io/docs/x" target="_blank" rel="noopener">Tài liệu</a>\n'
        '<a href="#local">ok</a>\n'
        '<script src="https://tracker.example.com/t.js"></script>\n',
        encoding="utf-8",
    )
    datadocs.rewrite_offline(tmp_path)
    text = page.read_text(encoding="utf-8")
    up = "../../../"
    assert f'href="{up}static/vendor/bootstrap/css/bootstrap.min.css"' in text
    assert f'<script src="{up}static/vendor/jquery/jquery.min.js"></script>' in text
    assert f'<img src="{up}static/images/logo-long.png">' in text
    assert f'url("{up}static/images/logo-long.png")' in text
    assert "<a>Tài liệu</a>" in text and '<a href="#local">ok</a>' in text
    with pytest.raises(datadocs.NotOfflineError) as caught:
        datadocs.assert_offline(tmp_path)
    assert caught.value.problems == ["validations/s/run/page.html: src=https://tracker.example.com/t.js"]
    datadocs.rewrite_offline(tmp_path)
    assert page.read_text(encoding="utf-8") == text  # idempotent


def test_assert_offline_catches_css_imports_urls_and_srcset(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text(
        '@import "https://fonts.googleapis.com/css?family=X";\n'
        ".x { background: url(//cdn.example.org/x.png) }\n"
        ".y { background: url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e\") }\n",
        encoding="utf-8",
    )
    (tmp_path / "p.html").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><img srcset="a.png 1x, https://x.example/b.png 2x">'
        '<script src="js/gone.js"></script>',
        encoding="utf-8",
    )
    with pytest.raises(datadocs.NotOfflineError) as caught:
        datadocs.assert_offline(tmp_path)
    assert caught.value.problems == [
        "a.css: url()=//cdn.example.org/x.png",
        "a.css: @import=https://fonts.googleapis.com/css?family=X",
        "p.html: srcset=a.png 1x, https://x.example/b.png 2x",
        "p.html: missing js/gone.js",
    ]


def test_vendor_folder_is_small_licensed_and_matches_its_manifest() -> None:
    vendor = datadocs.VENDOR_DIR
    manifest = json.loads((vendor / "manifest.json").read_text(encoding="utf-8"))
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    for package in manifest["packages"]:
        folder = vendor / package["folder"]
        assert (folder / "LICENSE").is_file(), package["name"]
        assert all((folder / f).is_file() for f in package["files"]), package["name"]
        assert f"`{package['name']}` | {package['version']} | {package['license']}" in readme
    assert all((vendor / f).is_file() for f in manifest["urls"].values())
    total = sum(p.stat().st_size for p in vendor.rglob("*") if p.is_file())
    assert total < 3 * 1024 * 1024
    assert not list(vendor.rglob("*.ttf")) and not list(vendor.rglob("*.map"))


def test_vendor_folder_is_what_the_script_generates(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "vendor_datadocs_assets.py"
    spec = importlib.util.spec_from_file_location("vendor_datadocs_assets", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    manifest = json.loads((datadocs.VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))
    pins = [(p.name, p.version, p.integrity) for p in module.PACKAGES]
    assert pins == [(p["name"], p["version"], p["integrity"]) for p in manifest["packages"]]
    assert manifest["urls"] == {u: f"{p.dest}/{t}" for p in module.PACKAGES for u, t in p.urls.items()}
