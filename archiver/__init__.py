"""archiver: rescue the tweets embedded in articles into a local, offline archive."""

__version__ = "0.1.0"
