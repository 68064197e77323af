"""newscli: import news articles into one SQLite file and search them from the terminal."""

__version__ = "0.1.0"
