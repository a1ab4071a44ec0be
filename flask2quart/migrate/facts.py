"""What the whole-project analysis knows: the facts of each module, function and class, and the
answers it hands the per-file rules (:class:`ProjectAnalysis`). Plain, picklable data: workers get
it, not the trees."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from . import values as V


class Role(enum.StrEnum):
    VIEW = "view"  # route views and MethodView methods: always async
    HOOK = "hook"  # before/after/teardown/errorhandler/context_processor: always async
    RESPONSE_HOOK = "response_hook"  # after_request: async, first argument is the response
    SYNC_HOOK = "sync_hook"  # url_value_preprocessor & co: must stay sync
    CLI = "cli"  # click commands: must stay sync
    ENTRY = "entry"  # a console script's function: stays sync, runs what became async with asyncio.run()
    WRAPPER = "wrapper"  # the inner function of a view decorator: always async
    STREAM = "stream"  # a generator streamed as a response: async generator
    TEST = "test"  # async when it awaits something
    FIXTURE = "fixture"  # async when it awaits something
    RECEIVER = "receiver"  # a signal receiver: async when it awaits; ``response`` is the response
    PLAIN = "plain"  # async when it awaits something

    @property
    def always_async(self) -> bool:
        return self in _ALWAYS_ASYNC

    @property
    def must_stay_sync(self) -> bool:
        return self in (Role.SYNC_HOOK, Role.CLI, Role.ENTRY)


_ALWAYS_ASYNC = frozenset({Role.VIEW, Role.HOOK, Role.RESPONSE_HOOK, Role.WRAPPER, Role.STREAM})


@dataclass(slots=True)
class FunctionFacts:
    qualname: str
    line: int
    already_async: bool
    role: Role = Role.PLAIN
    #: Its own body needs an await (a Flask API, a test-client call, an async ``with``...).
    direct: bool = False
    #: Project functions it calls (``module:qualname``), outside lambdas.
    calls: set[str] = field(default_factory=set)
    #: Calls through a test/fixture parameter, settled once fixtures are known: (param, attr).
    param_calls: set[tuple[str, str]] = field(default_factory=set)
    #: What it returns, when it is a tracked kind (``k:...``) or another project call (``r:...``).
    returns: str | None = None
    is_generator: bool = False
    #: A ``yield from`` that is not a statement of its own: such a generator cannot turn async.
    complex_yield_from: bool = False
    #: What a yield fixture provides (``yield client``).
    yields: str | None = None
    #: Has a ``return <value>``: as a generator it could not become an async generator.
    returns_value: bool = False
    #: Reads the body of a parameter called ``response`` (matters once it is a signal receiver).
    response_reads: bool = False
    params: tuple[str, ...] = ()
    #: Names bound in its own scope (parameters, assignments, imports, nested defs...).
    local_names: frozenset[str] = frozenset()
    #: Project functions that are view decorators applied to it: (``module:qualname``).
    decorators: tuple[str, ...] = ()
    #: Names imported inside the function: local name -> dotted or ``module:qualname``.
    local_imports: dict[str, str] = field(default_factory=dict)
    #: ``monkeypatch.setattr`` fakes: (target ``module:qualname``, fake name in this scope).
    fakes: tuple[tuple[str, str], ...] = ()
    #: Blocking HTTP calls it makes where an ``await`` could go (``requests.get``...): F2Q117.
    sync_http_calls: tuple[str, ...] = ()
    #: Its callers cannot await it: a property getter, an ``lru_cache``/``cache`` function.
    sync_required: bool = False
    #: A ``@property``/``@cached_property`` getter: read as an attribute.
    is_property: bool = False
    #: Project calls whose result it hands to another call (``asyncio.run(main())``): not awaited.
    passed_calls: set[str] = field(default_factory=set)
    #: Arguments of tracked kinds it passes to project functions: (callee ``module:qualname``,
    #: parameter position or keyword, value). The value flow into the callee's parameters.
    arg_flows: list[tuple[str, int | str, str]] = field(default_factory=list)
    #: Kinds its parameters are declared with (``response: TestResponse``) or were given by the
    #: analysis (call sites, fixtures): what both passes bind the parameter to.
    param_kinds: dict[str, str] = field(default_factory=dict)
    #: Parameters holding a test response whose body it reads (``response.get_data()``): where it
    #: must stay sync (``__init__``, a property), callers hand it a read snapshot (F2Q210).
    body_read_params: set[str] = field(default_factory=set)
    #: Parameters whose ``.request``/``.history`` it reads (``resp.request.path`` in a test helper):
    #: a test response handed to one must come from F2Q129's ``_f2q_open``.
    request_read_params: set[str] = field(default_factory=set)


@dataclass(slots=True)
class ClassFacts:
    qualname: str
    bases: tuple[str, ...]  # values (``q:...``) of the base expressions
    #: ``self.<attr> = <tracked kind>`` in its methods (``self.client = app.test_client()``)
    attrs: dict[str, str] = field(default_factory=dict)
    #: Methods bound under a second name in the class body (``error = make_error``).
    aliases: dict[str, str] = field(default_factory=dict)
    #: Methods the class body hands to ``property()``/``cached_property()``: read, never awaited.
    property_getters: tuple[str, ...] = ()
    #: Methods of a tracked object kept on ``self`` replaced in its methods
    #: (``self.client.get = wrap(self.client.get)``): ``"client.get"`` -> (what replaces it, the
    #: ``module:qualname`` of the method that does it).
    patches: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(slots=True)
class ModuleFacts:
    module: str
    path: str
    imports: dict[str, str]  # local name -> dotted or ``module:qualname``
    functions: dict[str, FunctionFacts]
    classes: dict[str, ClassFacts]
    uses_flask: bool
    is_test: bool
    #: Functions registered by call (``app.teardown_appcontext(close_db)``): (target, role).
    registered: list[tuple[str, Role]]
    #: Inner ``functools.wraps`` wrappers: decorator ``module:qualname`` -> wrapper qualname.
    wrappers: dict[str, str]
    #: Generator functions passed as ``stream_with_context(gen())``: ``module:qualname``.
    stream_wrapped: list[str] = field(default_factory=list)
    #: Project functions handed to sync code that calls them (``max(xs, key=f)``,
    #: ``json.dumps(o, default=f)``, ``re.sub(p, f, s)``): they must stay sync.
    sync_callbacks: list[str] = field(default_factory=list)
    #: Project functions listed together (``CHECKS = [check_a, check_b]``): called alike, one colour.
    callable_lists: list[tuple[str, ...]] = field(default_factory=list)
    #: Decorators listed in a View class's ``decorators = [...]``: ``module:qualname``.
    view_class_decorators: list[str] = field(default_factory=list)
    #: Module-level objects a Flask extension's class built: ``db = SQLAlchemy()`` gives
    #: ``{"db": "flask_sqlalchemy.SQLAlchemy"}`` (the F2Q3xx rules follow them across modules).
    instances: dict[str, str] = field(default_factory=dict)
    #: Module-level names bound to a list of project functions (``CHECKS = [check_a, check_b]``):
    #: name -> its value (``e:q:m:check_a``), for the modules that import it.
    listed_callables: dict[str, str] = field(default_factory=dict)
    #: Builds a ``Flask``/``Quart`` app (F2Q117 sets up its HTTP client there).
    creates_app: bool = False
    #: Attributes the app sets on Flask's per-request objects: (``k:request``/``k:g``, attr, value).
    global_attrs: list[tuple[str, str, str]] = field(default_factory=list)
    #: Value flows made outside any function (module-level calls, decorator applications):
    #: (callee ``module:qualname``, parameter position or keyword, value), as in ``arg_flows``.
    module_flows: list[tuple[str, int | str, str]] = field(default_factory=list)
    #: Functions decorated with what may be an extension's callback registration
    #: (``@auth.verify_password``): (qualname, decorator value), settled in :func:`decide`.
    extension_callbacks: list[tuple[str, str]] = field(default_factory=list)
    #: Module-level names -> the tracked kind they hold (``k:app``, ``k:test_client``,
    #: ``k:ext:...``, ``k:obj:...``); ``""`` where its bindings disagree or one is unknown.
    kinds: dict[str, str] = field(default_factory=dict)
    #: Project modules it star-imports (``from .core import *``): their names are its names too.
    star_imports: list[str] = field(default_factory=list)
    #: Uses ``request.headers`` as a whole somewhere: iterates or copies it, passes it on, keeps it
    #: in a name, asks for ``Remote-Addr`` or a name only known at run time (anything but a lookup
    #: of one constant header name): Quart's own ``Remote-Addr`` would show (F2Q130).
    reads_request_headers: bool = False
    #: Names the ``Content-Length`` header (a constant, any case) or reads ``.content_length``: the
    #: suite's test requests carry Content-Length as Werkzeug's client sends it (F2Q216).
    content_length: bool = False
    #: Project functions bound by ``functools.partial(f, ...)`` here: the value flow follows the
    #: partial as ``f``, but it may reach calls the analysis cannot see (F2Q136).
    partial_targets: set[str] = field(default_factory=set)


@dataclass
class ProjectAnalysis:
    """What the per-file rules read. Picklable: it is sent to every worker once."""

    modules: dict[str, ModuleFacts]  # by path
    #: ``module:qualname`` of every function that is (or becomes) ``async def``.
    async_functions: set[str]
    #: Those of them whose calls are awaited: async generators are iterated, never awaited.
    awaitable_functions: set[str]
    #: ``module:qualname`` -> final role.
    roles: dict[str, Role]
    #: fixture name -> value of what it provides (``k:test_client``, ``k:obj:...``).
    fixtures: dict[str, str]
    #: every fixture the project defines (what it gives may be unknown)
    fixture_names: set[str]
    #: ``module:qualname`` -> value of what it returns.
    returns: dict[str, str]
    #: view decorator ``module:qualname`` -> its wrapper's ``module:qualname``.
    wrappers: dict[str, str]
    #: project modules by dotted name
    module_names: set[str]
    #: generator functions passed as ``stream_with_context(gen())``
    stream_wrapped: set[str] = field(default_factory=set)
    #: ``module:Class`` -> {attribute: value} set on ``self`` in its methods
    class_attrs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: every project class, ``module:Class``
    class_names: set[str] = field(default_factory=set)
    #: ``module:qualname`` -> {parameter: value} its parameters hold (annotations, call sites,
    #: fixtures): both passes bind them.
    param_kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ``k:request``/``k:g`` -> {attribute: value} the app stores on them (``request.formatter``).
    global_attrs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ``unittest.TestCase`` subclasses (``module:Class``) with an async method anywhere below them
    #: in the project's class tree, across modules: they become ``IsolatedAsyncioTestCase``.
    async_test_roots: set[str] = field(default_factory=set)
    #: Project classes built on an extension base whose Quart port is async (``forms:LoginForm`` ->
    #: ``flask_wtf.FlaskForm``): built with ``await Class.create_form()``.
    extension_classes: dict[str, str] = field(default_factory=dict)
    #: Functions that run on the event loop once ported (async ones and what they call), outside
    #: test modules: a blocking call there stalls every request (F2Q117).
    on_loop: set[str] = field(default_factory=set)
    #: Dotted name of the requests-compatible module F2Q117 generates (``--http-client aiohttp``).
    http_client_module: str | None = None
    #: ``--db-calls``: ``"loop"`` (Flask-SQLAlchemy's calls stay where they are) or ``"run-sync"``
    #: (F2Q321 moves those made in async code to a worker thread)
    db_calls: str = "loop"
    #: ``module:name`` of module-level extension objects (and their re-exports) -> their class:
    #: ``{"app.ext:auth": "flask_httpauth.HTTPBasicAuth"}``.
    extension_objects: dict[str, str] = field(default_factory=dict)
    #: ``module:name`` of module-level lists of project functions (and their re-exports) -> value.
    listed_callables: dict[str, str] = field(default_factory=dict)
    #: Functions that must stay sync and read the body of a test response handed to them:
    #: ``module:qualname`` -> those parameters (name -> position among its parameters). Callers
    #: pass a read snapshot instead (F2Q210).
    snapshot_params: dict[str, dict[str, int]] = field(default_factory=dict)
    #: ``module:Class`` -> {``"client.get"``: (the project function now called instead, the method
    #: that replaces it)}: the replacements made while the class sets up (``setUp`` and what it
    #: calls), so in force in its tests. A call gives what that function returns.
    class_patches: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    #: Attribute name -> the kind it gives on a receiver of unknown class: a property only one
    #: project class defines under that name, of a kind in ``values.DUCK_KINDS`` (``ext.jinja_env``).
    duck_properties: dict[str, str] = field(default_factory=dict)
    #: Project functions already ``async def`` (not generators): a sync function calls one and uses
    #: the result only in a tree a previous run left half ported, so such calls are awaited there.
    resumable: set[str] = field(default_factory=set)
    #: ``module:name`` of module-level names of a tracked kind, and their re-exports (``from .core
    #: import app``, ``from .core import *``) -> that kind: ``from app import app`` is the app.
    module_kinds: dict[str, str] = field(default_factory=dict)
    #: Paths of the test modules whose test-client requests go through F2Q129's ``_f2q_open``:
    #: a response they make reaches a parameter whose ``.request``/``.history`` is read elsewhere.
    request_reading_modules: set[str] = field(default_factory=set)

    def module_for(self, path: str) -> ModuleFacts | None:
        return self.modules.get(path)

    @functools.cached_property
    def handed_on_async(self) -> set[str]:
        """Async project functions handed on as values the analysis follows only so far: bound by
        ``functools.partial`` or a method returned by a function (``return self.handle``), in the
        app's code (F2Q136)."""
        app_modules = {facts.module for facts in self.modules.values() if not facts.is_test}
        handed = {target for facts in self.modules.values() if not facts.is_test for target in facts.partial_targets}
        handed |= {  # not a decorator's own wrapper: the analysis follows those (view wrappers)
            V.bound_method(value) or "" for name, value in self.returns.items() if name.partition(":")[0] in app_modules
        }
        hooks = {name for name, role in self.roles.items() if role in (Role.HOOK, Role.RESPONSE_HOOK)}
        return (handed & self.awaitable_functions) - hooks  # a hook's partial is Quart's to await

    @functools.cached_property
    def classes(self) -> dict[str, ClassFacts]:
        """Every project class by ``module:qualname``, built once per analysis (kept on it: a
        cache keyed by ``id()`` would answer for an earlier analysis whose id was reused)."""
        return {f"{facts.module}:{qual}": klass for facts in self.modules.values() for qual, klass in facts.classes.items()}


