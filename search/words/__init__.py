"""The index's own words, per generation: expanding wildcards, fuzzy words and facet
values against them, and did-you-mean."""
