"""The `archiver` command: a thin layer over `archiver.api`, one function per command.

`main` (the console script `archiver = archiver.cli:main`) is the group; writing commands are in
`writing`, reading ones in `reading`, what they print in `summaries` and `display`.
"""

from archiver.cli.main import main

__all__ = ["main"]
