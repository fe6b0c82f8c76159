"""Building and updating the Whoosh index from the corpus."""
