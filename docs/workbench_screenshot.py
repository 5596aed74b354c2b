"""Take docs/workbench.png: the workbench on a half-filled plan, in headless Chromium.

.venv/bin/python docs/workbench_screenshot.py   # needs /usr/bin/chromium (apt-get install chromium)
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from assess.plan.starter import starter_text
from assess.web.server import build_server

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from workbench_plan import good_plan

    folder = Path(tempfile.mkdtemp())
    plan = folder / "riverside.yaml"
    plan.write_text(starter_text("yaml", today=dt.date(2025, 1, 6)))
    server, url = build_server(folder, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = good_plan()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tempfile.mkdtemp(),
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync"],
            viewport={"width": 1360, "height": 860},
        )
        page = context.new_page()
        page.goto(url)
        origin = url.split("/?")[0]
        page.goto(f"{origin}/plan/riverside.yaml/step/basics")
        for field, value in (
            ("#f-organization-name", target["organization"]["name"]),
            ("#f-people-0-name", target["people"][0]["name"]),
            ("#f-people-1-name", target["people"][1]["name"]),
        ):
            page.fill(field, value)
        with page.expect_navigation():
            page.click("#save")
        page.goto(f"{origin}/plan/riverside.yaml/step/4")
        page.fill("#f-policies-training-last_session", "2025-01-27")
        with page.expect_navigation():
            page.click("#save")
        shot = ROOT / "docs" / "workbench.png"
        page.screenshot(path=str(shot))
        context.close()
    server.shutdown()
    try:  # a small file: 96 colours are plenty for a form
        from PIL import Image

        Image.open(shot).convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(shot, optimize=True)
    except ImportError:
        pass


if __name__ == "__main__":
    main()
