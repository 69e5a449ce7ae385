"""Caption tracks for learning videos: parse, validate, sanitise and convert WebVTT and SRT.

Trainers upload ``.vtt`` or ``.srt`` files in the Wagtail admin. :func:`parse_captions` checks
such a file and turns it into a :class:`CaptionDocument`; :func:`to_webvtt` writes the document
as normalised WebVTT, the only format browsers accept in ``<track>``. The output of
:func:`to_webvtt` parses again to the same cues, so it can be stored and served as ``text/vtt``.

What the parser does to a file:

* The format is recognised by content (the ``WEBVTT`` header, or SRT numbering and timestamps
  with a decimal comma), the file name's extension only breaks a tie.
* Text is decoded as UTF-8 (with or without byte order mark, UTF-16 with a byte order mark is
  accepted too). SRT files that are not UTF-8 are decoded as Windows-1252, which is what Windows
  subtitle tools write; a WebVTT file must be UTF-8.
* ``NOTE`` blocks are comments and are skipped. ``STYLE`` and ``REGION`` blocks are dropped, and
  so is the ``region`` cue setting: a track must not bring its own CSS.
* Cue settings are kept only if they are valid WebVTT settings.
* Cue text may contain only the WebVTT cue spans ``<b> <i> <u> <c.class> <v Speaker>
  <lang xx> <ruby> <rt>`` and inline timestamps. Every other tag is dropped and its text kept,
  entities are decoded and ``& < >`` re-escaped, unbalanced tags are closed. The result is safe to
  serve as ``text/vtt``; :func:`plain_text` gives the text without markup for search and
  transcripts (plain text: escape it like any other text when putting it into HTML).
* Leading and trailing blanks of every line are removed, and SRT cue numbers are dropped (they
  only count the cues). ASS override codes such as ``{\\an8}`` in SRT text are removed.

Problems are collected with their line number and raised together as :class:`CaptionError`.
Cue settings and cue text are sanitised by :mod:`courses.caption_text` (names re-exported here).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from .caption_text import (
    _BLANKS,
    _BREAKING_RE,
    _CONTROL_RE,
    _VTT_TIMESTAMP_RE,
    MAX_HOURS,
    _format_timestamp,
    _split_at_blank,
    cue_plain_text,
    normalise_settings,
    sanitise_cue_text,
)

MAX_CAPTION_BYTES = 2 * 1024 * 1024
"""Default upload limit for a caption file; a feature film's subtitles are ~100 kB."""
DURATION_TOLERANCE = 1.0
"""Seconds a cue may start after the video's end (encoders round the duration)."""
MAX_PROBLEMS = 50
"""Parsing stops after this many problems; a wrong file would otherwise produce thousands."""

SourceFormat = Literal["vtt", "srt"]


class CaptionKind(models.TextChoices):
    """The ``kind`` of an HTML ``<track>``."""

    SUBTITLES = "subtitles", _("Subtitles")
    CAPTIONS = "captions", _("Captions")
    DESCRIPTIONS = "descriptions", _("Audio descriptions")
    CHAPTERS = "chapters", _("Chapters")


