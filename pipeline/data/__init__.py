"""Lexicons and cue lists, kept as data files beside this package marker."""
