"""Workshops in live sessions: tables with topics (optionally a fixed table host), rounds of a
few minutes each, and a World Café rotation between them (:mod:`.plan`). The host's browser
moves people into the video server's breakout rooms; the round's state comes from here."""
