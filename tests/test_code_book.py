"""A collection's code book: Reuters codes shown by name, filtered by code or by name.

The code book lines below are a small sample of Reuters-21578's
``cat-descriptions_120396.txt`` (David D. Lewis, 1996; "distribution of this data for
research purposes only"), quoted to test how they are read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import CorpusReport, read_corpus
from corpus.reader import sample_corpus_path
from corpus.readers.codebook import read_code_book
from index import build_index
from search import Engine

SAMPLE_BOOK = """\
****Subject Codes (135)

Money/Foreign Exchange (MONEY-FX)
Interest Rates (INTEREST)

**Corporate Codes (2)

Mergers/Acquisitions (ACQ)
Earnings and Earnings Forecasts (EARN)

**Commodity Codes (78)

COFFEE
COPPER
PALM-OIL
VEG-OIL

@heading[Organization Codes (56)]
@begin[format]
Grupo de Paises Latinoamericanos y del Caribe Exportadores de Azucar
[Group of Latin American and Caribbean Sugar Exporting Countries]
(GEPLACEA)@*
International Bank for Reconstruction and Development (WORLDBANK)@*
International Monetary Fund (IMF)@*
Organisation of Petroleum Exporting Countries (OPEC)@*

@heading[Country Codes (176)]
@begin[format]
AFGHANISTAN@*

@heading[People Codes (269)]
@begin[itemize]
United States
@begin[itemize]
   President Ronald Reagan  (REAGAN)

   Treasury Secretary James Baker  (JAMES-BAKER)
@end[itemize]

Mexico
@begin[itemize]
   (former) Director-General of Pemex (State Oil Company) Ramon Beteta  (BETETA)
@end[itemize]

China
@begin[itemize]
   Elder Statesman (a member of the Standing Committee of the
                   Communist Party Politburo) Deng Xiaoping  (DENG-XIAOPING)
@end[itemize]
"""


def test_a_code_book_names_topics_organisations_and_people() -> None:
    book = read_code_book(SAMPLE_BOOK)
    assert book.name("topics", "acq") == "Mergers/Acquisitions"
    assert book.name("topics", "MONEY-FX") == "Money/Foreign Exchange"
    assert book.name("topics", "palm-oil") == "Palm Oil"  # listed bare: its code, readable
    # Organisations keep the acronym they are known by; a made-up code is not one.
    assert book.name("organisations", "imf") == "International Monetary Fund (IMF)"
    assert book.name("organisations", "worldbank") == (
        "International Bank for Reconstruction and Development"
    )
    assert book.name("organisations", "geplacea") == (
        "Grupo de Paises Latinoamericanos y del Caribe Exportadores de Azucar (GEPLACEA)"
    )
    # People without their office, however it is worded.
    assert book.name("people", "reagan") == "Ronald Reagan"
    assert book.name("people", "james-baker") == "James Baker"
    assert book.name("people", "beteta") == "Ramon Beteta"
    assert book.name("people", "deng-xiaoping") == "Deng Xiaoping"
    assert book.name("topics", "afghanistan") is None  # countries: the gazetteer's


@pytest.fixture(scope="module")
def reuters_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled Reuters file beside a code book, as the collection ships them."""
    folder = tmp_path_factory.mktemp("reuters21578")
    shutil.copy(sample_corpus_path() / "reut2-000.sgm", folder)
    (folder / "cat-descriptions_120396.txt").write_text(SAMPLE_BOOK, encoding="latin-1")
    return folder


