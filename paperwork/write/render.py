"""Rendering a docxtpl template, and explaining template mistakes in Chinese.

Users edit templates in Word, so a mistake is a tag in a paragraph: the error names both. Checks run
before rendering (each tag compiled on its own, blocks balanced) because Jinja's own errors point at a
line of patched XML, which means nothing to a clerk.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jinja2
from docx import Document as open_document
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from paperwork.ooxml import PackageRefused, open_package
from paperwork.write import sandbox
from paperwork.write.model import Report, report_context
from paperwork.write.templates import default_template

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN = re.compile(r"\{\{|\{%|\{#")
_DOCXTPL_PREFIX = re.compile(r"^(\{[{%#])(?:p|r|tr|tc)\s")  # docxtpl: the prefix touches the brace
_DOCXTPL_SPECIAL = re.compile(r"^\{%-?\s*(?:colspan|cellbg|vm|hm)\b")
_BLOCKS = {"for", "if", "with", "macro", "call", "filter", "autoescape"}
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})  # Word's smart quotes, as docxtpl does


class TemplateError(Exception):
    """A template mistake a user can fix: ``tag`` and ``paragraph`` say where; ``detail`` keeps the cause."""

    def __init__(self, message_zh: str, tag: str = "", paragraph: str = "", detail: str = "") -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.tag = tag
        self.paragraph = paragraph
        self.detail = detail


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _where(tag: str, paragraph: str) -> str:
    return f"标签“{tag}”（所在段落：“{_short(paragraph)}”）"


# -- scanning the template ------------------------------------------------------------------------------
def _paragraphs(doc: Document) -> Iterator[str]:
    """Texts of every paragraph a tag can sit in: body, table cells (nested too), headers and footers."""

    def walk(container: Any) -> Iterator[str]:
        for item in container.iter_inner_content():
            if isinstance(item, DocxParagraph):
                yield item.text
            elif isinstance(item, DocxTable):
                for row in item.rows:
                    for cell in row.cells:
                        yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.even_page_header,
            section.even_page_footer,
            section.first_page_header,
            section.first_page_footer,
        ):
            if not part.is_linked_to_previous:
                yield from walk(part)


def _tags(doc: Document) -> list[tuple[str, str]]:
    """(tag, paragraph text) in document order; raises on a tag left open within its paragraph."""
    found: list[tuple[str, str]] = []
    for text in _paragraphs(doc):
        for m in _TAG.finditer(text):
            found.append((m.group(0), text))
        rest = _TAG.sub("", text)
        if m2 := _OPEN.search(rest):
            fragment = rest[m2.start() : m2.start() + 30]
            raise TemplateError(
                f"{_where(fragment, text)}没有闭合：“{{{{”要配“}}}}”，“{{%”要配“%}}”，请补全或删除。",
                fragment,
                text,
            )
    return found


def _normalise(tag: str) -> str:
    return _DOCXTPL_PREFIX.sub(r"\1 ", tag.translate(_QUOTES))


def _keyword(tag: str) -> str:
    m = re.match(r"\{%-?\s*(\w+)", tag)
    return m.group(1) if m else ""


def _refused(raw: str, paragraph: str, refusal: sandbox.Refusal, data: list[str]) -> TemplateError:
    where = _where(raw, paragraph) if paragraph else f"标签“{raw}”（位于文档属性、文本框或脚注中）"
    if refusal.name and not refusal.name.startswith("_"):  # a misspelling, most likely
        message = f"{where}用到了不存在的数据“{refusal.name}”。请检查拼写；可用的数据有：{'、'.join(data)}。"
    else:
        message = (
            f"{where}用到了模板中不允许的{refusal.what}。模板只能使用报告提供的数据（{'、'.join(data)}）"
            f"及其各项、if 与 for 语句和常用过滤器（{'、'.join(sorted(sandbox.TEMPLATE_FILTERS))}），"
            "请删除或改写该标签。"
        )
    return TemplateError(message, raw, paragraph, detail=refusal.what)


def _tag_source(raw: str) -> str | None:
    """The Jinja source that compiles one tag alone, or None for tags that close a block."""
    tag = _normalise(raw)
    kw = _keyword(tag)
    if tag.startswith("{{") or not kw:
        return tag
    if kw in _BLOCKS:
        return f"{tag}{{% end{kw} %}}"
    if kw == "elif":
        return f"{{% if true %}}{tag}{{% endif %}}"
    if kw == "else" or kw.startswith("end"):
        return None
    return tag


@dataclass(frozen=True)
class _Vocabulary:
    """What the template may use when rendered with one context (sandbox.check_vocabulary's arguments)."""

    data: list[str]
    attributes: frozenset[str]
    texts: frozenset[str]

    @classmethod
    def of(cls, context: dict[str, object]) -> _Vocabulary:
        return cls(sorted(context), *sandbox.context_vocabulary(context))

    def check(self, tree: jinja2.nodes.Template, bound: set[str], depth: int = 0) -> None:
        sandbox.check_vocabulary(tree, data=self.data, bound=bound, attributes=self.attributes, texts=self.texts,
                                 depth=depth)


def _check_tags(env: jinja2.Environment, tags: list[tuple[str, str]], vocabulary: _Vocabulary) -> None:
    """Compile each tag alone and balance the blocks, so an error names one tag in one paragraph; then
    hold each tag to the template vocabulary (sandbox.py), loops inside loops included."""
    _check_syntax(env, tags)
    trees = [(raw, paragraph, env.parse(src) if src else None) for raw, paragraph in tags
             if not (_DOCXTPL_SPECIAL.match(raw) or raw.startswith("{#")) for src in [_tag_source(raw)]]
    bound = set().union(*(sandbox.bound_names(tree) for _, _, tree in trees if tree))
    loops = 0
    for raw, paragraph, tree in trees:
        kw = _keyword(_normalise(raw))
        try:
            if tree is not None:
                vocabulary.check(tree, bound, depth=loops)
        except sandbox.Refusal as refusal:
            raise _refused(raw, paragraph, refusal, vocabulary.data) from refusal
        loops += 1 if kw == "for" else -1 if kw == "endfor" else 0


def _check_syntax(env: jinja2.Environment, tags: list[tuple[str, str]]) -> None:
    stack: list[tuple[str, str, str]] = []
    for raw, paragraph in tags:
        if _DOCXTPL_SPECIAL.match(raw) or raw.startswith("{#"):
            continue
        tag = _normalise(raw)
        kw = _keyword(tag)
        if kw in _BLOCKS:
            stack.append((kw, raw, paragraph))
        elif kw in ("elif", "else"):
            if not stack or stack[-1][0] not in ("if", "for"):
                raise TemplateError(f"{_where(raw, paragraph)}前面缺少对应的 if 标签。", raw, paragraph)
        elif kw.startswith("end"):
            opener = kw[3:]
            if not stack or stack[-1][0] != opener:
                expected = f"“{{% end{stack[-1][0]} %}}”" if stack else "无"
                raise TemplateError(
                    f"{_where(raw, paragraph)}没有对应的开始标签（此处应为{expected}）。", raw, paragraph
                )
            stack.pop()
            continue
        source = _tag_source(raw) or ""
        try:
            env.parse(source)  # an unknown filter is the vocabulary check's to name
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"{_where(raw, paragraph)}写法有误，请检查括号、引号是否成对，关键字是否拼写正确。",
                raw,
                paragraph,
                detail=str(exc),
            ) from exc
    if stack:
        kw, raw, paragraph = stack[-1]
        raise TemplateError(f"{_where(raw, paragraph)}缺少结束标签“{{% end{kw} %}}”。", raw, paragraph)


