"""Every error newsgraph raises, in one tree.

::

    NewsgraphError                      base of everything below (E000)
    ├── ConfigError                     bad setting, file or flag (E010)
    ├── InputError                      one source document can't be read (E100)
    │   ├── UnreadableError             missing, permission, I/O failure (E101)
    │   ├── BinaryInputError            not text (NUL bytes, control chars) (E102)
    │   ├── EmptyInputError             nothing but whitespace (E103)
    │   ├── OversizedInputError         more text than max_text_bytes (E104)
    │   ├── EncodingError               not valid in any plausible encoding (E105)
    │   ├── LanguageError               not in a supported language (E106)
    │   ├── MalformedRecordError        a JSONL line / WARC record is broken (E107)
    │   ├── UnsupportedFormatError      no reader for this kind of file (E108)
    │   ├── InvalidFieldError           a field of the wrong type or an impossible value (E109)
    │   └── DuplicateIdError            an id already read in this run, with other content (E110)
    ├── FetchError                      a URL could not be fetched (E200)
    │   └── BlockedURLError             refused by policy (private address, robots) (E201)
    ├── StageError                      a stage failed on one document (E300)
    │   └── BudgetError                 a stage ran past max_stage_seconds on it (E301)
    ├── StoreError                      the database can't be used (E400)
    │   ├── SchemaVersionError          database written by a newer newsgraph (E401)
    │   └── RowError                    one document's rows can't be stored (E402)
    ├── QueryError                      a read-side query is invalid (E500)
    └── EvalError                       an evaluation file is malformed (E600)

Each class has a ``code``; messages are rendered as ``"[E104] file.txt: ..."`` so
that users can search for them. Per-document errors (``InputError``,
``StageError``, ``RowError``) never stop a batch: the pipeline records them as
skipped (or, with ``on_error = "degrade"``, as a warning on the kept document).

Errors keep their class across processes: they pickle with their message and
origin, and :func:`error_for` rebuilds the right class from a code (a
:class:`~newsgraph.model.Skipped` carries only the code).
"""

from __future__ import annotations


class NewsgraphError(Exception):
    code = "E000"

    def __init__(self, message: str, *, origin: str | None = None) -> None:
        self.origin = origin
        self.message = message
        super().__init__(self.render())

    def __reduce__(self) -> tuple[object, ...]:
        # the default would call cls(rendered_text) and lose ``origin``
        return (_rebuild, (type(self), self.message, self.origin))

    def render(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        return f"[{self.code}] {where}{self.message}"


class ConfigError(NewsgraphError):
    code = "E010"


class InputError(NewsgraphError):
    code = "E100"


class UnreadableError(InputError):
    code = "E101"


class BinaryInputError(InputError):
    code = "E102"


class EmptyInputError(InputError):
    code = "E103"


class OversizedInputError(InputError):
    code = "E104"


class EncodingError(InputError):
    code = "E105"


class LanguageError(InputError):
    code = "E106"


class MalformedRecordError(InputError):
    code = "E107"


class UnsupportedFormatError(InputError):
    code = "E108"


class InvalidFieldError(InputError):
    code = "E109"


class DuplicateIdError(InputError):
    code = "E110"


class FetchError(NewsgraphError):
    code = "E200"


class BlockedURLError(FetchError):
    code = "E201"


class StageError(NewsgraphError):
    code = "E300"


class BudgetError(StageError):
    code = "E301"


class StoreError(NewsgraphError):
    code = "E400"


class SchemaVersionError(StoreError):
    code = "E401"


class RowError(StoreError):
    code = "E402"


class QueryError(NewsgraphError):
    code = "E500"


class EvalError(NewsgraphError):
    code = "E600"


def _rebuild(cls: type[NewsgraphError], message: str, origin: str | None) -> NewsgraphError:
    return cls(message, origin=origin)


def _classes(base: type[NewsgraphError]) -> list[type[NewsgraphError]]:
    out = [base]
    for sub in base.__subclasses__():
        out.extend(_classes(sub))
    return out


def error_class(code: str) -> type[NewsgraphError]:
    """The most specific class with this code (``E106`` -> :class:`LanguageError`)."""
    found = NewsgraphError
    for cls in _classes(NewsgraphError):
        if cls.code == code:
            found = cls
    return found


def error_for(code: str, message: str, origin: str | None = None) -> NewsgraphError:
    """Rebuild an error from its code and message, e.g. from a :class:`~newsgraph.model.Skipped`."""
    return error_class(code)(message, origin=origin)


def warning_text(code: str, stage: str, message: str) -> str:
    """One entry of ``Article.warnings``: ``"E300 places: KeyError: 'x'"`` (code, stage, what)."""
    return f"{code} {stage}: {message}"


def warning_parts(text: str) -> tuple[str, str]:
    """``(code, stage)`` of a :func:`warning_text` entry."""
    code, _, rest = text.partition(" ")
    return code, rest.partition(":")[0]
