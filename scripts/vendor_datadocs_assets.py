#!/usr/bin/env python3
"""Re-create ``tasks/outputs/vendor/`` (the CSS/JS/fonts that GX Data Docs loads from CDNs) from the npm registry.

Usage::

    python scripts/vendor_datadocs_assets.py [--dest tasks/outputs/vendor]

Needs ``npm`` (node 20+) and nothing else: only the standard library is used. Each package is fetched
with ``npm pack NAME@VERSION`` (exact versions), the tarball's sha512 is checked against the value pinned
in :data:`PACKAGES`, and only the files listed there are extracted. The output is deterministic: the same
pins give byte-identical files, ``manifest.json`` and ``README.md`` (no timestamps).

``manifest.json`` is read at run time by :mod:`tasks.outputs.datadocs`: its ``urls`` map each CDN URL found in
GX 1.24's Data Docs templates (scheme stripped, ``//host/path``) to a file under ``tasks/outputs/vendor/``.
When GX is upgraded and its templates reference a new URL, add it here and re-run the script.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Package:
    """One npm package to vendor: which files go where, and which CDN URLs they stand for."""

    name: str
    version: str
    integrity: str  # sha512 of the npm tarball, as npm reports it
    spdx: str
    dest: str  # folder under tasks/outputs/vendor/
    files: dict[str, str]  # path inside the tarball's package/ -> path under dest
    urls: dict[str, str] = field(default_factory=dict)  # //host/path -> path under dest
    licence: str | None = None  # licence file inside the tarball; None: see licence_note
    licence_note: str = ""


_FA_TTF = re.compile(r',url\(\.\./webfonts/[\w.-]+\.ttf\) format\("truetype"\)')
_CDNJS = "//cdnjs.cloudflare.com/ajax/libs"
_BT = "//unpkg.com/bootstrap-table@{v}/dist"
_FC = "extensions/filter-control/bootstrap-table-filter-control"

_JSD = "//cdn.jsdelivr.net/npm"
_FA_FONTS = ("fa-brands-400", "fa-regular-400", "fa-solid-900", "fa-v4compatibility")

PACKAGES: tuple[Package, ...] = (
    Package(
        name="jquery",
        version="3.7.1",
        integrity="sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        spdx="MIT",
        dest="jquery",
        files={"dist/jquery.min.js": "jquery.min.js"},
        urls={"//code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js"},
        licence="LICENSE.txt",
    ),
    Package(
        name="bootstrap",
        version="4.3.1",
        integrity="sha512-rXqOmH1VilAt2DyPzluTi2blhk17bO7ef+zLLPlWvG494pDxcM234pJ8wTc/6R40UWizAIIMgxjvxZg5kmsbag==",
        spdx="MIT",
        dest="bootstrap",
        files={
            "dist/css/bootstrap.min.css": "css/bootstrap.min.css",
            "dist/js/bootstrap.min.js": "js/bootstrap.min.js",
        },
        urls={
            "//maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "css/bootstrap.min.css",
            "//stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "js/bootstrap.min.js",
        },
        licence="LICENSE",
    ),
    Package(
        name="bootstrap-table",
        version="1.19.1",
        integrity="sha512-WvV+l1AI/C+zThaKmfHmi/IuayVNB0qdFyEhFx1jyZhO0oLtNJNANkCR3rvJf6Dkh72dsLElxpE/bzK9seEQLA==",
        spdx="MIT",
        dest="bootstrap-table",
        files={
            "dist/bootstrap-table.min.css": "bootstrap-table.min.css",
            "dist/bootstrap-table.min.js": "bootstrap-table.min.js",
            f"dist/{_FC}.min.css": f"{_FC}.min.css",
            f"dist/{_FC}.min.js": f"{_FC}.min.js",
        },
        urls={
            _BT.format(v="1.19.1") + "/bootstrap-table.min.css": "bootstrap-table.min.css",
            _BT.format(v="1.19.1") + "/bootstrap-table.min.js": "bootstrap-table.min.js",
            _BT.format(v="1.19.1") + f"/{_FC}.min.js": f"{_FC}.min.js",
            # GX also links the 1.19.0 filter-control CSS; its rules are identical to 1.19.1's.
            _BT.format(v="1.19.0") + f"/{_FC}.css": f"{_FC}.min.css",
            _BT.format(v="1.19.0") + f"/{_FC}.min.css": f"{_FC}.min.css",
        },
        licence="LICENSE",
    ),
    Package(
        name="popper.js",
        version="1.12.9",
        integrity="sha512-s0EEi9xiSCdqz9lV4IiVH5yIZnDX/U1t0tCjB+0jXx9jW8lrR7kOpVupiUg175ogqVoudpDXHF1p6dKATCHMeg==",
        spdx="MIT",
        dest="popper.js",
        files={"dist/umd/popper.min.js": "umd/popper.min.js"},
        urls={f"{_CDNJS}/popper.js/1.12.9/umd/popper.min.js": "umd/popper.min.js"},
        licence_note="The tarball ships no licence file; package.json says MIT and popper.min.js carries "
        "'Copyright (C) Federico Zivolo 2017, Distributed under the MIT License'.",
    ),
    Package(
        name="@fortawesome/fontawesome-free",
        version="6.6.0",
        integrity="sha512-60G28ke/sXdtS9KZCpZSHHkCbdsOGEhIUGlwq6yhY74UpTiToIh8np7A8yphhM4BWsvNFtIvLpi4co+h9Mr9Ow==",
        spdx="CC-BY-4.0 AND OFL-1.1 AND MIT",
        dest="fontawesome-free",
        files={
            "css/all.min.css": "css/all.min.css",
            **{f"webfonts/{f}.woff2": f"webfonts/{f}.woff2" for f in _FA_FONTS},
        },
        urls={f"{_CDNJS}/font-awesome/6.6.0/css/all.min.css": "css/all.min.css"},
        licence="LICENSE.txt",
    ),
    Package(
        name="bootstrap-datepicker",
        version="1.9.0",
        integrity="sha512-9rYYbaVOheGYxjOr/+bJCmRPihfy+LkLSg4fIFMT9Od8WwWB/MB50w0JO1eBgKUMbb7PFHQD5uAfI3ArAxZRXA==",
        spdx="Apache-2.0",
        dest="bootstrap-datepicker",
        files={
            "dist/css/bootstrap-datepicker.min.css": "css/bootstrap-datepicker.min.css",
            "dist/js/bootstrap-datepicker.min.js": "js/bootstrap-datepicker.min.js",
            # Not linked by GX: tasks/outputs/datadocs_vi.py loads it so the Run Time filter's calendar is Vietnamese.
            "dist/locales/bootstrap-datepicker.vi.min.js": "locales/bootstrap-datepicker.vi.min.js",
        },
        urls={
            f"{_CDNJS}/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "css/bootstrap-datepicker.min.css",
            f"{_CDNJS}/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "js/bootstrap-datepicker.min.js",
        },
        licence="LICENSE",
    ),
    Package(
        name="@forevolve/bootstrap-dark",
        version="1.1.0",
        integrity="sha512-A3ucpEpxPoTVO490lZZCfjPXxv832l7mm1IxX3bXyxvgwnPGXDLyh7dWrphXKO8YBAu3EswbBEu3VSW8NRMW3A==",
        spdx="MIT",
        dest="bootstrap-dark",
        files={"dist/css/bootstrap-prefers-dark.min.css": "css/bootstrap-prefers-dark.min.css"},
        # GX links the unminified file (880 kB); the minified build of the same release is used.
        urls={
            f"{_JSD}/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
                "css/bootstrap-prefers-dark.min.css"
            )
        },
        licence="LICENSE",
    ),
    Package(
        name="vega",
        version="5.33.1",
        integrity="sha512-1fArfVDUqVbb5z8n+/nVQb+VNBzx8svY6CrsyTK4Ujm4yrd9I1auoKxBAPXLCavY1LcrbHUskQbGUP8gXOzyQw==",
        spdx="BSD-3-Clause",
        dest="vega",
        files={"build/vega.min.js": "vega.min.js"},
        urls={f"{_JSD}/vega@5": "vega.min.js"},  # GX asks for the newest 5.x; 5.33.1 is it today
        licence_note="The tarball ships no licence file; package.json says BSD-3-Clause, author "
        "'UW Interactive Data Lab'. LICENSE here is the BSD-3-Clause text shipped by vega-embed "
        "(same authors).",
    ),
    Package(
        name="vega-lite",
        version="5.23.0",
        integrity="sha512-l4J6+AWE3DIjvovEoHl2LdtCUkfm4zs8Xxx7INwZEAv+XVb6kR6vIN1gt3t2gN2gs/y4DYTs/RPoTeYAuEg6mA==",
        spdx="BSD-3-Clause",
        dest="vega-lite",
        files={"build/vega-lite.min.js": "vega-lite.min.js"},
        urls={f"{_JSD}/vega-lite@5": "vega-lite.min.js"},
        licence="LICENSE",
    ),
    Package(
        name="vega-embed",
        version="6.29.0",
        integrity="sha512-PmlshTLtLFLgWtF/b23T1OwX53AugJ9RZ3qPE2c01VFAbgt3/GSNI/etzA/GzdrkceXFma+FDHNXUppKuM0U6Q==",
        spdx="BSD-3-Clause",
        dest="vega-embed",
        files={"build/vega-embed.min.js": "vega-embed.min.js"},
        urls={f"{_JSD}/vega-embed@6": "vega-embed.min.js"},
        licence="LICENSE",
    ),
)

MIT_TEXT = """MIT License

