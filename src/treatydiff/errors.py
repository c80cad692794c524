"""Typed library errors. The CLI turns each into a one-line message and a non-zero exit."""

from __future__ import annotations


class TreatydiffError(Exception):
    """Base class of every error treatydiff reports to a user."""


class InputError(TreatydiffError):
    """A document can't be read: missing, unreadable, undecodable or of an unknown type."""


class EmptyDocumentError(InputError):
    """A document has no text, or nothing that segments."""


class ConfigError(TreatydiffError):
    """An option or threshold is out of range or unknown."""


class ModelError(TreatydiffError):
    """The embedding model can't be found or loaded."""


class OutputError(TreatydiffError):
    """An output file can't be written, or would overwrite a file without permission."""
