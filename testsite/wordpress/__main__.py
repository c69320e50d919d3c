"""`python -m testsite.wordpress up [VARIANT ...] | down | status`: the WordPress test bed by hand."""

from __future__ import annotations

import sys

from testsite.wordpress import STATE_DIR, VARIANTS, down, up


def main() -> None:
    command, *names = sys.argv[1:] or ["status"]
    if command == "up":
        for name in names or list(VARIANTS):
            running = up(name)
            print(f"{name}: {running.base_url} ({len(running.post_urls)} posts)")
            for url in running.post_urls.values():
                print(f"  {url}")
    elif command == "down":
        down()
        print("stopped; databases dropped")
    elif command == "status":
        for pid in sorted(STATE_DIR.glob("*.pid")):
            print(f"{pid.stem}: running, pid {pid.read_text()}")
        print(f"variants: {', '.join(VARIANTS)}")
    else:
        sys.exit(
            f"usage: python -m testsite.wordpress up [{'|'.join(VARIANTS)} ...] | down | status"
        )


if __name__ == "__main__":
    main()
