"""flask2quart: port Flask applications (and their test suites) to Quart."""

__version__ = "0.1.0"