# Error messages. Placeholders are filled in after translation (see CaptionMessage).
ERR_FILE_TOO_LARGE = _("The file is too large: caption files may be at most %(limit)s.")
ERR_ENCODING = _(
    # Translators: %(byte)s is a byte value such as 0x81.
    "The file is not valid UTF-8 text: the byte %(byte)s cannot be decoded. Save the file with "
    "the encoding UTF-8 and upload it again."
)
ERR_MISSING_HEADER = _(
    "The file is neither WebVTT nor SRT: a WebVTT file must start with the line “WEBVTT”."
)
ERR_INVALID_HEADER = _(
    "Invalid header “%(value)s”: the first line must be “WEBVTT”, optionally followed by a "
    "space and a description."
)
ERR_MISSING_TIMING = _(
    "Expected a cue timing line such as “%(example)s”. Blank lines are not allowed inside "
    "the text of a cue."
)
ERR_MISSING_BLANK_LINE = _(
    "This cue timing line follows the previous cue without a blank line in between."
)
ERR_MALFORMED_TIMING = _(
    "Malformed cue timing line “%(value)s”: expected a start and an end time separated by “-->”."
)
# Translators: %(expected)s is a format such as "hh:mm:ss.ttt / mm:ss.ttt" (not translated).
ERR_MALFORMED_TIMESTAMP = _("Malformed timestamp “%(value)s”: expected the format %(expected)s.")
ERR_TIMESTAMP_TOO_LARGE = _(
    "The timestamp “%(value)s” is implausibly large: captions can be at most %(hours)s hours long."
)
ERR_START_NOT_BEFORE_END = _(
    "The cue ends (%(end)s) before or at the moment it starts (%(start)s)."
)
ERR_OUT_OF_ORDER = _(
    "The cue starts (%(start)s) earlier than the previous cue (%(previous)s): cues must be "
    "sorted by their start time."
)
ERR_CHAPTER_OVERLAP = _(
    "The chapter starts (%(start)s) before the previous chapter has ended (%(previous_end)s): "
    "chapters must not overlap."
)
ERR_EMPTY_CUE = _("The cue has no text.")
ERR_NO_CUES = _("The file contains no cues.")
ERR_TOO_MANY_PROBLEMS = _("Too many problems: checking stopped after %(count)s of them.")
ERR_CUE_AFTER_END = _("The cue starts at %(start)s, after the end of the video (%(duration)s).")
# Translators: a problem in a caption file, e.g. "Line 12: The cue has no text."
LINE_PREFIX = _("Line %(line)s: %(message)s")

VTT_TIMESTAMP_FORMAT = "hh:mm:ss.ttt / mm:ss.ttt"
SRT_TIMESTAMP_FORMAT = "hh:mm:ss,ttt"
TIMING_EXAMPLE = {"vtt": "00:00:01.000 --> 00:00:04.000", "srt": "00:00:01,000 --> 00:00:04,000"}


class CaptionMessage(Promise):
    """A translatable message whose placeholders are filled in when it is displayed, so the
    message appears in the language active at that moment, not the one active while parsing."""

    def __init__(self, template: Any, **params: Any) -> None:
        self.template = template
        self.params = params

    def __str__(self) -> str:
        text = str(self.template)
        return text % self.params if self.params else text

    def __repr__(self) -> str:
        return f"CaptionMessage({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CaptionMessage):
            return self.template is other.template and self.params == other.params
        if isinstance(other, str | Promise):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))


class CaptionProblem(NamedTuple):
    """One problem in a caption file. ``line`` is 1-based; 0 means the file as a whole."""

    line: int
    message: CaptionMessage

    def __str__(self) -> str:
        if self.line:
            return str(LINE_PREFIX) % {"line": self.line, "message": self.message}
        return str(self.message)


class CaptionError(ValueError):
    """A caption file cannot be used. ``problems`` lists ``(line_number, message)`` pairs."""

    def __init__(self, problems: Iterable[CaptionProblem]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]

    def as_validation_error(self) -> ValidationError:
        """For form ``clean`` methods: one lazily translated message per problem."""
        return ValidationError([_lazy_str(problem) for problem in self.problems])


_lazy_str = lazy(str, str)


@dataclass(frozen=True)
class Cue:
    """One cue. Times in seconds (millisecond precision); ``text`` is sanitised WebVTT cue text
    (lines separated by ``\\n``). ``line`` is the line of the timing in the source file."""

    start: float
    end: float
    text: str
    identifier: str = ""
    settings: str = ""
    line: int = field(default=0, compare=False, repr=False)


@dataclass
class CaptionDocument:
    cues: list[Cue]
    source_format: SourceFormat
    kind: str = CaptionKind.SUBTITLES


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


# --- Reading ---------------------------------------------------------------------------------

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# A well-formed UTF-8 multi-byte sequence: if a file that is not valid UTF-8 contains one, it is
# broken UTF-8 rather than Windows-1252, and decoding it as Windows-1252 would garble it.
_UTF8_SEQUENCE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)

