"""Walking folders and archives: ids, ignore rules, bad input, and every shared corpus."""

from __future__ import annotations

import tarfile
import textwrap
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from corpus import Article, CorpusError, CorpusReport, read_corpora, read_corpus
from corpus import sample_corpus_path as bundled_sample

STORY = (
    "Floods hit the valley\n\n"
    "Heavy rain flooded the valley on Monday, forcing hundreds of families from their "
    "homes as rivers burst their banks and roads were closed across the region.\n"
)


def read(path: Path) -> tuple[list[Article], CorpusReport]:
    report = CorpusReport()
    return list(read_corpus(path, report)), report


def make_tree(root: Path) -> Path:
    """A small corpus of two categories plus files that must be ignored."""
    for relative in ("news/world/001.txt", "news/sport/001.txt", "news/sport/002.txt"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(STORY.replace("valley", f"valley {relative}"))
    (root / "news/README.md").write_text("# about\n")
    (root / "news/.hidden.txt").write_text(STORY)
    (root / "news/convert.py").write_text("print(1)\n")
    return root / "news"


def test_a_folder_named_after_a_format_is_no_category(tmp_path: Path) -> None:
    """Notes sorted by format ("md/", "html/", "txt/") are not the sections "md" and
    "html"; a section's folder ("sport/") still is one."""
    root = tmp_path / "notes"
    (root / "md").mkdir(parents=True)
    (root / "HTML").mkdir()
    (root / "sport").mkdir()
    (root / "md/floods.md").write_text("# Floods hit the valley\n\n" + STORY.split("\n\n")[1])
    (root / "HTML/floods.html").write_text(
        "<html><head><title>Floods hit the valley</title></head><body><p>"
        + STORY.split("\n\n")[1]
        + "</p></body></html>"
    )
    (root / "sport/floods.txt").write_text(STORY)
    (root / "sport/txt").mkdir()
    (root / "sport/txt/rain.txt").write_text(STORY)
    articles, _ = read(root)
    assert {article.id: article.category for article in articles} == {
        "HTML/floods": "",
        "md/floods": "",
        "sport/floods": "sport",
        "sport/txt/rain": "sport",  # the section above the format's folder
    }


def test_missing_path_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or folder"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError):
        read_corpora([tmp_path, tmp_path / "nope"])  # checked before anything is read
        raise AssertionError("read_corpora must check every path up front")


def test_folder_ids_categories_and_ignore_rules(tmp_path: Path) -> None:
    articles, report = read(make_tree(tmp_path))
    assert [article.id for article in articles] == ["sport/001", "sport/002", "world/001"]
    assert [article.category for article in articles] == ["sport", "sport", "world"]
    assert report.skipped == []
    reasons = {Path(entry.path).name: entry.reason for entry in report.ignored}
    assert set(reasons) == {"README.md", ".hidden.txt", "convert.py"}
    assert report.counts == Counter({"text": 3})


@pytest.mark.parametrize("suffix", [".tar.gz", ".tgz", ".tar", ".zip"])
def test_archives_read_in_place_as_their_folder(tmp_path: Path, suffix: str) -> None:
    tree = make_tree(tmp_path / "src")
    archive = tmp_path / f"news{suffix}"
    if suffix == ".zip":
        with zipfile.ZipFile(archive, "w") as zipped:
            for file in sorted(tree.rglob("*")):
                zipped.write(file, file.relative_to(tree.parent).as_posix())
    else:
        mode = "w:gz" if "gz" in suffix else "w"
        with tarfile.open(archive, mode) as tar:
            tar.add(tree, arcname="news")
    folder_articles, _ = read(tree.parent)
    archive_articles, report = read(archive)
    assert [article.id for article in archive_articles] == [a.id for a in folder_articles]
    assert archive_articles[0].id == "news/sport/001"
    assert archive_articles[0].path == f"{archive}::news/sport/001.txt"
    assert len(report.ignored) == 3 and report.skipped == []


def test_bad_input_gives_one_entry_each_and_good_files_still_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STORY)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "latin1.txt").write_bytes(
        STORY.replace("Monday", "Monday \xa315m").encode("latin-1")
    )
    articles, report = read(tmp_path)
    assert sorted(article.id for article in articles) == ["good", "latin1"]
    assert {Path(skip.path).name: skip.reason for skip in report.skipped} == {
        "empty.txt": "empty file",
        "image.txt": "binary file",
    }
    [warning] = report.warnings
    assert Path(warning.path).name == "latin1.txt" and warning.line == 3
    assert "decoded as cp1252" in warning.reason
    latin1 = next(article for article in articles if article.id == "latin1")
    assert "£15m" in latin1.body


