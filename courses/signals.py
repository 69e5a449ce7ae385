"""Signals of the courses app, for parts that build on the enrolment services (live sessions)
without the services importing them."""

from django.dispatch import Signal

#: Sent inside the transaction when a learner leaves a course run (``enrolment``: the enrolment,
#: now "left", with its run). Live sessions release the person's upcoming seats.
enrolment_left = Signal()