_SRT_TIMESTAMP_RE = re.compile(r"([0-9]+):([0-9]{2}):([0-9]{2})[,.]([0-9]{3})")
_SRT_TIMING_HINT_RE = re.compile(r"[0-9]+:[0-9]{2}:[0-9]{2},[0-9]{3}[ \t]*-->")
_KEYWORD_BLOCK_RE = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
_ASS_OVERRIDE_RE = re.compile(r"\{\\[^{}]*\}")


class _Line(NamedTuple):
    number: int
    text: str


class _TooManyProblems(Exception):
    pass


class _Problems:
    def __init__(self) -> None:
        self.items: list[CaptionProblem] = []

    def add(self, line: int, template: Any, /, **params: Any) -> None:
        self.items.append(CaptionProblem(line, CaptionMessage(template, **params)))
        if len(self.items) >= MAX_PROBLEMS:
            self.items.append(
                CaptionProblem(0, CaptionMessage(ERR_TOO_MANY_PROBLEMS, count=MAX_PROBLEMS))
            )
            raise _TooManyProblems

    def __bool__(self) -> bool:
        return bool(self.items)


def _fail(line: int, template: Any, /, **params: Any) -> CaptionError:
    return CaptionError([CaptionProblem(line, CaptionMessage(template, **params))])


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise _encoding_error(data, error.start) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        position = error.start
    # Windows tools save SRT files in Windows-1252; WebVTT is UTF-8 by definition.
    if not data.startswith(b"WEBVTT") and not _UTF8_SEQUENCE_RE.search(data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            position = error.start  # a byte that is neither UTF-8 nor Windows-1252
    raise _encoding_error(data, position)


def _encoding_error(data: bytes, position: int) -> CaptionError:
    line = data.count(b"\n", 0, position) + 1
    return _fail(line, ERR_ENCODING, byte=f"0x{data[position]:02X}")


def _clean_text(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\x00", "\ufffd")
    text = _SURROGATE_RE.sub("\ufffd", text)
    return _CONTROL_RE.sub("", text)


def _detect_format(lines: list[str], filename: str) -> SourceFormat:
    if lines[0].startswith("WEBVTT"):
        return "vtt"
    content = [line.strip(_BLANKS) for line in lines if line.strip(_BLANKS)]
    if content and content[0].isdigit() and len(content) > 1 and "-->" in content[1]:
        return "srt"
    first_timing = next((line for line in content if "-->" in line), "")
    if _SRT_TIMING_HINT_RE.search(first_timing):
        return "srt"
    if filename.lower().endswith(".srt"):
        return "srt"
    return "vtt"


def _blocks(lines: list[str], first: int) -> Iterator[list[_Line]]:
    """Runs of non-blank lines, starting at index ``first``; lines are 1-based and stripped."""
    block: list[_Line] = []
    for index in range(first, len(lines)):
        text = lines[index].strip(_BLANKS)
        if text:
            block.append(_Line(index + 1, text))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _parse_timestamp(value: str, fmt: SourceFormat, line: int, problems: _Problems) -> int | None:
    """Milliseconds, or None after recording a problem."""
    match = (_VTT_TIMESTAMP_RE if fmt == "vtt" else _SRT_TIMESTAMP_RE).fullmatch(value)
    if match is None:
        expected = VTT_TIMESTAMP_FORMAT if fmt == "vtt" else SRT_TIMESTAMP_FORMAT
        problems.add(line, ERR_MALFORMED_TIMESTAMP, value=_shorten(value), expected=expected)
        return None
    hours_text, minutes_text, seconds_text, millis_text = match.groups()
    hours_text = (hours_text or "0").lstrip("0") or "0"
    if len(hours_text) > 2 or int(hours_text) > MAX_HOURS:
        problems.add(line, ERR_TIMESTAMP_TOO_LARGE, value=_shorten(value), hours=MAX_HOURS)
        return None
    minutes, seconds = int(minutes_text), int(seconds_text)
    if minutes > 59 or seconds > 59:
        expected = VTT_TIMESTAMP_FORMAT if fmt == "vtt" else SRT_TIMESTAMP_FORMAT
        problems.add(line, ERR_MALFORMED_TIMESTAMP, value=_shorten(value), expected=expected)
        return None
    return ((int(hours_text) * 60 + minutes) * 60 + seconds) * 1000 + int(millis_text)


def _millis(seconds: float) -> int:
    return round(seconds * 1000)


# --- Parsing -----------------------------------------------------------------------------------


def parse_captions(
    data: bytes | str,
    *,
    filename: str = "",
    kind: str = CaptionKind.SUBTITLES,
    max_bytes: int = MAX_CAPTION_BYTES,
) -> CaptionDocument:
    """Parse a WebVTT or SRT file. Raises :class:`CaptionError` listing every problem found
    (up to :data:`MAX_PROBLEMS`)."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise _fail(0, ERR_FILE_TOO_LARGE, limit=lazy(filesizeformat, str)(max_bytes))
    text = _clean_text(_decode(data) if isinstance(data, bytes) else data)
    if not text.strip():
        raise _fail(0, ERR_NO_CUES)
    lines = _NEWLINE_RE.split(text)
    fmt = _detect_format(lines, filename)
    problems = _Problems()
    cues: list[Cue] = []
    try:
        first = 0
        if fmt == "vtt":
            first = _read_header(lines)
        for block in _blocks(lines, first):
            cue = _read_block(block, fmt, kind, cues[-1] if cues else None, problems)
            if cue is not None:
                cues.append(cue)
    except _TooManyProblems:
        pass
    if not problems and not cues:
        problems.add(0, ERR_NO_CUES)
    if problems:
        raise CaptionError(problems.items)
    return CaptionDocument(cues=cues, source_format=fmt, kind=kind)


def _read_header(lines: list[str]) -> int:
    """Check the WebVTT header; return the index of the first line after the header block."""
    header = lines[0]
    if not header.startswith("WEBVTT"):
        raise _fail(1, ERR_MISSING_HEADER)
    if header != "WEBVTT" and header[6] not in _BLANKS:
        raise _fail(1, ERR_INVALID_HEADER, value=_shorten(header))
    index = 1
    # The header block ends at a blank line, or at a cue timing line (as browsers parse it).
    while index < len(lines) and lines[index].strip(_BLANKS) and "-->" not in lines[index]:
        index += 1
    return index


class _Timing(NamedTuple):
    start: int
    end: int
    settings: str


def _read_block(
    block: list[_Line],
    fmt: SourceFormat,
    kind: str,
    previous: Cue | None,
    problems: _Problems,
) -> Cue | None:
    first = block[0]
    if fmt == "vtt" and _KEYWORD_BLOCK_RE.fullmatch(first.text):
        return None  # NOTE (comment), STYLE and REGION blocks
    if "-->" in first.text:
        identifier, timing_line, payload = "", first, block[1:]
    elif len(block) > 1 and "-->" in block[1].text:
        identifier, timing_line, payload = first.text, block[1], block[2:]
    else:
        problems.add(first.number, ERR_MISSING_TIMING, example=TIMING_EXAMPLE[fmt])
        return None
    for index, line in enumerate(payload):
        if "-->" in line.text:
            problems.add(line.number, ERR_MISSING_BLANK_LINE)
            payload = payload[:index]
            break
    timing = _read_timing(timing_line, fmt, problems)
    if timing is None:
        return None
    number = timing_line.number
    if timing.start >= timing.end:
        problems.add(
            number,
            ERR_START_NOT_BEFORE_END,
            start=_format_timestamp(timing.start),
            end=_format_timestamp(timing.end),
        )
    if previous is not None:
        previous_start, previous_end = _millis(previous.start), _millis(previous.end)
        if timing.start < previous_start:
            problems.add(
                number,
                ERR_OUT_OF_ORDER,
                start=_format_timestamp(timing.start),
                previous=_format_timestamp(previous_start),
            )
        elif kind == CaptionKind.CHAPTERS and timing.start < previous_end:
            problems.add(
                number,
                ERR_CHAPTER_OVERLAP,
                start=_format_timestamp(timing.start),
                previous_end=_format_timestamp(previous_end),
            )
    raw_text = "\n".join(line.text for line in payload)
    if fmt == "srt":
        raw_text = _ASS_OVERRIDE_RE.sub("", raw_text)
    text = sanitise_cue_text(raw_text, timing.start, timing.end)
    if not cue_plain_text(text, ruby_text=True):
        problems.add(number, ERR_EMPTY_CUE)
    return Cue(
        start=timing.start / 1000,
        end=timing.end / 1000,
        text=text,
        identifier=identifier if fmt == "vtt" else "",
        settings=timing.settings,
        line=number,
    )


def _read_timing(line: _Line, fmt: SourceFormat, problems: _Problems) -> _Timing | None:
    parts = line.text.split("-->")
    if len(parts) != 2 or not parts[0].strip(_BLANKS) or not parts[1].strip(_BLANKS):
        problems.add(line.number, ERR_MALFORMED_TIMING, value=_shorten(line.text))
        return None
    start_text = parts[0].strip(_BLANKS)
    end_text, settings = _split_at_blank(parts[1].strip(_BLANKS))
    start = _parse_timestamp(start_text, fmt, line.number, problems)
    end = _parse_timestamp(end_text, fmt, line.number, problems)
    if start is None or end is None:
        return None
    # SRT has no cue settings; some tools append pixel coordinates (X1:… Y1:…), dropped here.
    return _Timing(start, end, normalise_settings(settings) if fmt == "vtt" else "")


# --- Writing and reading out -------------------------------------------------------------------


def _clean_identifier(identifier: str) -> str:
    identifier = _CONTROL_RE.sub("", _BREAKING_RE.sub(" ", identifier)).strip(_BLANKS)
    if "-->" in identifier or _KEYWORD_BLOCK_RE.fullmatch(identifier):
        return ""
    return identifier


def to_webvtt(document: CaptionDocument) -> str:
    """The document as normalised WebVTT: ``WEBVTT``, a blank line, then the cues as
    ``[identifier]``, ``hh:mm:ss.ttt --> hh:mm:ss.ttt[ settings]`` and the text, each cue
    followed by a blank line. Text and settings are sanitised again, so cues built in code are
    safe too."""
    blocks = []
    for cue in document.cues:
        start, end = _millis(cue.start), _millis(cue.end)
        lines = []
        identifier = _clean_identifier(cue.identifier)
        if identifier:
            lines.append(identifier)
        timing = f"{_format_timestamp(start)} --> {_format_timestamp(end)}"
        settings = normalise_settings(cue.settings)
        lines.append(f"{timing} {settings}" if settings else timing)
        text = sanitise_cue_text(cue.text, start, end)
        if text:
            lines.append(text)
        blocks.append("\n".join(lines) + "\n")
    return "WEBVTT\n" + "".join(f"\n{block}" for block in blocks)


def validate_against_duration(
    document: CaptionDocument, duration_seconds: float, *, tolerance: float = DURATION_TOLERANCE
) -> list[CaptionProblem]:
    """Problems for cues that start after the end of a video of the given length (plus
    ``tolerance`` seconds). An empty list means the track fits the video."""
    limit = duration_seconds + tolerance
    return [
        CaptionProblem(
            cue.line,
            CaptionMessage(
                ERR_CUE_AFTER_END,
                start=_format_timestamp(_millis(cue.start)),
                duration=_format_timestamp(_millis(duration_seconds)),
            ),
        )
        for cue in document.cues
        if cue.start > limit
    ]


def plain_text(document: CaptionDocument) -> str:
    """The text of all cues without markup, one cue per line, for search and transcripts.
    Consecutive repeats (rolling captions) are merged. This is plain text, not HTML."""
    lines: list[str] = []
    for cue in document.cues:
        text = cue_plain_text(cue.text)
        if text and (not lines or lines[-1] != text):
            lines.append(text)
    return "\n".join(lines)


def chapters(document: CaptionDocument) -> list[Chapter]:
    """The cues of a chapters track as chapter marks (title = cue text without markup)."""
    return [
        Chapter(start=cue.start, end=cue.end, title=cue_plain_text(cue.text))
        for cue in document.cues
    ]