def test_plain_text_beside_data_is_ignored_unless_it_is_a_story(tmp_path: Path) -> None:
    (tmp_path / "data.jsonl").write_text('{"title": "t", "body": "b"}\n')
    (tmp_path / "classes.txt").write_text("World\nSports\nBusiness\n")
    (tmp_path / "story.txt").write_text(STORY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "classes.txt").write_text(STORY)  # no data file in this folder
    # Wire copy hard-wrapped at 60 columns (no line of 25 words), and a short brief
    # with Windows line ends: stories, not notes (they were silently ignored).
    wrapped = textwrap.fill(STORY.split("\n\n")[1], 60)
    (tmp_path / "wrapped.txt").write_text("Valley flooded\n\n" + wrapped + "\n")
    (tmp_path / "brief.TXT").write_bytes(
        b"Welsh vote headline\r\n\r\nBy Pat Jones\r\n\r\nThe first paragraph of a story "
        b"written in Cardiff about the Welsh assembly vote.\r\n\r\nA second paragraph "
        b"follows here with more words about the vote.\r\n"
    )
    (tmp_path / "notes.txt").write_text(  # a note above a table of codes: metadata
        "These are the codes of the categories, as the agency listed them in 1990.\n\n"
        + "".join(f"  {code:<10} {n:>4}  {code.title()} desk\n" for n, code in enumerate(
            ["ORGS", "PLACES", "PEOPLE", "TOPICS", "EXCHANGES", "MONEY-FX", "GRAIN", "CRUDE"]))
    )  # fmt: skip
    (tmp_path / "codes.txt").write_text(  # a table whose rows end like sentences
        "".join(f"{code}: {name}.\n" for code, name in [
            ("ACQ", "Mergers and acquisitions"), ("CRUDE", "Crude oil prices (CRUDE)"),
            ("GRAIN", "Grain markets and their trade"), ("SHIP", "Shipping news and freight"),
        ] * 4)
    )  # fmt: skip
    articles, report = read(tmp_path)
    assert sorted(article.id for article in articles if article.format == "text") == [
        "brief", "story", "sub/classes", "wrapped",
    ]  # fmt: skip
    assert sorted(Path(entry.path).name for entry in report.ignored) == [
        "classes.txt", "codes.txt", "notes.txt",
    ]  # fmt: skip


def test_control_characters_never_reach_article_text(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"title": "Evil \\u001b[31mred", "body": "bell\\u0007 and \\u009b1m csi"}\n'
    )
    [article] = read(tmp_path)[0]
    assert article.title == "Evil red" and article.body == "bell and  csi"


def test_bundled_sample(shared_seed_path: Path) -> None:
    articles, report = read(bundled_sample())
    assert report.skipped == [] and report.warnings == []
    assert Counter(article.source for article in articles) == {"Reuters": 1000, "AFP": 1}
    seed = [article for article in articles if article.source == "AFP"]
    assert [article.id for article in seed] == ["000_b98891cdbd8958c6"]
    bundled = bundled_sample() / shared_seed_path.name
    assert bundled.read_bytes() == shared_seed_path.read_bytes()
    [alone], _ = read(shared_seed_path)
    assert alone.id == "000_b98891cdbd8958c6" and alone.title == seed[0].title


