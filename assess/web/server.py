"""Run the workbench: pick the folder, a port and a token, serve until Ctrl-C."""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from werkzeug.serving import BaseWSGIServer, make_server

from assess.web.app import Settings, allowed_hosts, create_app, new_token

DEFAULT_PORT = 8421


def folder_and_plan(target: Path) -> tuple[Path, str | None]:
    """The folder to open and, for a file, the plan to show first (its name in the folder)."""
    if target.is_dir():
        return target.resolve(), None
    resolved = target.resolve(strict=True)
    return resolved.parent, resolved.name


def build_server(target: Path, host: str, port: int, token: str | None = None) -> tuple[BaseWSGIServer, str]:
    """The server, bound, and the address to open (with its token)."""
    root, plan = folder_and_plan(target)
    token = token or new_token()
    server = _bind(host, port, root, token)
    bound_port = server.server_port
    shown_host = "127.0.0.1" if host in ("127.0.0.1", "0.0.0.0") else (f"[{host}]" if ":" in host else host)
    path = f"/plan/{quote(plan)}" if plan else "/"
    return server, f"http://{shown_host}:{bound_port}{path}?token={token}"


def _bind(host: str, port: int, root: Path, token: str) -> BaseWSGIServer:
    def server_for(port: int) -> BaseWSGIServer:
        # The app needs the port (Host checks, cookie name), known only once bound: bind first with a
        # placeholder app, then install the real one.
        server = make_server(host, port, _placeholder, threaded=True)
        settings = Settings(
            root=root, token=token, port=server.server_port, hosts=allowed_hosts(host, server.server_port)
        )
        server.app = create_app(settings)
        return server

    try:
        return server_for(port)
    except OSError as error:
        if port and error.errno == errno.EADDRINUSE:
            return server_for(0)
        raise


def _placeholder(environ: object, start_response: object) -> list[bytes]:  # pragma: no cover - replaced at once
    return []


def run(target: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, out: TextIO = sys.stdout) -> None:
    server, url = build_server(target, host, port)
    out.write(f"assess workbench: {url}\n(open it in a browser; Ctrl-C stops the server)\n")
    out.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
