"""Bytes to text: BOM, declared charset, UTF-8, then a real detector.

lxml given bytes without a ``<meta charset>`` reads them as Latin-1, which turns every
non-ASCII tweet into mojibake; so documents are always decoded here first and lxml only ever
sees ``str``.
"""

from __future__ import annotations

import codecs
import logging
import re

from archiver.errors import InputError

# UnicodeDammit logs a warning per damaged document; the run reports files itself.
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">, and the
# XML declaration; looked for only in the first 4 KiB, as browsers do (bounded work).
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""",
    re.IGNORECASE,
)
_SNIFF = 4096
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\x1f\x8b": "gzip-compressed data",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x7fELF": "an executable",
}


def charset_param(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header value, as written."""
    match = _CHARSET_PARAM.search(content_type or "")
    return match.group(1) if match else None


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED.search(head)
    if not match:
        return None
    return codec_for_label((match.group(1) or match.group(2)).decode("ascii"))


def codec_for_label(label: str) -> str | None:
    """The Python codec a charset label (``<meta charset>``, ``Content-Type``) stands for."""
    name = label.strip().strip("\"'").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # A page that says UTF-16 but reached us as bytes readable as ASCII is lying (the
    # declaration itself was readable): browsers treat that as UTF-8, so do we.
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return "utf-8"
    # HTML5: latin-1 and ascii labels mean windows-1252.
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: many NUL bytes on one side of ASCII text."""
    sample = data[:2048]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode a document; returns ``(text, encoding)``. Raises InputError for binary data.

    ``charset`` is the one the server declared (the ``Content-Type`` header of a fetched or
    archived response). Precedence is the browsers': a BOM, then that header, then the
    page's own ``<meta charset>``; except that non-ASCII bytes that all read as UTF-8 are
    UTF-8 whatever either says (Apache's default ``charset=iso-8859-1`` header is stale on
    countless UTF-8 sites, and legacy text practically never reads as UTF-8).
    """
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"binary file ({what}), not a text document")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    utf16 = _looks_utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    if b"\x00" in data[: _SNIFF * 2]:
        raise InputError("binary file (NUL bytes), not a text document")
    header = codec_for_label(charset) if charset else None
    meta = _declared_encoding(data[:_SNIFF])
    try:
        utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Valid up to a last character cut in two (a download stopped mid-page): still UTF-8.
        cut = exc.reason == "unexpected end of data"
        utf8 = data.decode("utf-8", errors="replace") if cut else None
    # Non-ASCII bytes that all read as UTF-8 are UTF-8, whatever the page declares: text in a
    # legacy encoding practically never does, while templates keep a stale <meta charset>.
    if utf8 is not None and not data.isascii():
        return utf8, "utf-8"
    for declared in (header, meta):
        if declared and declared != "utf-8":
            try:
                return data.decode(declared), declared
            except UnicodeDecodeError:
                pass  # the declaration is wrong: try the next, then UTF-8 and detection
    declared = header or meta
    if utf8 is not None:
        return utf8, "utf-8"
    # Mostly UTF-8 with a few broken bytes (a truncated character in a teaser, a bad
    # paste): keep UTF-8 and mark the damage, rather than let a detector re-read every
    # correct character as mojibake. A UTF-8 declaration is trusted while most non-ASCII
    # text reads as UTF-8; past that it is wrong (a Latin-1 page with a UTF-8 <meta>).
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    # Counted in C: a Python loop over the characters cost a third of extraction on such pages.
    non_ascii = len(lenient) - len(lenient.encode("ascii", "ignore")) - damaged
    if (declared == "utf-8" and damaged <= non_ascii) or damaged * 20 < non_ascii:
        return lenient, "utf-8"
    from bs4.dammit import UnicodeDammit  # only here: importing bs4 costs ~0.1 s per process

    dammit = UnicodeDammit(data, ["cp1252"], is_html=True)
    if dammit.unicode_markup is None:
        raise InputError("cannot decode the file's bytes as text")
    return dammit.unicode_markup, dammit.original_encoding or "unknown"
