"""The Markdown import of a sample tree keeps its hierarchy, headings, links and attachments."""

from io import StringIO

from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.rich_text import expand_db_html

from knowledge.models import KnowledgeArticlePage

SAMPLE = {
    "einstieg.md": "# Einstieg\n\nWillkommen. Siehe [Ablauf](beratung/ablauf.md) "
    "und den [Meldebogen](dateien/meldebogen.pdf).\n\n## Erste Schritte\n\nText.\n",
    "beratung/index.md": "# Beratung\n\nÜberblick.\n\n## Grundsätze\n\n- eins\n- zwei\n",
    "beratung/ablauf.md": "# Ablauf der Beratung\n\n## Vorbereitung\n\n### Raum\n\n"
    "Zurück zum [Einstieg](../einstieg.md).\n\n![Ablaufplan](../dateien/plan.png)\n\n"
    "| Schritt | Dauer |\n|---|---|\n| Kennenlernen | 10 min |\n",
    "dateien/meldebogen.pdf": b"%PDF-1.4 meldebogen",
    "dateien/plan.png": b"\x89PNG\r\n\x1a\nplan",
}


def write_tree(root):
    for name, content in SAMPLE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def test_import_round_trips_headings_links_and_attachments(space_a, tmp_path):
    space, people = space_a
    write_tree(tmp_path)
    out = StringIO()
    call_command("import_markdown", str(tmp_path), space=space.slug, stdout=out)
    assert "3 Artikel und 2 Dokumente" in out.getvalue() or "3 articles and 2 documents" in (
        out.getvalue()
    )

    articles = {a.title: a for a in KnowledgeArticlePage.objects.descendant_of(space).live()}
    assert set(articles) == {"Einstieg", "Beratung", "Ablauf der Beratung"}
    # Sub-folders are the hierarchy: the folder's index is the parent article.
    assert articles["Ablauf der Beratung"].get_parent().pk == articles["Beratung"].pk
    assert articles["Einstieg"].get_parent().pk == space.pk

    ablauf = articles["Ablauf der Beratung"]
    headings = [
        (b.value["text"], b.value["level"]) for b in ablauf.body if b.block_type == "heading"
    ]
    assert headings == [("Vorbereitung", "h2"), ("Raum", "h3")]
    assert [e["text"] for e in ablauf.table_of_contents] == ["Vorbereitung", "Raum"]
    table = next(b for b in ablauf.body if b.block_type == "table")
    assert table.value["data"] == [["Schritt", "Dauer"], ["Kennenlernen", "10 min"]]

    # Links between files are page links; attachments and images documents of the space.
    Document = get_document_model()
    documents = {d.title: d for d in Document.objects.filter(collection=space.collection)}
    assert set(documents) == {"meldebogen", "plan"}
    with documents["meldebogen"].file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 meldebogen"
    einstieg_html = "".join(
        str(b.value.source) for b in articles["Einstieg"].body if b.block_type == "paragraph"
    )
    assert f'<a linktype="page" id="{ablauf.pk}">Ablauf</a>' in einstieg_html
    assert f'<a linktype="document" id="{documents["meldebogen"].pk}">' in einstieg_html
    ablauf_html = "".join(str(b.value.source) for b in ablauf.body if b.block_type == "paragraph")
    assert f'<a linktype="page" id="{articles["Einstieg"].pk}">Einstieg</a>' in ablauf_html
    assert f'<a linktype="document" id="{documents["plan"].pk}">Ablaufplan</a>' in ablauf_html
    # Rendered for readers, the link leads to the article.
    assert articles["Einstieg"].url in expand_db_html(ablauf_html)
    # Readers of the space reach the imported article; the import goes into the reference index.
    assert ablauf.pk in [
        a.pk for a in KnowledgeArticlePage.objects.filter(pk=ablauf.pk).descendant_of(space)
    ]
