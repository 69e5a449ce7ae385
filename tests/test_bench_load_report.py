"""The table of `make bench-load` (bench/load/report.py): each page's throughput as a ratio to the
trivial view with the same kind of visitor, the targets met or missed, and the summary line."""

from bench.load.report import Delivery, Measured, mix_rows, render, throughput_rows, video_rows


def measured(name, who, requests, failures=0, p95=50.0, seconds=10.0):
    return Measured(
        name=name,
        who=who,
        users=8,
        seconds=seconds,
        requests=requests,
        failures=failures,
        p50=p95 / 2,
        p95=p95,
        p99=p95 * 2,
        queries=4,
    )


def test_pages_are_compared_with_the_trivial_view_for_the_same_visitors():
    rows = throughput_rows(
        [
            measured("home page", "anonymous", 600),  # 60/s of 100/s: 0.6 ≥ 0.5
            measured("catalogue", "anonymous", 400),  # 0.4 < 0.5
            measured("lesson page", "learner", 150),  # 15/s of 50/s: 0.3 ≥ 0.3
            measured("booking page", "mentee", 200, failures=1),  # 0.4, but an error
        ],
        trivial_anonymous=measured("trivial view", "anonymous", 1000),
        trivial_signed_in=measured("trivial view", "learner", 500),
    )
    by_name = {row.name: row for row in rows if row.name != "trivial view"}
    assert [(row.ratio, row.met) for row in by_name.values()] == [
        ("0.60", True),
        ("0.40", False),
        ("0.30", True),
        ("0.40", False),
    ]
    assert by_name["home page"].target == "≥ 0.5 × trivial (anonymous), 0 errors"
    assert by_name["lesson page"].target == "≥ 0.3 × trivial (signed in), 0 errors"
    assert by_name["booking page"].errors == "1/200"
    assert by_name["home page"].rps == "60.0"


def test_a_write_shows_its_ratio_but_is_held_only_to_no_errors():
    booking = measured("booking POST", "mentee", 30)
    booking.write = True
    failing = measured("booking POST", "mentee", 30, failures=1)
    failing.write = True
    rows = throughput_rows(
        [booking, failing],
        trivial_anonymous=None,
        trivial_signed_in=measured("trivial view", "learner", 500),
    )
    assert [(row.ratio, row.target, row.met) for row in rows[1:]] == [
        ("0.06", "0 errors (a write, not a page)", True),
        ("0.06", "0 errors (a write, not a page)", False),
    ]


def test_without_the_trivial_view_only_errors_count():
    (row,) = throughput_rows(
        [measured("home page", "anonymous", 600)], trivial_anonymous=None, trivial_signed_in=None
    )
    assert (row.ratio, row.target, row.met) == ("-", "0 errors", True)
    assert "TANDEM_BENCH" in row.note


def test_mix_p95_must_stay_under_200_ms_without_errors():
    rows = mix_rows(
        [
            measured("home page", "anonymous", 100, p95=120),
            measured("lesson page", "learner", 100, p95=200),
            measured("slots API", "mentee", 100, p95=80, failures=2),
        ]
    )
    assert [row.met for row in rows] == [True, False, False]


def test_video_rows_carry_the_ratio_to_the_static_file_and_the_summary_counts_targets():
    static = Delivery("static", mib_per_s=400, ttfb_p50=2, ttfb_p95=3, seeks=23, failures=0)
    protected = Delivery("protected", mib_per_s=100, ttfb_p50=20, ttfb_p95=30, seeks=23, failures=1)
    rows = video_rows(protected, static)
    assert rows[1].ratio == "0.25"
    assert "first byte 10.0 × static's" in rows[1].note
    assert [row.met for row in rows] == [True, False]
    text, met, missed = render(
        [("video", rows), ("mix", mix_rows([measured("x", "anonymous", 5)]))]
    )
    assert (met, missed) == (2, 1)
    lines = text.splitlines()
    assert lines[-1] == "targets: 2 met, 1 missed"
    assert lines[0].split(" | ")[0].strip() == "load"
    assert any(
        line.endswith("missed | throughput 0.25 × static; first byte 10.0 × static's")
        for line in lines
    )
