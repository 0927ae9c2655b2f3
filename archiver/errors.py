"""The one exception family of archiver; the CLI turns it into a message and an exit code."""


class ArchiverError(Exception):
    """Base class of every error archiver raises on purpose."""


class InputError(ArchiverError):
    """An input file could not be read or decoded."""


class UnsafePathError(ArchiverError):
    """A path derived from input would leave the folder it must stay in."""


class ArchiveError(ArchiverError):
    """The archive cannot be opened, read or written."""


class NotFoundError(ArchiverError):
    """No record matches the key asked for."""


class FetchError(InputError):
    """A web address could not be read (refused, unreachable, an HTTP error, too big)."""


class RecordError(ArchiverError):
    """A record or document (extracted or imported) fails the checks every record must pass."""
