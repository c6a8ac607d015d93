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


class CodebookError(CodingError):
    """A codebook file or a codebook change is wrong."""


class AutocodeError(CodingError):
    """Bad input to the autocoder (texts, labels, groups or a code it does not know)."""


class ExchangeError(CodingError):
    """A REFI-QDA file (.qdpx, .qde, .qdc) is unreadable, unsafe or not what it claims."""


class StoreError(CodingError):
    """A request the store cannot carry out (bad span, unknown transcript, bad name …)."""


class NotFoundError(StoreError):
    """The transcript, coding or user does not exist."""


class StaleEditError(StoreError):
    """The coding changed (or was deleted) since the caller read it."""


class LoginRequiredError(CodingError):
    """A web request needs a live session: pages redirect to the login, the API answers 401."""


class RequestTooLargeError(CodingError):
    """A web request's body is larger than the app accepts (answered with 413)."""
