"""Turn medication-article web pages into clean, typed, validated datasets."""

__version__ = "0.1.0"
