"""Turning matches into what a user sees: facet counts, hits with their stored fields,
snippets and highlighted spans."""