@pytest.fixture(scope="module")
def engine(reuters_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    index_dir = tmp_path_factory.mktemp("index")
    build_index([reuters_folder], index_dir, entities=False)
    return Engine.open(index_dir)


def test_codes_are_shown_by_their_names(engine: Engine) -> None:
    facets = engine.search("", facet_limit=100, page_size=1, every_version=True).facets
    topics = dict(facets["topics"])
    assert topics["Mergers/Acquisitions"] == 108
    assert topics["Earnings and Earnings Forecasts"] == 193
    assert topics["Coffee"] >= 11  # named by the book's bare code, title-cased
    assert "acq" not in topics and "earn" not in topics
    assert "Organisation of Petroleum Exporting Countries (OPEC)" in dict(facets["organisations"])
    assert "Ronald Reagan" in dict(facets["people"])
    hit = engine.search("topic:acq", page_size=1, every_version=True).hits[0]
    assert "Mergers/Acquisitions" in hit.topics


@pytest.mark.parametrize(
    ("filters", "query"),
    [
        ({"topics": ["acq"]}, "topic:acq"),
        ({"topics": ["Mergers/Acquisitions"]}, 'topic:"mergers/acquisitions"'),
        ({"topic": ["ACQ"]}, "topic:acquisitions"),
    ],
)
def test_filters_work_by_code_and_by_name(
    engine: Engine, filters: dict[str, list[str]], query: str
) -> None:
    assert engine.search("", filters=filters, page_size=1, every_version=True).total == 108
    assert engine.search(query, page_size=1, every_version=True).total == 108


def test_an_organisation_and_a_person_by_code(engine: Engine) -> None:
    by_code = engine.search(
        "", filters={"organisations": ["opec"]}, page_size=1, every_version=True
    ).total
    assert by_code == engine.search("org:opec", page_size=1, every_version=True).total >= 10
    reagan = engine.search("", filters={"people": ["reagan"]}, page_size=1, every_version=True)
    assert (
        reagan.total == engine.search("person:reagan", page_size=1, every_version=True).total >= 6
    )


def test_a_hyphenated_code_still_filters(engine: Engine) -> None:
    palm = engine.search("", filters={"topics": ["palm-oil"]}, page_size=1)
    assert palm.total == engine.search("topic:palm-oil", page_size=1).total > 0
    assert dict(palm.facets["topics"])["Palm Oil"] == palm.total


def test_a_code_book_added_or_removed_later_is_read(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "reuters", tmp_path / "index"
    folder.mkdir()
    shutil.copy(sample_corpus_path() / "reut2-000.sgm", folder)
    build_index([folder], index_dir, entities=False)
    with Engine.open(index_dir) as engine:
        assert "acq" in dict(engine.search("", facet_limit=50, every_version=True).facets["topics"])
    book = folder / "cat-descriptions_120396.txt"
    book.write_text(SAMPLE_BOOK, encoding="latin-1")
    build_index([folder], index_dir, entities=False)  # the .sgm itself is unchanged
    with Engine.open(index_dir) as engine:
        topics = dict(engine.search("", facet_limit=50, every_version=True).facets["topics"])
        assert topics["Mergers/Acquisitions"] == 108 and "acq" not in topics
    book.unlink()
    build_index([folder], index_dir, entities=False)
    with Engine.open(index_dir) as engine:
        topics = dict(engine.search("", facet_limit=50, every_version=True).facets["topics"])
        assert topics["acq"] == 108 and "Mergers/Acquisitions" not in topics
        assert engine.search("topic:acq", page_size=1, every_version=True).total == 108


def test_without_a_code_book_the_codes_stay(tmp_path: Path) -> None:
    shutil.copy(sample_corpus_path() / "reut2-000.sgm", tmp_path)
    articles = list(read_corpus(tmp_path, CorpusReport()))
    acquisitions = [article for article in articles if "acq" in article.topics]
    assert len(acquisitions) == 108


@pytest.mark.corpora
def test_the_collection_names_its_codes(corpora: Path) -> None:
    report = CorpusReport()
    archive = corpora / "reuters21578" / "reuters21578.tar.gz"
    articles = {article.id: article for article in read_corpus(archive, report)}
    assert articles["1"].topics == ("Cocoa",)
    topics = {topic for article in articles.values() for topic in article.topics}
    assert {"Mergers/Acquisitions", "Crude Oil", "Money/Foreign Exchange"} <= topics
    assert not topics & {"acq", "earn", "crude", "money-fx"}
    organisations = {org for article in articles.values() for org in article.organisations}
    assert "European Community (EC)" in organisations
    people = {person for article in articles.values() for person in article.people}
    assert {"James Baker", "Clayton Yeutter", "Ronald Reagan", "Paul Volcker"} <= people
    assert {"Robin Leigh-Pemberton", "Lee Teng-hui", "Zia-ul-Haq"} & people


@pytest.mark.corpora
def test_the_code_book_names_every_code_the_collection_lists(corpora: Path) -> None:
    """Each of the collection's own lists (all-topics-strings, all-people-strings...) is
    named by its code book: none is left as a raw code."""
    import tarfile

    archive = corpora / "reuters21578" / "reuters21578.tar.gz"
    with tarfile.open(archive) as tar:

        def member(name: str) -> str:
            extracted = tar.extractfile(f"reuters21578/{name}")
            assert extracted is not None
            return extracted.read().decode("latin-1")

        book = read_code_book(member("cat-descriptions_120396.txt"))
        for kind, listing in (
            ("topics", "all-topics-strings.lc.txt"),
            ("people", "all-people-strings.lc.txt"),
            ("organisations", "all-orgs-strings.lc.txt"),
            ("exchanges", "all-exchanges-strings.lc.txt"),
        ):
            codes = member(listing).split()
            unnamed = [code for code in codes if not book.name(kind, code)]
            assert len(codes) > 30 and unnamed == [], (kind, unnamed)
