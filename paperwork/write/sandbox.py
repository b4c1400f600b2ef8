"""What a user's report template may say, and the sandbox it is rendered in.

A template is uploaded by a clerk, so it is untrusted code: Jinja's plain environment lets
``{{ lipsum.__globals__["os"].popen("id").read() }}`` run a command on the server. Two walls stand in the way:

1. On upload (and before every render) each tag is checked against an allowlist: the names of the report
   context (``model.CONTEXT_NAMES``), the keys of a block and the attributes of ``loop``,
   ``if``/``for`` and a short list of filters and tests. Calls, ``set``/``with``/``macro``, imports, ``**``,
   ``*``, ``%`` and nested walks over a whole list are refused, so a template can neither reach Python objects
   nor make a worker build a gigabyte string. The refusal names the construct in Chinese.
2. Rendering runs in ``ImmutableSandboxedEnvironment`` with no globals (no ``lipsum``, ``cycler``, ``joiner``,
   ``namespace``, ``range``), so whatever the check might miss still cannot reach ``__globals__``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from paperwork.write.model import BLOCK_KEYS

LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
# Filters that cannot reach attributes by name, run code or multiply text: enough for official documents.
TEMPLATE_FILTERS = frozenset(
    {"default", "d", "e", "escape", "first", "last", "length", "count", "join", "lower", "upper", "trim",
     "string", "int", "round", "abs", "list", "reverse", "unique", "truncate", "title", "capitalize",
     "batch", "slice", "sum", "max", "min", "wordcount"}
)
TEMPLATE_TESTS = frozenset(
    {"defined", "undefined", "none", "true", "false", "boolean", "number", "integer", "float", "string",
     "sequence", "iterable", "mapping", "even", "odd", "divisibleby", "eq", "equalto", "==", "ne", "!=",
     "lt", "<", "le", "<=", "gt", ">", "ge", ">=", "in", "sameas", "lower", "upper"}
)

# Node types a tag may contain; everything else is refused with the description below.
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.For, nodes.FilterBlock,
    nodes.Name, nodes.Const, nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Filter, nodes.Test,
    nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Add,
    nodes.Sub, nodes.Concat, nodes.CondExpr, nodes.List, nodes.Tuple, nodes.Keyword,
)
_DESCRIBED: dict[type[nodes.Node], str] = {
    nodes.Call: "调用函数或方法（如“xxx()”）",
    nodes.Assign: "“set”赋值",
    nodes.AssignBlock: "“set”赋值",
    nodes.With: "“with”",
    nodes.Macro: "宏“macro”",
    nodes.CallBlock: "“call”",
    nodes.Import: "引用其他模板",
    nodes.FromImport: "引用其他模板",
    nodes.Include: "引用其他模板",
    nodes.Extends: "引用其他模板",
    nodes.Block: "“block”",
    nodes.Mul: "乘法运算“*”",
    nodes.Div: "除法运算“/”",
    nodes.FloorDiv: "除法运算“//”",
    nodes.Mod: "“%”运算（含字符串格式化）",
    nodes.Pow: "乘方运算“**”",
    nodes.Dict: "字典“{…}”",
    nodes.ScopedEvalContextModifier: "“autoescape”",
    nodes.EvalContextModifier: "“autoescape”",
}


class Refusal(Exception):
    """A construct the template may not use; ``what`` describes it in Chinese. ``name`` is set when the
    construct is a name the context does not have (a misspelling, usually)."""

    def __init__(self, what: str, name: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.name = name


def environment(cls: type[ImmutableSandboxedEnvironment] = ImmutableSandboxedEnvironment) -> jinja2.Environment:
    """The sandbox every user template renders in (`cls`: this sandbox or a subclass of it). StrictUndefined: a
    misspelt name must fail loudly, not leave a blank in an official document."""
    env = cls(undefined=jinja2.StrictUndefined, autoescape=True)
    env.globals.clear()
    env.filters = {name: f for name, f in env.filters.items() if name in TEMPLATE_FILTERS}
    env.tests = {name: t for name, t in env.tests.items() if name in TEMPLATE_TESTS}
    return env


def bound_names(tree: nodes.Node) -> set[str]:
    """Names a template binds itself: the targets of its ``for`` loops (a name, or a tuple of names)."""
    found: set[str] = set()
    for loop in tree.find_all(nodes.For):
        target = loop.target
        names = [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))
        found.update(n.name for n in names)
    return found


def context_vocabulary(context: Mapping[str, object]) -> tuple[frozenset[str], frozenset[str]]:
    """(attributes, texts) of a context, from one walk over it. Attributes: what a template may read: a
    block's keys, ``loop``'s, and the keys of any mapping the context holds (lists of dicts included). Texts:
    names and keys whose values are text wherever they occur (a loop may not walk them character by
    character: three such loops nested over a block's text would be a billion steps)."""
    keys = _keys(context)
    texts = frozenset(k for k, seen in keys.items() if seen == {True})
    return frozenset(set(BLOCK_KEYS) | LOOP_ATTRIBUTES | set(keys)), texts


def _keys(context: Mapping[str, object]) -> dict[str, set[bool]]:
    """Every key of the context and of the mappings inside it → whether its values are strings."""
    found: dict[str, set[bool]] = {}
    todo: list[object] = [context]
    while todo:
        value = todo.pop()
        if isinstance(value, Mapping):
            for k, v in value.items():
                if isinstance(k, str):
                    found.setdefault(k, set()).add(isinstance(v, str))
            todo.extend(value.values())
        elif isinstance(value, list | tuple):
            todo.extend(value)
    return found


def check_vocabulary(
    tree: nodes.Node, *, data: Iterable[str], bound: Iterable[str] = (), attributes: Iterable[str] = (),
    texts: Iterable[str] = (), depth: int = 0,
) -> None:
    """Raise Refusal for the first construct outside the vocabulary: the context's names (`data`), the
    template's own loop variables (`bound`), the readable attributes, if/for and the allowed filters; loops
    walk lists only (not `texts`), at most MAX_LOOP_DEPTH deep. `depth`: loops opened by earlier tags."""
    vocabulary = _Vocabulary(frozenset(data), frozenset(bound) | {"loop"}, frozenset(attributes), frozenset(texts))
    _walk(tree, vocabulary, depth)


# blocks → a table's rows → a row's cells: what an official document needs, and a bound on the work
MAX_LOOP_DEPTH = 3


@dataclass(frozen=True)
class _Vocabulary:
    data: frozenset[str]
    bound: frozenset[str]
    attributes: frozenset[str]
    texts: frozenset[str]


def _iterated(node: nodes.Node) -> nodes.Node:
    """What a loop walks, under the filters applied to it (blocks|reverse → blocks)."""
    while isinstance(node, nodes.Filter) and node.node is not None:
        node = node.node
    return node


def _walk(node: nodes.Node, names: _Vocabulary, depth: int) -> None:
    if not isinstance(node, _ALLOWED_NODES):
        raise Refusal(_DESCRIBED.get(type(node), f"“{type(node).__name__}”语法"))
    if isinstance(node, nodes.Name):
        if node.ctx == "load" and node.name not in names.data | names.bound:
            raise Refusal(f"名称“{node.name}”", name=node.name)
    elif isinstance(node, nodes.Getattr):
        if node.attr not in names.attributes:
            raise Refusal(f"读取“{node.attr}”", name=node.attr)
    elif isinstance(node, nodes.Getitem):
        arg = node.arg
        if isinstance(arg, nodes.Const):
            if isinstance(arg.value, str) and arg.value not in names.attributes:
                raise Refusal(f"读取“{arg.value}”", name=arg.value)
            if not isinstance(arg.value, int | str):
                raise Refusal("方括号中的取值")
        elif not isinstance(arg, nodes.Slice):
            raise Refusal("方括号中的变量取值（只能写数字或数据项的名称，如 b['text']、b.rows[0]）")
    elif isinstance(node, nodes.Filter | nodes.FilterBlock):
        flt = node.filter if isinstance(node, nodes.FilterBlock) else node
        if flt.name not in TEMPLATE_FILTERS:
            raise Refusal(f"过滤器“{flt.name}”")
        for kw in flt.kwargs:  # join(attribute=…), sum(attribute=…): an attribute by name
            if kw.key == "attribute" and not (
                isinstance(kw.value, nodes.Const) and kw.value.value in names.attributes
            ):
                raise Refusal(f"过滤器“{flt.name}”的 attribute 参数")
    elif isinstance(node, nodes.Test):
        if node.name not in TEMPLATE_TESTS:
            raise Refusal(f"判断“is {node.name}”")
    elif isinstance(node, nodes.For):
        if node.recursive:
            raise Refusal("递归循环“recursive”")
        if depth >= MAX_LOOP_DEPTH:
            raise Refusal(f"超过{MAX_LOOP_DEPTH}层的循环嵌套")
        walked = [node.iter] if isinstance(node.iter, nodes.Name) else list(node.iter.find_all(nodes.Name))
        if depth and any(n.name in names.data for n in walked):
            # blocks × blocks × blocks … would let a template spin a worker for hours
            raise Refusal("在循环中再次遍历整份数据")
        base = _iterated(node.iter)
        if not isinstance(base, nodes.Name | nodes.Getattr | nodes.List | nodes.Tuple):
            raise Refusal("循环只能遍历报告数据中的列表（如 blocks、b.rows）")
        key = base.name if isinstance(base, nodes.Name) else base.attr if isinstance(base, nodes.Getattr) else ""
        if key in names.texts:
            raise Refusal(f"逐字遍历文字“{key}”")
        _walk(node.target, names, depth)
        _walk(node.iter, names, depth)
        for child in (*node.body, *node.else_, *([node.test] if node.test else [])):
            _walk(child, names, depth + 1)
        return
    for child in node.iter_child_nodes():
        _walk(child, names, depth)
