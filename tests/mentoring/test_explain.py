"""What the review page shows of a proposed pair: points that add up to the fit it shows."""

from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring.explain import points_out_of_100, round_half_up

criteria = st.lists(
    st.tuples(st.sampled_from([0, 1, 2, 3, 5, 8, 10]), st.sampled_from([0, 1 / 3, 0.5, 2 / 3, 1])),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(criteria)
def test_shown_points_add_up_to_the_shown_fit_and_never_exceed_their_maximum(weighted):
    weight_sum = sum(weight for weight, _raw in weighted)
    breakdown = [{"weight": w, "contribution": w * raw} for w, raw in weighted]
    score = round(100 * sum(w * raw for w, raw in weighted) / weight_sum, 2) if weight_sum else 100
    rows, total = points_out_of_100(breakdown, score)

    assert total == round_half_up(score)
    shown = [(points, maximum) for points, maximum in rows if points is not None]
    if weight_sum:
        assert sum(points for points, _maximum in shown) == total
        assert sum(maximum for _points, maximum in shown) == 100
        assert all(0 <= points <= maximum for points, maximum in shown)
    for (weight, _raw), (points, _maximum) in zip(weighted, rows, strict=True):
        assert (points is None) == (weight == 0)  # a rule without weight shows no points


def test_a_third_of_the_topics_and_all_languages_show_as_27_and_20_of_47():
    breakdown = [
        {"weight": 0, "contribution": 0},
        {"weight": 8, "contribution": 8 / 3},
        {"weight": 2, "contribution": 2},
    ]
    assert points_out_of_100(breakdown, 46.67) == ([(None, None), (27, 80), (20, 20)], 47)
