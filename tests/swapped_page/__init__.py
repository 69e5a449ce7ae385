"""A test-only app holding a custom base page model, for the suite's swapped-page variant
(``lms.settings.test_swapped``, Wagtail 8's ``WAGTAIL_PAGE_MODEL``). Installed only there."""
