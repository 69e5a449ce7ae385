"""Live sessions of course runs: scheduling, registration with a waiting list, reminders,
attendance from the video server's occupant events, and the attendance rule for completion.

``presence`` is pure (no Django); ``selectors`` reads, ``services`` writes, ``notifications``
sends the e-mails, ``views`` and ``forms`` serve trainers and learners."""
