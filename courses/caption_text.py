"""What a WebVTT cue may contain: cue settings and cue text, sanitised (part of
:mod:`courses.captions`, which re-exports the public names; see its docstring for the rules).

Cue text may contain only the WebVTT cue spans ``<b> <i> <u> <c.class> <v Speaker> <lang xx>
<ruby> <rt>`` and inline timestamps; every other tag is dropped and its text kept, entities are
decoded and ``& < >`` re-escaped, unbalanced tags are closed."""

import html
import re

MAX_HOURS = 99

# C0 and C1 control characters except tab, LF and CR; they have no business in captions.
_CONTROL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BLANKS = " \t"
_VTT_TIMESTAMP_RE = re.compile(r"(?:([0-9]+):)?([0-9]{2}):([0-9]{2})\.([0-9]{3})")
_WHITESPACE_RE = re.compile(r"[ \t]+")


def _format_timestamp(millis: int) -> str:
    hours, rest = divmod(max(millis, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


# --- Cue settings ------------------------------------------------------------------------------

_PERCENT = r"[0-9]+(?:\.[0-9]+)?%"
_SETTING_RES = {
    "vertical": re.compile(r"rl|lr"),
    "line": re.compile(rf"(?:-?[0-9]+|{_PERCENT})(?:,(?:start|center|end))?"),
    "position": re.compile(rf"{_PERCENT}(?:,(?:line-left|center|line-right))?"),
    "size": re.compile(_PERCENT),
    "align": re.compile(r"start|center|end|left|right"),
}


def _percent_ok(value: str) -> bool:
    head = value.split(",", 1)[0]
    return not head.endswith("%") or float(head[:-1]) <= 100


def normalise_settings(settings: str) -> str:
    """Keep only valid WebVTT cue settings (``region`` is dropped with the regions)."""
    kept: dict[str, str] = {}
    for token in _WHITESPACE_RE.split(settings.strip(_BLANKS)):
        name, colon, value = token.partition(":")
        pattern = _SETTING_RES.get(name)
        if colon and pattern and pattern.fullmatch(value) and _percent_ok(value):
            kept[name] = value
    return " ".join(f"{name}:{value}" for name, value in kept.items())


# --- Cue text ----------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"<(?:(?P<ts>(?:[0-9]+:)?[0-9]{2}:[0-9]{2}\.[0-9]{3})"
    r"|(?P<close>/?)(?P<name>[A-Za-z][^ \t\n\r\f<>./]*)(?P<rest>[^<>]*))>"
)
_ALLOWED_TAGS = frozenset({"b", "i", "u", "c", "v", "lang", "ruby", "rt"})
# Neither a class nor a speaker may end in "-": "<c.x-->" would contain "-->", which ends a cue.
_CLASS_RE = re.compile(r"[A-Za-z0-9_-]*[A-Za-z0-9_]")
_LANG_RE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_BREAKING_RE = re.compile("[\n\r\f\v\x85\u2028\u2029]")
_ANY_WHITESPACE_RE = re.compile(r"\s+")


_TAG_BLANKS = " \t\n\r\f"
_TAG_BLANKS_RE = re.compile(r"[ \t\n\r\f]+")


def _split_at_blank(value: str) -> tuple[str, str]:
    """Split at the first run of blanks: ``("a", "b c")`` for ``"a  b c"``."""
    parts = _TAG_BLANKS_RE.split(value, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unescape(text: str) -> str:
    """Decode entities; the result contains no line breaks or control characters."""
    text = _BREAKING_RE.sub(" ", html.unescape(text))
    return _CONTROL_RE.sub("", text)


def _text_node(raw: str) -> str:
    return "\n".join(_escape(_unescape(part)) for part in raw.split("\n"))


def _start_tag(name: str, rest: str) -> str | None:
    """The normalised start tag, or None if it must be dropped."""
    classes_part, annotation = "", ""
    if rest.startswith("."):
        classes_part, annotation = _split_at_blank(rest)
    elif rest[:1] in _TAG_BLANKS:
        annotation = rest
    classes = [c for c in classes_part.split(".") if _CLASS_RE.fullmatch(c)]
    tag = name + "".join(f".{c}" for c in classes)
    if name == "v":
        speaker = _ANY_WHITESPACE_RE.sub(" ", _unescape(annotation)).strip().rstrip(" -")
        return f"{tag} {_escape(speaker)}" if speaker else None
    if name == "lang":
        language = annotation.strip(" \t\n\r\f")
        return f"{tag} {language}" if _LANG_RE.fullmatch(language) else None
    return tag


def sanitise_cue_text(text: str, start: int = 0, end: int | None = None) -> str:
    """Clean cue text: allowed WebVTT spans only, entities re-escaped, tags balanced, lines
    stripped and blank lines removed. ``start``/``end`` (milliseconds) bound inline timestamps.
    Idempotent: cleaning cleaned text changes nothing."""
    out: list[str] = []
    stack: list[str] = []
    last_timestamp = start
    position = 0
    for match in _TOKEN_RE.finditer(text):
        out.append(_text_node(text[position : match.start()]))
        position = match.end()
        if match["ts"] is not None:
            millis = _inline_timestamp(match["ts"])
            if millis is not None and last_timestamp < millis and (end is None or millis < end):
                out.append(f"<{_format_timestamp(millis)}>")
                last_timestamp = millis
            continue
        name = match["name"].lower()
        if name not in _ALLOWED_TAGS:
            continue
        if match["close"]:
            if name in stack:
                while stack:
                    top = stack.pop()
                    out.append(f"</{top}>")
                    if top == name:
                        break
            continue
        if name == "rt" and (not stack or stack[-1] != "ruby"):
            continue
        tag = _start_tag(name, match["rest"])
        if tag is not None:
            out.append(f"<{tag}>")
            stack.append(name)
    out.append(_text_node(text[position:]))
    out.extend(f"</{name}>" for name in reversed(stack))
    lines = (line.strip(_BLANKS) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def _inline_timestamp(value: str) -> int | None:
    match = _VTT_TIMESTAMP_RE.fullmatch(value)
    if match is None:
        return None
    hours_text = (match[1] or "0").lstrip("0") or "0"
    minutes, seconds = int(match[2]), int(match[3])
    if len(hours_text) > 2 or int(hours_text) > MAX_HOURS or minutes > 59 or seconds > 59:
        return None
    return ((int(hours_text) * 60 + minutes) * 60 + seconds) * 1000 + int(match[4])


def cue_plain_text(text: str, *, ruby_text: bool = False) -> str:
    """Cue text without markup and entities, on one line. Ruby annotations (``<rt>``) are left
    out unless ``ruby_text``."""
    parts: list[str] = []
    in_rt = 0
    position = 0
    for match in _TOKEN_RE.finditer(text):
        if not in_rt or ruby_text:
            parts.append(text[position : match.start()])
        position = match.end()
        if match["name"] and match["name"].lower() == "rt":
            in_rt = max(in_rt + (-1 if match["close"] else 1), 0)
    if not in_rt or ruby_text:
        parts.append(text[position:])
    plain = html.unescape(" ".join("".join(parts).split("\n")))
    return " ".join(plain.split())