def _undefined_name(message: str) -> tuple[str, bool] | None:
    """The missing name from Jinja's message and whether it is an attribute ("b.titel")."""
    if m := re.search(r"'([^']+)' is undefined", message):
        return m.group(1), False
    if m := re.search(r"has no attribute '([^']+)'", message):
        return m.group(1), True
    return None


def _locate_undefined(tags: list[tuple[str, str]], name: str, attribute: bool) -> tuple[str, str]:
    pattern = (
        re.compile(rf"\.{re.escape(name)}\b|\[\s*['\"]{re.escape(name)}['\"]\s*\]")
        if attribute
        else re.compile(rf"(?<![\w.'\"]){re.escape(name)}\b")
    )
    for tag, paragraph in tags:
        if pattern.search(_normalise(tag)):
            return tag, paragraph
    return "", ""


def _environment() -> jinja2.Environment:
    return sandbox.environment()


class _CompilingSandbox(ImmutableSandboxedEnvironment):
    """The sandbox renders run in, keeping what it compiled. docxtpl compiles every part of a template (body,
    headers, footers, properties) on every render, which is most of a report's rendering; a part's source is
    the template's own text after docxtpl's patching, the same for every report made from the same file. So the
    compiled part is kept under its whole source: a changed or newly uploaded template has another source and
    is compiled afresh, and nothing but a template's bytes decides what is reused."""

    KEEP = 128  # parts: a template has about ten

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()
        self._lock = threading.Lock()

    def from_string(self, source: str | jinja2.nodes.Template, globals: Any = None,
                    template_class: Any = None) -> jinja2.Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        with self._lock:
            found = self._compiled.get(source)
            if found is not None:
                self._compiled.move_to_end(source)
                return found
        found = super().from_string(source)
        with self._lock:
            self._compiled[source] = found
            while len(self._compiled) > self.KEEP:
                self._compiled.popitem(last=False)
        return found


