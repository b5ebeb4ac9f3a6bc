"""Normalisation layer: units, frequencies, doses, drug names and terms, each over a data lexicon."""
