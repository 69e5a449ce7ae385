"""Every field of every model in Tandem's apps is classified in the personal-data inventory, and
every model anywhere that points at a person is covered, so export and erasure cannot drift.
Many-to-many fields count as fields: the colleagues of a video room are people, too."""

from django.apps import apps
from django.conf import settings

from cms import privacy
from cms.pages import get_base_page_model

OWN_APPS = ("lms", "cms", "courses", "mentoring", "video", "knowledge")


def own_fields(model) -> list:
    """The model's columns and many-to-many fields; of a page type only those it adds."""
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    Page = get_base_page_model()
    if issubclass(model, Page) and model is not Page:
        fields = [field for field in fields if field.model is model]
    return fields


def local_fields(model) -> set[str]:
    return {field.name for field in own_fields(model)}


def test_every_field_of_every_own_model_is_classified():
    missing = {}
    for app in OWN_APPS:
        for model in apps.get_app_config(app).get_models():
            unclassified = local_fields(model) - privacy.classified_fields(model)
            if unclassified:
                missing[model._meta.label] = sorted(unclassified)
    assert not missing, f"Classify these fields in the app's privacy.py: {missing}"


def test_every_model_that_points_at_a_person_is_in_the_inventory():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    uncovered = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        links = [
            f.name
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if f.is_relation and f.related_model is user_model and f.model is model
        ]
        record = privacy.record_for(model)
        if links and (record is None or not set(links) <= privacy.classified_fields(model)):
            uncovered.append(f"{model._meta.label}: {links}")
    assert not uncovered, uncovered


def test_classified_names_are_real_fields():
    for record in privacy.records():
        model = record.model_class
        names = set(record.personal) | set(record.actors) | set(record.members) | set(record.other)
        real = {field.name for field in [*model._meta.concrete_fields, *model._meta.many_to_many]}
        real |= {"pk"}
        assert names <= real, (record.model, sorted(names - real))


def test_privacy_documentation_is_generated_from_the_inventory():
    from django.core.management import call_command

    call_command("privacy_docs", "--check")  # raises CommandError naming the stale PRIVACY.md files


def test_privacy_notice_block_lists_purposes_from_the_inventory(client):
    from cms.blocks import PersonalDataBlock

    html = PersonalDataBlock().render(None)
    assert "<table>" in html and "E-Mail-Adresse" in html and "Anmeldung" in html
    assert html.count("<table>") == len({row[0] for row in privacy.purposes()})
