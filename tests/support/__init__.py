"""Helpers shared by the test suite: stand-ins for external services."""
