"""Every exception of the qualitative coding library; all derive from :class:`CodingError`."""

from data_dictionary.errors import DyadlabError


class CodingError(DyadlabError):
    """A transcript, codebook, coding or exchange file is wrong."""


class TranscriptError(CodingError):
    """A transcript file or manifest row is wrong (the message says what was expected)."""


class BinaryFileError(TranscriptError):
    """The file holds binary data (NUL bytes or undecodable bytes), not text."""


class EmptyTranscriptError(TranscriptError):
    """The file has no text (or only whitespace)."""


class TranscriptTooLargeError(TranscriptError):
    """The file is larger than the configured size limit."""


class UnsupportedFormatError(TranscriptError):
    """The file's type is not one dyadlab can read."""


class ReanchorError(TranscriptError):
    """A re-imported transcript changed under existing codings (the message lists them)."""
