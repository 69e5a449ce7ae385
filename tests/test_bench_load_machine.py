"""`make bench-load` waits for a quiet machine before it measures (bench/load/machine.py), and
never longer than it is told: otherwise the first rows, measured while the topology's worker
still runs the seeding's tasks, come out slow and every ratio to them too kind."""

from bench.load.machine import _cpu_times, settle


def test_the_machine_s_cpu_time_is_read():
    busy, total = _cpu_times()
    assert 0 < busy < total


def test_a_quiet_machine_is_measured_at_once():
    # Under 101 % busy is quiet on any machine.
    assert settle(60, window=0.05, quiet=1.01).startswith("quiet after 0 s")


def test_a_busy_machine_is_measured_anyway_after_the_limit():
    # No machine is under 0 % busy: the limit ends the wait and the report says so.
    said = settle(0, window=0.05, quiet=0.0)
    assert said.startswith("still ") and said.endswith("measured anyway")
