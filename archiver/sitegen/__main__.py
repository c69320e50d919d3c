"""Serve a generated site from the command line: `python -m archiver.sitegen [ARTICLES] [COMMENTS] [SEED]`.

Prints the base URL on the first line, then serves until killed. For benchmarks that need the
server in its own process, and for looking at the site in a browser.
"""

from __future__ import annotations

import sys
import threading

from archiver.sitegen.model import generate
from archiver.sitegen.server import GeneratedSite


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    comments = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    state = generate(articles, (0, 2 * comments) if comments else 0, seed=seed)
    with GeneratedSite(state) as site:
        print(site.base_url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
