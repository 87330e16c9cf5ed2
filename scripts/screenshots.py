"""PNGs of every page, signed out, as a participant and as a moderator, 1280 and 390 px wide.

    make screenshots                     # into screenshots/
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --only section,home --width 390

Serves the demo workspace on a fresh SQLite file (the browser tests' set-up), signs the two
people in through the emailed link, and walks tests/browser/pages.py, the table every page is
in, so a new page is photographed as soon as it has a route. Long pages are cut at
--max-height pixels. Open the files and look at what you changed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    serve_demo,
    sign_in,
)
from tests.browser.pages import ADMIN_ONLY, demo_ids, page_urls, write_own_comment  # noqa: E402
from valuma_space.demo import content  # noqa: E402

PARTICIPANT = "kuvaaja.osallistuja@kunta.example"
VIEWERS = {
    "ulkopuolinen": None,
    "osallistuja": PARTICIPANT,
    "moderaattori": content.MODERATOR_EMAIL,
    "yllapitaja": content.ADMIN_EMAIL,
}
"""The administrator is photographed on the pages only an administrator opens."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--only", default="", help="comma-separated parts of endpoint names")
    parser.add_argument("--width", type=int, action="append", help="default: 1280 and 390")
    parser.add_argument("--viewer", action="append", choices=list(VIEWERS))
    parser.add_argument("--max-height", type=int, default=6000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = [part for part in args.only.split(",") if part]
    widths = args.width or [1280, 390]
    with tempfile.TemporaryDirectory() as directory, sync_playwright() as playwright:
        server = serve_demo(Path(directory) / "screens.db", Path(directory) / "uploads")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The participant's own comment first: its reply, edit and delete pages are photographed.
        writer = browser.new_context(locale="fi-FI")
        sign_in(writer.new_page(), server, PARTICIPANT)
        write_own_comment(writer.pages[0], server.url)
        writer.close()
        with server.app.app_context():
            urls = page_urls(demo_ids(PARTICIPANT))
        written = 0
        for viewer, email in VIEWERS.items():
            if args.viewer and viewer not in args.viewer:
                continue
            context = browser.new_context(locale="fi-FI")
            page = context.new_page()
            if email:
                sign_in(page, server, email)
            for endpoint, path in urls.items():
                if only and not any(part in endpoint for part in only):
                    continue
                if (viewer == "yllapitaja") != (endpoint in ADMIN_ONLY):
                    continue  # the administrator's own pages, and only those, as an admin
                for width in widths:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(f"{server.url}{path}")
                    if (
                        viewer == "ulkopuolinen"
                        and "/kirjaudu" in page.url
                        and endpoint != "auth.login"
                    ):
                        break  # asks to sign in: the login page is photographed once
                    height = min(
                        page.evaluate("document.documentElement.scrollHeight"), args.max_height
                    )
                    name = out / f"{viewer}-{endpoint.replace('.', '-')}-{width}.png"
                    page.screenshot(
                        path=str(name),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": height},
                    )
                    written += 1
            context.close()
        browser.close()
        server.stop()
    print(f"{written} screenshots in {out}")


if __name__ == "__main__":
    main()
