"""Well-known Jinja sandbox escapes, as a clerk could type them into a Word template. Each one, if it ran,
would create the file at MARKER (formatted with its path); a test asserts that the file never appears."""

from __future__ import annotations

# {marker} is replaced by the path of a file the payload would create.
PAYLOADS: dict[str, str] = {
    "lipsum globals": '{{ lipsum.__globals__["os"].popen("touch {marker}").read() }}',
    "lipsum globals by attribute": "{{ lipsum.__globals__.os.popen('touch {marker}').read() }}",
    "class mro subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "subclasses loop": (
        "{% for c in ().__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').popen('touch {marker}').read() }}{% endif %}{% endfor %}"
    ),
    "attr filter": '{{ (title|attr("__class__")|attr("__init__")|attr("__globals__"))["os"] }}',
    "attr filter escaped": '{{ title|attr("\\x5f\\x5fclass\\x5f\\x5f") }}',
    "cycler": "{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "joiner": "{{ joiner.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "namespace": "{{ namespace.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "self": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch {marker}') }}",
    "request": "{{ request.application.__globals__.__builtins__.__import__('os').popen('touch {marker}') }}",
    "config": "{{ config.__class__.__init__.__globals__['os'].popen('touch {marker}') }}",
    "str.format": '{{ "{0.__class__.__init__.__globals__}".format(title) }}',
    "format filter": '{{ "%s"|format(title.__class__) }}',
    "percent format": '{{ "%s" % title }}',
    "getitem escapes": '{{ title["\\x5f\\x5fclass\\x5f\\x5f"] }}',
    "map attribute": '{{ blocks|map(attribute="__class__")|list }}',
    "join attribute": '{{ blocks|join(",", attribute="__class__") }}',
    "set": '{% set x = lipsum %}{{ x.__globals__.os.popen("touch {marker}") }}',
    "with": "{% with x = title %}{{ x }}{% endwith %}",
    "macro": "{% macro m() %}{{ caller() }}{% endmacro %}",
    "include": '{% include "/etc/passwd" %}',
    "import": '{% import "os" as os %}',
    "range": "{{ range(10) }}",
    "dict": "{{ dict.__class__ }}",
    "huge string": '{{ title * 1000000000 }}',
    "power": "{{ 9 ** 9 ** 9 }}",
    "nested walk": "{% for a in blocks %}{% for b in blocks %}{{ b.text }}{% endfor %}{% endfor %}",
    "walk a text by characters": (
        "{% for b in blocks %}{% for x in b.text %}{% for y in b.text %}{{ y }}{% endfor %}{% endfor %}{% endfor %}"
    ),
    "four loops deep": (
        "{% for b in blocks %}{% for r in b.rows %}{% for c in r %}{% for d in r %}{{ d }}{% endfor %}{% endfor %}"
        "{% endfor %}{% endfor %}"
    ),
    "loop over a computed list": "{% for b in blocks %}{% for x in (b.rows + b.rows) %}{{ x }}{% endfor %}{% endfor %}",
    "autoescape off": "{% autoescape false %}{{ title }}{% endautoescape %}",
    "dunder globals": "{{ __globals__ }}",
}