{copyright}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def npm_pack(pkg: Package, workdir: Path) -> Path:
    """Download ``pkg``'s tarball with ``npm pack`` and check its sha512 against the pinned value."""
    out = subprocess.run(
        ["npm", "pack", f"{pkg.name}@{pkg.version}", "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    info = json.loads(out)[0]
    tarball = workdir / info["filename"]
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != pkg.integrity or info["integrity"] != pkg.integrity:
        raise SystemExit(f"{pkg.name}@{pkg.version}: integrity {digest} != pinned {pkg.integrity}")
    return tarball


def extract(pkg: Package, tarball: Path, dest: Path) -> None:
    """Copy the listed files (and the licence file) of ``tarball`` to ``dest/pkg.dest``."""
    wanted = dict(pkg.files)
    if pkg.licence:
        wanted[pkg.licence] = "LICENSE"
    with tarfile.open(tarball, "r:gz") as tar:
        for inner, target in wanted.items():
            member = tar.extractfile(f"package/{inner}")
            if member is None:
                raise SystemExit(f"{pkg.name}: {inner} is not a regular file")
            data = member.read()
            if pkg.name == "@fortawesome/fontawesome-free" and inner.endswith(".css"):
                # Only the woff2 webfonts are vendored; every browser that runs Data Docs reads woff2.
                data = _FA_TTF.sub("", data.decode("utf-8")).encode("utf-8")
            out = dest / pkg.dest / target
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)


def write_missing_licences(dest: Path) -> None:
    """Write LICENSE files for packages whose tarball has none (see ``licence_note``)."""
    (dest / "popper.js" / "LICENSE").write_text(
        MIT_TEXT.format(copyright="Copyright (C) Federico Zivolo 2017"), encoding="utf-8"
    )
    shutil.copyfile(dest / "vega-embed" / "LICENSE", dest / "vega" / "LICENSE")


def size_of(folder: Path) -> int:
    """Total size in bytes of the files under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def write_manifest(dest: Path) -> None:
    """Write ``manifest.json`` (URL map + provenance) and ``README.md`` into ``dest``."""
    packages = [
        {
            "name": p.name,
            "version": p.version,
            "license": p.spdx,
            "integrity": p.integrity,
            "folder": p.dest,
            "files": sorted({*p.files.values(), "LICENSE"}),
            "bytes": size_of(dest / p.dest),
        }
        for p in PACKAGES
    ]
    urls = {url: f"{p.dest}/{target}" for p in PACKAGES for url, target in p.urls.items()}
    manifest = {"packages": packages, "urls": dict(sorted(urls.items()))}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    sizes = {p.dest: size_of(dest / p.dest) for p in PACKAGES}
    (dest / "README.md").write_text(readme(sizes, urls), encoding="utf-8")


def readme(sizes: dict[str, int], urls: dict[str, str]) -> str:
    """Render the README listing package, version, licence and size."""
    rows = [f"| `{p.name}` | {p.version} | {p.spdx} | `{p.dest}/` | {sizes[p.dest] // 1024} KiB |" for p in PACKAGES]
    notes = [f"- `{p.name}`: {p.licence_note}" for p in PACKAGES if p.licence_note]
    url_rows = [f"| `{u}` | `{f}` |" for u, f in sorted(urls.items())]
    return "\n".join(
        [
            "# Vendored Data Docs assets",
            "",
            "Generated by `scripts/vendor_datadocs_assets.py` from the npm registry (`npm pack`, exact versions,",
            "tarball sha512 checked against the pins in the script). Do not edit by hand: change the script and",
            "re-run it. `tasks/outputs/datadocs.py` copies this folder to `<site>/static/vendor/` and rewrites the CDN",
            "URLs of GX Data Docs pages to these files so the site opens offline.",
            "",
            "| package | version | licence | folder | size |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            "Each folder holds the package's `LICENSE`. Changes to upstream files: Font Awesome's `all.min.css`",
            "has its `.ttf` fallbacks removed (only the `.woff2` webfonts are vendored). `popper.min.js` and",
            "`bootstrap.min.js` match the sha384 `integrity` values GX's templates pin for the CDN copies. Notes:",
            "",
            *notes,
            "",
            "CDN URL (as referenced by GX 1.24 templates, scheme stripped) → vendored file:",
            "",
            "| CDN URL | file |",
            "| --- | --- |",
            *url_rows,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Fetch every package and rebuild the destination folder from scratch."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dest", type=Path, default=ROOT / "tasks" / "outputs" / "vendor")
    dest: Path = parser.parse_args(argv).dest.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "vendor"
        for pkg in PACKAGES:
            extract(pkg, npm_pack(pkg, Path(tmp)), staging)
        write_missing_licences(staging)
        write_manifest(staging)
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(staging, dest)
    print(f"vendored {len(PACKAGES)} packages into {dest} ({size_of(dest) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