_RENDERING: list[jinja2.Environment] = []  # this process's _CompilingSandbox, made on first use


def _rendering_environment() -> jinja2.Environment:
    if not _RENDERING:
        _RENDERING.append(sandbox.environment(_CompilingSandbox))
    return _RENDERING[0]


def _rendered_sources(tpl: DocxTemplate) -> Iterator[str]:
    """Every text docxtpl will render, as it will render it: the body, headers and footers after its XML
    patching, the core properties and the footnotes. Tags outside paragraphs (text boxes, properties)
    are held to the vocabulary here."""
    yield tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            yield tpl.patch_xml(tpl.get_part_xml(part))
    props = tpl.docx.core_properties
    yield from (getattr(props, name) or "" for name in ("author", "comments", "identifier", "language",
                                                        "subject", "title"))
    for part in tpl.docx.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            yield tpl.patch_xml(part.blob.decode("utf-8"))


def _check_sources(env: jinja2.Environment, tpl: DocxTemplate, vocabulary: _Vocabulary) -> None:
    sources = list(_rendered_sources(tpl))
    trees = []
    for source in sources:
        try:
            trees.append((source, env.parse(source)))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                "模板中的标签写法有误（可能位于文档属性、文本框或脚注中），请检查括号、引号是否成对。",
                detail=str(exc),
            ) from exc
    bound = set().union(*(sandbox.bound_names(tree) for _, tree in trees))
    for source, tree in trees:
        try:
            vocabulary.check(tree, bound)
        except sandbox.Refusal as refusal:
            raw = next((m.group(0) for m in _TAG.finditer(source)
                        if _refuses(env, m.group(0), bound, vocabulary)), "")
            raise _refused(_short(raw, 80), "", refusal, vocabulary.data) from refusal


def _refuses(env: jinja2.Environment, raw: str, bound: set[str], vocabulary: _Vocabulary) -> bool:
    try:
        src = _tag_source(raw)
        if src is not None:
            vocabulary.check(env.parse(src), bound)
    except (sandbox.Refusal, jinja2.TemplateSyntaxError):
        return True
    return False