@dataclass(frozen=True)
class FlowInputs:
    """What the rest of the project tells one module's scan (settled by :func:`decide`).

    ``params``: ``qualname`` -> {parameter: value} flowing in from call sites and fixtures;
    ``attrs``: ``k:obj:module:Class`` -> {attribute: value} set on ``self`` anywhere in its MRO;
    ``returns``: what the project functions it calls return."""

    params: dict[str, dict[str, str]] = field(default_factory=dict)
    attrs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ``module:qualname`` of a project function it calls -> the kind that call returns
    returns: dict[str, str] = field(default_factory=dict)
    #: ``k:obj:module:Class`` -> its ``class_patches`` (see :class:`ProjectAnalysis`)
    patches: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    #: ``ProjectAnalysis.duck_properties``
    duck: dict[str, str] = field(default_factory=dict)
    #: ``ProjectAnalysis.module_kinds`` of the modules it imports from
    globals: dict[str, str] = field(default_factory=dict)


#: Dunder methods Python itself may await: they can be ``async def``.
_ASYNC_DUNDERS = frozenset({"__call__", "__aenter__", "__aexit__", "__aiter__", "__anext__", "__await__"})


def is_sync_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4 and name not in _ASYNC_DUNDERS


def is_testcase(klass: ClassFacts) -> bool:
    return any(b in ("q:unittest.TestCase", "q:unittest.case.TestCase") for b in klass.bases)