@pytest.mark.corpora
def test_bbc_reads_completely(corpora: Path) -> None:
    articles, report = read(corpora / "bbc")
    assert report.skipped == []
    assert Counter(article.category for article in articles) == {
        "business": 510, "entertainment": 386, "politics": 417, "sport": 511, "tech": 401,
    }  # fmt: skip
    assert articles[0].id == "bbc/business/001"
    assert articles[0].title == "Ad sales boost Time Warner profit"
    [warning] = report.warnings
    assert warning.path.endswith("bbc/sport/199.txt") and "cp1252" in warning.reason
    sport_199 = next(article for article in articles if article.id == "bbc/sport/199")
    assert "£15.8m" in sport_199.body


@pytest.mark.corpora
def test_ag_news_reads_completely(corpora: Path) -> None:
    articles, report = read(corpora / "ag_news")
    assert report.skipped == [] and report.warnings == []
    assert Counter(article.category for article in articles) == {
        "World": 1900, "Sports": 1900, "Business": 1900, "Sci/Tech": 1900,
    }  # fmt: skip
    bodies = "\n".join(article.body for article in articles)
    titles = "\n".join(article.title for article in articles)
    for debris in (" #36;", "#39;", "quot;", "&lt;", "&gt;", "<b>", "\\"):
        assert debris not in bodies and debris not in titles, debris
    assert "the $10 million Ansari X Prize" in bodies
    assert "second\nteam of rocketeers" in bodies


@pytest.mark.corpora
def test_time_reads_completely(corpora: Path, shared: Path) -> None:
    articles, report = read(corpora / "time")
    assert report.skipped == [] and len(articles) == 423
    ids = [article.id for article in articles]
    assert ids[0] == "17" and ids[-1] == "563" and len(set(ids)) == 423
    assert all(article.date and article.date.year == 1963 for article in articles)
    assert [Path(entry.path).name for entry in report.ignored][-1].endswith("TIME.STP")
    eval_ids = {line.split()[2] for line in (shared / "eval/time-dev/qrels.txt").open()}
    assert eval_ids <= set(ids)


def test_a_few_control_bytes_do_not_make_a_file_binary(tmp_path: Path) -> None:
    signature = "\n-- \nJo | \x02 \x02 \x02 \x02 \x02 \x02 \x02 \x02 \x02 \x02 \x02 \x02\n"
    (tmp_path / "post.txt").write_text(STORY + signature)
    [article], report = read(tmp_path)
    assert report.skipped == [] and "\x02" not in article.body


def test_utf16_with_byte_order_mark_is_text(tmp_path: Path) -> None:
    (tmp_path / "windows.txt").write_bytes(STORY.encode("utf-16"))
    [article], report = read(tmp_path)
    assert report.skipped == [] and report.warnings == []
    assert article.title == "Floods hit the valley"


def mark_encrypted(archive: Path, member: str) -> None:
    """Set the "encrypted" flag of ``member`` in the zip's central directory (zipfile
    cannot write encrypted members; reading then asks for a password)."""
    data = bytearray(archive.read_bytes())
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(member)] != member.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 8] |= 0x1
    archive.write_bytes(bytes(data))


def test_an_encrypted_zip_member_is_one_skip_and_the_rest_reads(tmp_path: Path) -> None:
    archive = tmp_path / "news.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("news/001.txt", STORY)
        zipped.writestr("news/002.txt", STORY)
    mark_encrypted(archive, "news/002.txt")
    articles, report = read(archive)
    assert [article.id for article in articles] == ["news/001"]
    [skip] = report.skipped
    assert skip.path == f"{archive}::news/002.txt"
    assert skip.reason.startswith("cannot read archive member: File") and "encrypted" in skip.reason