# Checking compiles every tag; a batch of 150 reports uses one template, so remember templates that passed.
_CHECKED: dict[tuple[bytes, tuple[str, ...], frozenset[str], frozenset[str]], list[tuple[str, str]]] = {}


def _validated_tags(digest: bytes, tpl: DocxTemplate, context: dict[str, object]) -> list[tuple[str, str]]:
    vocabulary = _Vocabulary.of(context)
    key = (digest, tuple(vocabulary.data), vocabulary.attributes, vocabulary.texts)
    if key not in _CHECKED:
        env = _environment()
        tags = _tags(tpl.docx)
        _check_tags(env, tags, vocabulary)
        _check_sources(env, tpl, vocabulary)
        if len(_CHECKED) >= 64:
            _CHECKED.clear()
        _CHECKED[key] = tags
    return _CHECKED[key]


# -- rendering ---------------------------------------------------------------------------------------------
_GUARDED: set[bytes] = set()  # sha256 of the templates that passed the package guard (its verdict is the bytes')


def render_template(template: bytes, context: dict[str, object]) -> bytes:
    """Render a user-editable .docx template; template mistakes raise TemplateError in Chinese. The file is
    opened behind the package guard first, whichever path brought it (upload, stored, `--template`)."""
    not_docx = "模板文件不是有效的 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx 后重新上传。"
    digest = hashlib.sha256(template).digest()
    if digest not in _GUARDED:  # the guard inflates and scans every part: once per template and process
        try:
            open_package(template, name="模板")
        except PackageRefused as exc:
            raise TemplateError(not_docx if exc.reason == "broken" else exc.message_zh, detail=exc.reason) from exc
        if len(_GUARDED) >= 64:
            _GUARDED.clear()
        _GUARDED.add(digest)
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(not_docx, detail=repr(exc)) from exc
    tags = _validated_tags(digest, tpl, context)
    try:
        tpl.render(context, jinja_env=_rendering_environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        found = _undefined_name(str(exc))
        name, attribute = found if found else ("", False)
        tag, paragraph = _locate_undefined(tags, name, attribute) if name else ("", "")
        available = "、".join(sorted(context))
        where = _where(tag, paragraph) if tag else "模板中的某个标签"
        raise TemplateError(
            f"{where}用到了不存在的数据“{name}”。请检查拼写；可用的数据有：{available}。",
            tag,
            paragraph,
            detail=str(exc),
        ) from exc
    except SecurityError as exc:  # the sandbox stopped what the vocabulary check let through
        raise TemplateError(
            "模板中的某个标签试图读取系统内部信息，已被拒绝。请只使用报告提供的数据。", detail=repr(exc)
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(
            "模板无法生成文档，请检查模板中的标签是否成对、写法是否正确。", detail=repr(exc)
        ) from exc
    except Exception as exc:  # a filter or expression failing on the data, e.g. {{ title + 1 }}
        raise TemplateError(
            "模板中的某个标签无法处理当前数据，请检查标签中的运算和过滤器。", detail=repr(exc)
        ) from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def build_docx(report: Report, *, template: bytes | None = None) -> bytes:
    """The report as a .docx: the genre's default GB/T 9704 template unless the user supplied one."""
    return render_template(template or default_template(report.genre), report_context(report))


def report_text(docx_bytes: bytes) -> list[str]:
    """Non-empty paragraph texts in body order, table cells row by row (for tests and the checker)."""
    doc = open_document(io.BytesIO(docx_bytes))
    texts: list[str] = []
    for item in doc.iter_inner_content():
        if isinstance(item, DocxParagraph):
            texts.append(item.text)
        else:
            # raw <w:tc> elements: a merged cell is one element, though python-docx repeats it per column
            for tr in item._tbl.tr_lst:
                for tc in tr.tc_lst:
                    texts.extend(DocxParagraph(p, item).text for p in tc.iter(qn("w:p")))
    return [t for t in texts if t]
