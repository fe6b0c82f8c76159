"""The full-text analysis and its fast twin (``index.schema.text_terms``) agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_search_support import corpus_articles, sample_articles

from index.schema import text_analyzer, text_terms

ANALYZER = text_analyzer()


def analysed(text: str) -> list[str]:
    return [token.text for token in ANALYZER(text)]


def test_text_terms_are_the_analyzers_terms_on_odd_text() -> None:
    for text in (
        "Kılıç photographed São Paulo's Straße; U.S. officials said 3.5 pct.",
        "The A-B test: an ÉLAN of 1,000,000 ... e.g. i.e. don't Ørsted",
        "", "   ", "a I x", "naïve café coöperate résumé ﬁnancial",
    ):  # fmt: skip
        assert text_terms(text) == analysed(text), text


def test_text_terms_are_the_analyzers_terms_on_the_sample() -> None:
    for article in sample_articles():
        assert text_terms(article.body) == analysed(article.body), article.id


@pytest.mark.corpora
def test_text_terms_are_the_analyzers_terms_on_bbc(corpora: Path) -> None:
    for article in corpus_articles(corpora / "bbc" / "bbc-fulltext.tar.gz")[::10]:
        assert text_terms(article.body) == analysed(article.body), article.id
