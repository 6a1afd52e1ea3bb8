"""Run the ``thidua web`` application under uvicorn, with the limits a public-facing page needs."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

import uvicorn

from tasks.web.app import WebSettings, create_app

log = logging.getLogger(__name__)

# At most this many connections at once; more get 503 at once instead of queueing behind slow clients.
MAX_CONNECTIONS = 64


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: WebSettings, host: str, port: int, ready: Callable[[], None] = lambda: None) -> None:
    """Load the rules and Great Expectations, then serve until Ctrl+C.

    Behind a reverse proxy on the same machine, the proxy's ``X-Forwarded-*`` headers are trusted from the
    loopback address only.
    """
    app = create_app(settings)
    ready()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        ws="none",
        lifespan="off",
    )
    uvicorn.Server(config).run()
