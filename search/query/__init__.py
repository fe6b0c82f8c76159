"""Reading a query: its tokens, grammar, fields, dates and filters, without the index.

Parsing checks the whole query (every mistake is a ``QueryError`` with its position)
and leaves the words that depend on the index's vocabulary -- wildcards, fuzzy words and
words inside facet values -- as placeholders that ``search.words.resolve`` fills in.
"""
