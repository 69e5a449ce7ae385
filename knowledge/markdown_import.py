"""Import a folder of Markdown files into a space (a service: ``markdown_import``).

- every ``.md`` file becomes an article; its first level-1 heading is the title (else the file
  name); other headings become heading blocks (level 1 and 2 as level 2, deeper ones as 3 and 4);
- a sub-folder becomes an article with the folder's articles below it: its ``index.md`` or
  ``README.md`` (or a file of the same name next to the folder) is that article's text;
- links between the files become page links, links to other files (and images) become documents
  in the space's collection, so they keep the space's view restriction (Wagtail images would
  not: their renditions are public);
- tables (GitHub style) become table blocks, everything else rich text.

Pages are created first and filled afterwards, so that links may point forwards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.files import File
from django.db import transaction
from django.utils.text import slugify
from markdown_it import MarkdownIt
from wagtail.documents import get_document_model

from .models import KnowledgeArticlePage, KnowledgeSpacePage

INDEX_NAMES = ("index.md", "README.md", "readme.md")
HEADING_LEVEL = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
PAGE_LINK = re.compile(r'<a href="tandem-page:(\d+)">')
DOCUMENT_LINK = re.compile(r'<a href="tandem-document:(\d+)">')


@dataclass
class ImportResult:
    articles: list[KnowledgeArticlePage] = field(default_factory=list)
    documents: list = field(default_factory=list)
    unresolved_links: list[str] = field(default_factory=list)


@dataclass
class _Node:
    path: Path  # the Markdown file, or the folder when it has no text of its own
    source: Path | None
    children: list[_Node] = field(default_factory=list)
    page: KnowledgeArticlePage | None = None


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _tree(folder: Path) -> list[_Node]:
    nodes: list[_Node] = []
    entries = sorted(folder.iterdir(), key=lambda p: (p.is_dir(), p.name.lower()))
    files = {p.stem: p for p in entries if p.is_file() and p.suffix.lower() == ".md"}
    for entry in entries:
        if entry.is_dir() and not entry.name.startswith("."):
            own = next((entry / name for name in INDEX_NAMES if (entry / name).is_file()), None)
            own = own or files.pop(entry.name, None)
            children = _tree(entry)
            if own is not None or children:  # a folder of attachments only is no article
                nodes.append(_Node(path=entry, source=own, children=children))
    for entry in entries:
        if (
            entry.is_file()
            and entry.suffix.lower() == ".md"
            and entry.name not in INDEX_NAMES
            and entry.stem in files
        ):
            nodes.append(_Node(path=entry, source=entry))
    return nodes


def _title(node: _Node, parser: MarkdownIt) -> str:
    if node.source is not None:
        tokens = parser.parse(node.source.read_text(encoding="utf-8"))
        for index, token in enumerate(tokens):
            if token.type == "heading_open" and token.tag == "h1":
                return tokens[index + 1].content.strip()[:255]
    name = node.path.stem if node.path.is_file() else node.path.name
    return name.replace("-", " ").replace("_", " ").strip().capitalize()[:255] or "Artikel"


def _walk(nodes: list[_Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


class _Converter:
    def __init__(self, *, root: Path, space: KnowledgeSpacePage, pages: dict[Path, int], by):
        self.root, self.space, self.pages, self.by = root, space, pages, by
        self.parser = _parser()
        self.documents: dict[Path, object] = {}
        self.unresolved: list[str] = []

    def _document(self, path: Path):
        if path not in self.documents:
            Document = get_document_model()
            with path.open("rb") as handle:
                document = Document(
                    title=path.stem.replace("-", " ").replace("_", " "),
                    collection_id=self.space.collection_id,
                    uploaded_by_user=self.by,
                )
                document.file.save(path.name, File(handle), save=False)
                document.save()
            self.documents[path] = document
        return self.documents[path]

    def _target(self, source: Path, href: str) -> str | None:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            return None  # an external link or an anchor: unchanged
        target = (source.parent / unquote(parts.path)).resolve()
        if not target.is_relative_to(self.root):
            self.unresolved.append(href)
            return None
        if target.is_dir():
            target = next((target / n for n in INDEX_NAMES if (target / n).exists()), target)
        if target in self.pages:
            return f"tandem-page:{self.pages[target]}"
        if target.is_file() and target.suffix.lower() != ".md":
            return f"tandem-document:{self._document(target).pk}"
        self.unresolved.append(href)
        return None

    def _rewrite_inline(self, source: Path, token) -> None:
        children = []
        for child in token.children or []:
            if child.type == "link_open":
                target = self._target(source, child.attrGet("href") or "")
                if target:
                    child.attrs = {"href": target}
            if child.type == "image":
                target = self._target(source, child.attrGet("src") or "")
                label = child.content or PurePosixPath(child.attrGet("src") or "").name
                if target:
                    opening = child.__class__("link_open", "a", 1, attrs={"href": target})
                    text = child.__class__("text", "", 0, content=label)
                    closing = child.__class__("link_close", "a", -1)
                    children.extend([opening, text, closing])
                    continue
                children.append(child.__class__("text", "", 0, content=label))
                continue
            children.append(child)
        token.children = children

    def _rich_text(self, tokens) -> str:
        html = self.parser.renderer.render(tokens, self.parser.options, {})
        html = PAGE_LINK.sub(r'<a linktype="page" id="\1">', html)
        html = DOCUMENT_LINK.sub(r'<a linktype="document" id="\1">', html)
        html = re.sub(
            r"<pre><code[^>]*>(.*?)</code></pre>", r"<p><code>\1</code></p>", html, flags=re.S
        )
        html = re.sub(r"<h[5-6]>(.*?)</h[5-6]>", r"<p><b>\1</b></p>", html)
        return html.strip()

    def body(self, source: Path, *, skip_title: bool) -> list:
        tokens = self.parser.parse(source.read_text(encoding="utf-8"))
        for token in tokens:
            if token.type == "inline":
                self._rewrite_inline(source, token)
        blocks: list = []
        pending: list = []
        title_skipped = not skip_title
        index = 0

        def flush():
            if pending:
                html = self._rich_text(pending)
                if html:
                    blocks.append(("paragraph", html))
                pending.clear()

        while index < len(tokens):
            token = tokens[index]
            if token.type == "heading_open" and token.level == 0:
                text = tokens[index + 1].content.strip()
                if token.tag == "h1" and not title_skipped:
                    title_skipped = True
                else:
                    flush()
                    blocks.append(("heading", {"text": text, "level": HEADING_LEVEL[token.tag]}))
                index += 3
                continue
            if token.type == "table_open":
                flush()
                end = index
                while tokens[end].type != "table_close":
                    end += 1
                rows, row, header = [], [], False
                for cell in tokens[index:end]:
                    if cell.type == "thead_open":
                        header = True
                    if cell.type == "inline":
                        row.append(self._rich_text([cell]).strip())
                    if cell.type == "tr_close":
                        rows.append(row)
                        row = []
                blocks.append(
                    (
                        "table",
                        {
                            "data": [[re.sub(r"<[^>]+>", "", c) for c in r] for r in rows],
                            "first_row_is_table_header": header,
                            "first_col_is_header": False,
                            "table_caption": "",
                        },
                    )
                )
                index = end + 1
                continue
            pending.append(token)
            index += 1
        flush()
        return blocks


@transaction.atomic
def markdown_import(
    *, folder: Path, space: KnowledgeSpacePage, by=None, publish: bool = True
) -> ImportResult:
    root = folder.resolve()
    parser = _parser()
    tree = _tree(root)
    result = ImportResult()
    pages: dict[Path, int] = {}

    def create(nodes: list[_Node], parent) -> None:
        for node in nodes:
            title = _title(node, parser)
            page = KnowledgeArticlePage(title=title, slug=_free_slug(parent, title), owner=by)
            parent.add_child(instance=page)
            node.page = page
            for key in filter(None, (node.source, node.path)):
                pages[key.resolve()] = page.pk
            result.articles.append(page)
            create(node.children, page)

    create(tree, space)
    converter = _Converter(root=root, space=space, pages=pages, by=by)
    for node in _walk(tree):
        page = KnowledgeArticlePage.objects.get(pk=node.page.pk)
        if node.source is not None:
            page.body = converter.body(node.source, skip_title=True)
        revision = page.save_revision(user=by)
        if publish:
            revision.publish(user=by)
    result.documents = list(converter.documents.values())
    result.unresolved_links = converter.unresolved
    return result


def _free_slug(parent, title: str) -> str:
    base = slugify(title)[:240] or "artikel"
    slug, number = base, 1
    siblings = set(parent.get_children().values_list("slug", flat=True))
    while slug in siblings:
        number += 1
        slug = f"{base}-{number}"
    return slug
