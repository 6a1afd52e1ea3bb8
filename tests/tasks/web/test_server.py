"""Starting ``thidua web``: which addresses count as this machine only, and the limits uvicorn serves with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tasks.web import server
from tasks.web.served import WebSettings


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.0.1", "::1"])
def test_loopback_addresses_are_this_machine_only(host: str) -> None:
    """Addresses no other machine can reach count as local (no warning about an open /runs)."""
    assert server.is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.5", "thidua.example.vn", ""])
def test_network_addresses_are_not_loopback(host: str) -> None:
    """Every interface, a LAN address or a name that is not localhost opens the page to the network."""
    assert not server.is_loopback(host)


def test_serve_loads_the_app_first_then_serves_with_public_facing_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ready line comes only after the rules are loaded; uvicorn gets the host, a connection cap and no banner."""
    events: list[str] = []
    configs: list[uvicorn.Config] = []
    app = object()

    def fake_create_app(settings: WebSettings) -> object:
        events.append(f"app {settings.year}")
        return app

    def fake_run(self: uvicorn.Server, *_args: Any, **_kwargs: Any) -> None:
        events.append("serving")
        configs.append(self.config)

    monkeypatch.setattr(server, "create_app", fake_create_app)
    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    settings = WebSettings(inputs=tmp_path, outputs=tmp_path, year=2025)
    server.serve(settings, "127.0.0.1", 8050, ready=lambda: events.append("ready"))
    assert events == ["app 2025", "ready", "serving"]
    (config,) = configs
    assert config.app is app and (config.host, config.port) == ("127.0.0.1", 8050)
    assert config.limit_concurrency == server.MAX_CONNECTIONS == 64
    assert config.server_header is False and config.access_log is False
    assert config.proxy_headers and config.forwarded_allow_ips == "127.0.0.1"  # X-Forwarded-* only from loopback
