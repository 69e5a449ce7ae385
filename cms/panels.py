"""Admin panels shared by the plugins."""

from django.utils.text import capfirst
from wagtail.admin.panels import FieldPanel


class GrantingFieldPanel(FieldPanel):
    """A field that grants access to personal data (a course's trainers, a programme's managers).
    The form leaves the field out for people who may not change it, so a POSTed value is ignored;
    they see the current value read-only with ``read_only_help_text``."""

    read_only_help_text = ""

    def format_value_for_display(self, value):
        return ", ".join(user.get_full_name() or user.email for user in value.all()) or "–"

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.form is not None and self.bound_field is None:
                self.read_only = True
                self.heading = self.panel.heading or capfirst(self.panel.db_field.verbose_name)
                self.help_text = self.panel.read_only_help_text
