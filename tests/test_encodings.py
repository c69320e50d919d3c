"""Pages decoded as browsers decode them (issue 18, item 4): EUC-JP with the NEC and IBM
characters, ISO-2022-JP with no declaration; what cannot be decoded is counted in health."""

from __future__ import annotations

from pathlib import Path

from archiver.parse.encoding import decode_euc_jp
from archiver.sitegen.loopback import LocalSite, Page
from tests.archive_reader import query
from tests.conftest import FAST, run_archiver
from tests.family_markup import SPRING, page

# EUC-JP bytes of ①, ㈱, Ⅲ (NEC row 13) and ～ (0xA1C1, U+FF5E in the WHATWG index), then テスト.
NEC_BYTES = b"\xad\xa1\xad\xea\xad\xb7\xa1\xc1\xa5\xc6\xa5\xb9\xa5\xc8"
NEC_TEXT = "①㈱Ⅲ～テスト"


def test_euc_jp_reads_the_nec_characters_and_the_wave_as_browsers_do() -> None:
    assert decode_euc_jp(b"<p>" + NEC_BYTES + b"</p>") == f"<p>{NEC_TEXT}</p>"
    assert "\ufffd" in NEC_BYTES.decode("euc_jp", "replace")  # what Python's codec gives


def _scrape(pages: dict[str, bytes], tmp_path: Path, content_type: str = "text/html"):
    """The pages served with `content_type` (no charset: the page's own declaration, if any)."""
    db = str(tmp_path / "a.sqlite3")
    served = {path: Page(body, content_type=content_type) for path, body in pages.items()}
    with LocalSite(served) as site:
        result = run_archiver("scrape", *(site.url(p) for p in pages), "--db", db, *FAST,
                              home=tmp_path)  # fmt: skip
    return result, db


def test_japanese_legacy_encodings_are_stored_as_their_text(tmp_path: Path) -> None:
    html = page(SPRING, "legacy-walker")
    euc = html.replace('charset="utf-8"', 'charset="EUC-JP"').replace(
        "本当ですか。", "本当ですか。@@"
    )
    euc_body = euc.encode("euc_jp").replace(b"@@", NEC_BYTES)
    undeclared = (
        html.replace('<meta charset="utf-8">', "")
        .replace("春の便り", "春の便り二")
        .replace("?p=77", "?p=78")
    )
    iso_body = undeclared.encode("iso2022_jp")
    result, db = _scrape({"/euc/": euc_body, "/iso/": iso_body}, tmp_path)
    assert result.returncode == 0, result.stderr
    bodies = [r["body_text"] for r in query(db, "SELECT body_text FROM comments")]
    assert f"本当ですか。{NEC_TEXT}今年は早いですね。" in bodies
    titles = {r["title"] for r in query(db, "SELECT title FROM articles")}
    assert titles == {"春の便り", "春の便り二"}
    assert not any("\ufffd" in text or "\x1b" in text for text in bodies)
    assert "undecodable" not in result.stdout


def test_bytes_the_declared_encoding_cannot_read_are_counted(tmp_path: Path) -> None:
    body = (
        page(SPRING, "legacy-walker")
        .encode("utf-8")
        .replace("本当ですか。".encode(), "本当ですか。".encode() + b"\xff\xfe")
    )
    result, db = _scrape({"/bad/": body}, tmp_path, "text/html; charset=UTF-8")
    assert "2 undecodable characters" in result.stdout, result.stdout
    runs = query(db, "SELECT health FROM crawl_runs")
    assert '"replacement_chars": 2' in str(runs[0]["health"])