def based_on(name: str, classes: dict[str, ClassFacts], outside: Callable[[str], bool]) -> bool:
    """Class ``name`` (``module:qualname``) has, directly or through project bases, a base outside
    the project for which ``outside`` holds (``q:flask.Request``...)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        klass = classes.get(todo.pop())
        for base in klass.bases if klass is not None else ():
            if outside(base):
                return True
            project = V.project_name(base)
            if project and project not in seen:
                seen.add(project)
                todo.append(project)
    return False


def inherited(call: str, classes: dict[str, ClassFacts], functions: dict[str, FunctionFacts]) -> str | None:
    """The project method ``self.method()`` reaches through the class's project base classes (and
    a second name bound in a class body: ``error = make_error``)."""
    owner, _, method = call.rpartition(".")
    seen: set[str] = set()
    todo = [owner]
    while todo:
        current = todo.pop(0)
        klass = classes.get(current)
        if klass is None:
            continue
        if method in klass.aliases and f"{current}.{klass.aliases[method]}" in functions:
            return inherited(f"{owner}.{klass.aliases[method]}", classes, functions) or f"{current}.{klass.aliases[method]}"
        for base in klass.bases:
            base_name = V.project_name(base)
            if base_name is None or base_name in seen:
                continue
            seen.add(base_name)
            if f"{base_name}.{method}" in functions:
                return f"{base_name}.{method}"
            todo.append(base_name)
    return None
