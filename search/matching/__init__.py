"""Finding and ranking the articles a resolved query matches: postings as numpy arrays,
document sets, the all-words and any-word tiers, phrases, and BM25F scores."""
