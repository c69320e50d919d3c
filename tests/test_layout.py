"""The rooms of the package and who may import whom: the rule, written once, and checked on the
source (every import statement, module level or not) and on what importing really loads."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from archiver._moved import MOVED

ROOT = Path(__file__).parents[1]
# Where each installed package's modules live in the repository (pyproject's package-dir).
SOURCES = {"archiver": ROOT / "archiver", "archiver.spiders": ROOT / "spiders",
           "archiver.pipelines": ROOT / "pipelines"}  # fmt: skip

# Each room: the module prefixes it holds. The longest prefix names a module's room.
ROOMS = {
    # The package itself: the public names, each loaded from its room on first use.
    "package": ("archiver",),
    "core": (
        "archiver.items",
        "archiver.clock",
        "archiver.config",
        "archiver._moved",
        "archiver._version",
        "archiver.runstats",
        "archiver.outputs",
        "archiver.home",
        "archiver.dates",
    ),
    "parse": ("archiver.parse",),
    "db": ("archiver.db",),
    "read": ("archiver.read",),
    "crawl": ("archiver.crawling", "archiver.settings"),
    "warc": ("archiver.warc",),
    "spiders": ("archiver.spiders",),
    "pipelines": ("archiver.pipelines",),
    "sitegen": ("archiver.sitegen",),
    "api": ("archiver.api", "archiver.archive", "archiver.maintenance", "archiver.demo"),
    "cli": ("archiver.cli", "archiver.__main__"),
}
# THE RULE: the rooms each room may import (besides itself). Below a room is only what it needs:
# parsing is pure; the database knows nothing above it; only the API starts spiders (Scrapy
# finds the pipelines by name, in settings); the generated site stands alone.
MAY_IMPORT = {
    "package": {"core", "parse", "api"},
    "core": set(),
    "parse": {"core"},
    "db": {"core", "parse"},
    "read": {"core", "parse", "db"},
    "crawl": {"core", "parse", "db"},
    "warc": {"core", "parse", "db", "crawl"},
    "pipelines": {"core", "parse", "db", "crawl", "warc"},
    "spiders": {"core", "parse", "db", "crawl", "warc"},
    "sitegen": set(),
    "api": {"core", "parse", "db", "read", "crawl", "warc", "spiders", "sitegen"},
    "cli": {"core", "parse", "db", "read", "crawl", "warc", "api"},
}
# Rooms whose import must not load these (checked in a fresh interpreter).
PURE = {
    "parse": ("scrapy", "twisted", "sqlalchemy"),
    "sitegen": ("scrapy", "twisted", "sqlalchemy"),
}


def modules() -> dict[str, Path]:
    found = {}
    for package, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


MODULES = modules()


def room_of(module: str) -> str:
    return max(
        ((room, prefix) for room, prefixes in ROOMS.items() for prefix in prefixes
         if module == prefix or module.startswith(prefix + ".")),
        key=lambda found: len(found[1]),
    )[0]  # fmt: skip


def imports(module: str) -> Iterator[tuple[str, int]]:
    """Every archiver module `module` imports, with the line: absolute and relative, at module
    level, in functions and under TYPE_CHECKING alike."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]  # fmt: skip
        else:
            continue
        for name in names:
            if name == "archiver" or name.startswith("archiver."):
                yield name, node.lineno


def test_every_module_has_a_room() -> None:
    assert set(ROOMS) == set(MAY_IMPORT)
    for module in MODULES:
        assert room_of(module) in ROOMS, module


def test_the_rule_between_rooms_has_no_cycle() -> None:
    TopologicalSorter(MAY_IMPORT).prepare()  # raises CycleError on a cycle


def test_each_room_imports_only_what_the_rule_allows() -> None:
    broken = []
    for module in MODULES:
        if module in MOVED:  # the old paths forward to their new rooms for one release
            continue
        room = room_of(module)
        for name, line in imports(module):
            assert name in MODULES or name.rpartition(".")[0] in MODULES, (
                f"{module}:{line} imports {name}, which does not exist"
            )
            other = room_of(name)
            if other != room and other not in MAY_IMPORT[room]:
                broken.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {room} imports "
                              f"{name} ({other})")  # fmt: skip
    assert not broken, "\n".join(broken)


def test_no_import_cycles_between_modules() -> None:
    graph = {module: {name for name, _ in imports(module) if name in MODULES}
             for module in MODULES}  # fmt: skip
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_pure_rooms_import_no_scrapy_twisted_or_sqlalchemy() -> None:
    for room, banned in PURE.items():
        names = [m for m in MODULES if room_of(m) == room]
        names += ["archiver.sitegen.server"] if room == "sitegen" else []
        code = (
            "import sys\n"
            + "".join(f"import {name}\n" for name in names)
            + f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(banned)!r}))"
        )
        loaded = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout.strip()
        assert loaded == "[]", f"importing the {room} room loads {loaded}"


def test_old_paths_named_by_the_docs_still_import_with_a_warning() -> None:
    code = (
        "import warnings\n"
        "warnings.simplefilter('error')\n"
        "try:\n"
        "    from archiver.dates import parse_date\n"
        "except DeprecationWarning as warning:\n"
        "    print(warning)\n"
        "warnings.simplefilter('ignore')\n"
        "from archiver.dates import parse_date\n"
        "from archiver.db.search import search, width_variants\n"
        "from archiver.parse.dates import parse_date as new\n"
        "assert parse_date is new and search and width_variants\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert "archiver.dates moved to archiver.parse.dates" in shown
