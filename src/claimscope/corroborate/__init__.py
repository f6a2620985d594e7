"""Corroboration across articles: the same event and the same claim in several articles."""
