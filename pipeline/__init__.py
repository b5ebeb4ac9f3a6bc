"""Turn medication-article web pages into clean, typed, validated datasets."""

__version__ = "0.1.0"

# the module is not named "load": importing it would then shadow this function
from pipeline.loader import load

__all__ = ["__version__", "load"]
