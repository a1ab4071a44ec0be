"""The value flow across the project, on the module summaries (see docs/design.md).

What call sites, fixtures and stores on ``request``/``g`` give each function's parameters and each
class's attributes (:func:`flow_inputs`, fed back into a module's scan), and the constraints the
async colouring honours: functions that must share one colour (:func:`callable_groups`) and
functions that must stay sync with what they call (:func:`forced_sync`).
"""

from __future__ import annotations

from . import values as V
from .facts import (
    ClassFacts,
    FlowInputs,
    FunctionFacts,
    ModuleFacts,
    ProjectAnalysis,
    Role,
    based_on,
    inherited,
    is_sync_dunder,
    is_testcase,
)


def flow_inputs(analysis: ProjectAnalysis) -> dict[str, FlowInputs]:
    """What each module's scan should know from the rest of the project (see :class:`FlowInputs`)."""
    functions = {
        f"{facts.module}:{qual}": (facts, func) for facts in analysis.modules.values() for qual, func in facts.functions.items()
    }
    classes = {
        f"{facts.module}:{qual}": klass for facts in analysis.modules.values() for qual, klass in facts.classes.items()
    }
    facts_of = {name: func for name, (_, func) in functions.items()}
    incoming: dict[str, dict[str, set[str]]] = {}
    callers = [*functions.items(), *((f"{m.module}:", (m, FunctionFacts("", 0, False, arg_flows=m.module_flows))) for m in analysis.modules.values())]
    for name, (_, func) in callers:
        role = analysis.roles.get(name, Role.PLAIN)
        for target, slot, value in func.arg_flows:
            kind = _settled(value, func, role, analysis)
            if not kind:
                continue
            if target not in functions:
                target = inherited(target, classes, facts_of) or target
            if target not in functions:
                continue
            params = functions[target][1].params
            param = (params[slot] if slot < len(params) else None) if isinstance(slot, int) else slot
            if param and param in params:
                incoming.setdefault(target, {}).setdefault(param, set()).add(kind)
        if role in (Role.TEST, Role.FIXTURE):  # what the fixtures it asks for give
            for param in func.params:
                # a plugin's fixture (pytest-flask's ``client``) is known by its name, as in the rules
                given = analysis.fixtures.get(param) if param in analysis.fixture_names else V.name_value(param, in_tests=True)
                if given and given.startswith("k:"):
                    incoming.setdefault(name, {}).setdefault(param, set()).add(given)
    factories = {name for name, value in analysis.returns.items() if V.is_project(value)}
    for target, snapshots in analysis.snapshot_params.items():
        for param in snapshots:  # it reads a snapshot its callers take (F2Q210)
            incoming.setdefault(target, {})[param] = {V.TEST_RESPONSE_SNAPSHOT}
    inputs: dict[str, FlowInputs] = {}
    for facts in analysis.modules.values():
        params = {
            qual: {param: chosen for param, kinds in flows.items() if (chosen := _one_kind(kinds))}
            for qual in facts.functions
            if (flows := incoming.get(f"{facts.module}:{qual}"))
        }
        wanted = {f"{facts.module}:{qual}" for qual in facts.classes} | {
            target for target in facts.imports.values() if target in classes
        }
        attrs = {
            f"k:obj:{name}": merged
            for name in sorted(wanted)
            if (merged := analysis.class_attrs.get(name)) and merged != classes[name].attrs
        }
        attrs.update(analysis.global_attrs)
        returns = {
            call: analysis.returns[call]
            for call in (
                *(call for func in facts.functions.values() for call in func.calls),
                # its own factories, for calls outside functions: ``class Case(Base, Mixin.create_from(X))``
                *(f"{facts.module}:{qual}" for qual in facts.functions if f"{facts.module}:{qual}" in factories),
            )
            if call in analysis.returns and analysis.returns[call] != "k:?"
        }
        patches = {
            f"k:obj:{facts.module}:{qual}": found
            for qual in facts.classes
            if (found := analysis.class_patches.get(f"{facts.module}:{qual}"))
        }
        for found in patches.values():  # a replaced method's call gives what its wrapper returns
            for wrapper, _ in found.values():
                if wrapper in analysis.returns and analysis.returns[wrapper] != "k:?":
                    returns[wrapper] = analysis.returns[wrapper]
        inputs[facts.path] = FlowInputs(
            {q: p for q, p in params.items() if p}, attrs, returns, patches, analysis.duck_properties,
            _imported_kinds(facts, analysis.module_kinds),
        )
    return inputs


def _imported_kinds(facts: ModuleFacts, kinds: dict[str, str]) -> dict[str, str]:
    """The module-level kinds of other modules this one imports, by name (``from app import app``)
    or through their module (``import app`` then ``app.app``), at module level or in a function."""
    targets = {*facts.imports.values(), *(t for func in facts.functions.values() for t in func.local_imports.values())}
    modules = {target[:-1] for target in targets if target.endswith(":")}
    return {
        name: kind
        for name, kind in kinds.items()
        if (name in targets or name.partition(":")[0] in modules) and not name.startswith(f"{facts.module}:")
    }


def _one_kind(kinds: set[str]) -> str | None:
    """The value a parameter holds when its call sites agree; functions handed to it are coloured
    alike (:func:`_callable_groups`), so any of them stands for all."""
    if len(kinds) == 1:
        return next(iter(kinds))
    if all(k.startswith("b:k:obj:") or V.is_project(k) for k in kinds):
        return min(kinds)
    if len({V.call_step(k) for k in kinds}) == 1 and all(k.startswith("b:k:") for k in kinds):
        return min(kinds)  # ``client.get`` or ``client.post``: Quart treats their calls alike
    return None


def _settled(value: str, caller: FunctionFacts, role: Role, analysis: ProjectAnalysis) -> str | None:
    """What a flowing value is once the project is known: a kind (``k:...``) or ``None``."""
    if value.startswith("r:"):
        value = analysis.returns.get(value[2:], "")
    elif value.startswith("p:"):
        param = value[2:]
        value = caller.param_kinds.get(param, "")
        if not value and role in (Role.TEST, Role.FIXTURE) and param in analysis.fixture_names:
            value = analysis.fixtures.get(param, "")
    if (value.startswith("b:k:") and not value.startswith("b:k:?")) or V.is_project(value):
        return value
    return value if value.startswith("k:") and value != "k:?" else None


def global_attrs(modules: dict[str, ModuleFacts]) -> dict[str, dict[str, str]]:
    """What the app keeps on ``request``/``g``, where every store agrees (or stores project objects,
    whose calls :func:`_override_groups` colours alike)."""
    stored: dict[tuple[str, str], set[str]] = {}
    for facts in modules.values():
        for owner, attr, value in facts.global_attrs:
            stored.setdefault((owner, attr), set()).add(value)
    settled: dict[str, dict[str, str]] = {}
    for (owner, attr), values in stored.items():
        value = _one_kind(values)
        if value is None and all(v.startswith("k:obj:") for v in values):
            value = min(values)
        if value:
            settled.setdefault(owner, {})[attr] = value
    return settled


#: Methods Werkzeug/Quart call on an ``HTTPException`` without awaiting them.
_HTTP_EXCEPTION_HOOKS = frozenset({"get_response", "get_body", "get_headers", "get_description"})


def forced_sync(
    functions: dict[str, FunctionFacts],
    classes: dict[str, ClassFacts],
    roles: dict[str, Role],
    callees: dict[str, set[str]],
    groups: list[set[str]],
) -> set[str]:
    """Functions whose callers cannot await them, and what they call: they stay sync.

    Roots: property getters (``@property``, ``property(f)``), cached functions, dunders Python
    calls, the ``HTTPException`` methods Quart calls synchronously (``get_response``), generators
    that are not streamed bodies (their callers iterate them synchronously). Their project
    callees stay sync with them (a sync form is used where one exists, e.g. ``make_response(body)``,
    and anything else is reported on its line); functions Quart itself awaits (views, hooks) are
    never forced."""
    roots = {name for name, func in functions.items() if func.sync_required}
    # A plain generator (not a streamed body) is iterated by its callers with ``for``, ``list()``,
    # ``join``...: nothing turns those into ``async for``, so it stays a sync generator.
    roots.update(name for name, func in functions.items() if func.is_generator and roles[name] is Role.PLAIN)
    for cls, klass in classes.items():
        roots.update(f"{cls}.{getter}" for getter in klass.property_getters if f"{cls}.{getter}" in functions)
        if _http_exception(cls, classes):
            roots.update(f"{cls}.{hook}" for hook in _HTTP_EXCEPTION_HOOKS if f"{cls}.{hook}" in functions)
    for name in functions:
        owner, _, method = name.rpartition(".")
        if owner in classes and is_sync_dunder(method):
            roots.add(name)
    in_group = {member: group for group in groups for member in group}
    forced: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in forced or name not in functions or roles[name].always_async or functions[name].already_async:
            continue
        forced.add(name)
        todo.extend(callees.get(name, ()))
        todo.extend(in_group.get(name, ()))
    return forced


def _http_exception(name: str, classes: dict[str, ClassFacts]) -> bool:
    """Class ``name`` is a Werkzeug (or Flask/Quart) ``HTTPException``."""
    return based_on(name, classes, _is_http_exception)


def _is_http_exception(base: str) -> bool:
    return base.startswith("q:werkzeug.exceptions.") or (base.startswith(("q:flask.", "q:quart.")) and base.endswith("HTTPException"))


def async_test_roots(classes: dict[str, ClassFacts], asyncs: set[str]) -> set[str]:
    """``TestCase`` subclasses under which (themselves or any project subclass, in any module) a
    method is async: an ``async def`` test in a sync ``TestCase`` would never run."""
    children: dict[str, set[str]] = {}
    for name, klass in classes.items():
        for base in klass.bases:
            parent = V.project_name(base)
            if parent:
                children.setdefault(parent, set()).add(name)
    owners_async = {name.rpartition(".")[0] for name in asyncs}
    roots: set[str] = set()
    for name, klass in classes.items():
        if not is_testcase(klass):
            continue
        todo, seen = [name], {name}
        while todo:
            current = todo.pop()
            if current in owners_async:
                roots.add(name)
                break
            for child in children.get(current, ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
    return roots


def callable_groups(
    functions: dict[str, FunctionFacts],
    classes: dict[str, ClassFacts],
    module_flows: list[tuple[str, int | str, str]],
    lists: list[tuple[str, ...]] = [],  # noqa: B006 (read only)
) -> list[set[str]]:
    """Project functions handed to the same parameter (``check(self.get_a)``, ``check(self.get_b)``)
    or listed together (``CHECKS = [check_a, check_b]``): the code calls whichever it got, so they
    must all be awaited alike."""
    slots: dict[tuple[str, int | str], set[str]] = {}
    for target, slot, value in (*(flow for func in functions.values() for flow in func.arg_flows), *module_flows):
        member = V.bound_method(value) or V.project_name(value)
        if member and member not in functions:
            member = inherited(member, classes, functions)
        if member in functions:
            slots.setdefault((target, slot), set()).add(member)  # type: ignore[arg-type]
    listed = [{name for name in names if name in functions} for names in lists]
    return [group for group in [*slots.values(), *listed] if len(group) > 1] + _override_groups(functions, classes)


#: Methods unittest and Python call themselves: their colour is settled elsewhere (F2Q205, dunders).
_NOT_GROUPED = frozenset({"setUp", "tearDown", "setUpClass", "tearDownClass", "asyncSetUp", "asyncTearDown"})


def _override_groups(functions: dict[str, FunctionFacts], classes: dict[str, ClassFacts]) -> list[set[str]]:
    """A method and its overrides in project subclasses: a call through the base reaches any of them
    (``self.directory_listing_template()`` in the base, async in each mode), so one colour."""
    methods: dict[str, set[str]] = {}  # class -> its own method names
    for name in functions:
        owner, _, method = name.rpartition(".")
        if owner in classes and not method.startswith("__") and method not in _NOT_GROUPED:
            methods.setdefault(owner, set()).add(method)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for klass, own in methods.items():
        todo = [V.project_name(b) for b in classes[klass].bases]
        seen: set[str] = set()
        while todo:
            base = todo.pop()
            if not base or base in seen or base not in classes:
                continue
            seen.add(base)
            for method in own & methods.get(base, set()):
                parent[find(f"{klass}.{method}")] = find(f"{base}.{method}")
            todo.extend(V.project_name(b) for b in classes[base].bases)
    groups: dict[str, set[str]] = {}
    for member in parent:
        groups.setdefault(find(member), {find(member)}).add(member)
    return [group for group in groups.values() if len(group) > 1]


def merged_attrs(classes: dict[str, ClassFacts]) -> dict[str, dict[str, str]]:
    """``self.<attr>`` kinds of each class with those of its project bases (nearest wins)."""
    merged: dict[str, dict[str, str]] = {}
    for name in classes:
        attrs: dict[str, str] = {}
        seen = {name}
        order = [name]
        while order:
            current = classes.get(order.pop(0))
            if current is None:
                continue
            for attr, value in current.attrs.items():
                attrs.setdefault(attr, value)
            for base in current.bases:
                base_name = V.project_name(base)
                if base_name and base_name not in seen:
                    seen.add(base_name)
                    order.append(base_name)
        if attrs:
            merged[name] = attrs
    return merged


#: Methods that set a test case up before each test (their overrides call the base's).
_SET_UP = ("setUp", "asyncSetUp", "setup_method", "__init__")


def class_patches(
    classes: dict[str, ClassFacts], functions: dict[str, FunctionFacts], returns: dict[str, str]
) -> dict[str, dict[str, tuple[str, str]]]:
    """Per class, the methods of objects kept on ``self`` that its set-up replaces
    (``self.client.get = wrap(self.client.get)`` in a helper its ``setUp`` calls): in force in every
    other method of the class. Methods are looked up from the class itself (a helper of a base
    class called by a subclass's ``setUp``); a class whose set-up never calls it keeps the original."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for name in classes:
        mro = _mro(name, classes)
        made = {key: patch for base in reversed(mro) for key, patch in classes[base].patches.items()}
        if not made:
            continue
        reached = _set_up_reach(name, mro, classes, functions)
        active: dict[str, tuple[str, str]] = {}
        for key, (value, origin) in made.items():
            wrapper = returns.get(value[2:], "") if value.startswith("r:") else value
            wrapper_name = V.project_name(wrapper)
            if origin in reached and wrapper_name in functions:
                active[key] = (wrapper_name, origin)  # type: ignore[assignment]
        if active:
            found[name] = active
    return found


def _mro(name: str, classes: dict[str, ClassFacts]) -> list[str]:
    order, seen, todo = [], {name}, [name]
    while todo:
        current = todo.pop(0)
        order.append(current)
        for base in classes[current].bases:
            base_name = V.project_name(base)
            if base_name in classes and base_name not in seen:
                seen.add(base_name)
                todo.append(base_name)
    return order


def _set_up_reach(name: str, mro: list[str], classes: dict[str, ClassFacts], functions: dict[str, FunctionFacts]) -> set[str]:
    """The methods a test of class ``name`` runs while it is set up: the set-up methods along its
    bases and what they call on ``self`` (looked up from ``name``), transitively."""
    owners = set(mro)
    reached = {f"{klass}.{method}" for klass in mro for method in _SET_UP if f"{klass}.{method}" in functions}
    todo = list(reached)
    while todo:
        for call in functions[todo.pop()].calls:
            owner, _, method = call.rpartition(".")
            if owner not in owners:
                continue
            target = f"{name}.{method}" if f"{name}.{method}" in functions else inherited(f"{name}.{method}", classes, functions)
            if target and target not in reached:
                reached.add(target)
                todo.append(target)
    return reached


def subclasses(classes: dict[str, ClassFacts]) -> dict[str, set[str]]:
    """Project class -> the project classes that name it as a base."""
    children: dict[str, set[str]] = {}
    for name, klass in classes.items():
        for base in klass.bases:
            parent = V.project_name(base)
            if parent in classes:
                children.setdefault(parent, set()).add(name)  # type: ignore[arg-type]
    return children


def mixin_method(
    call: str, classes: dict[str, ClassFacts], functions: dict[str, FunctionFacts], children: dict[str, set[str]]
) -> str | None:
    """``self.request_context()`` in a mixin that does not define it: the method every class built on
    the mixin finds along its own bases (``class Case(TestBase, Mixin)`` gives the mixin
    ``TestBase.request_context``), when they agree."""
    owner, _, method = call.rpartition(".")
    found: set[str] = set()
    todo, seen = list(children.get(owner, ())), {owner}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        target = f"{name}.{method}" if f"{name}.{method}" in functions else inherited(f"{name}.{method}", classes, functions)
        if target and not target.startswith(f"{owner}."):
            found.add(target)
        todo.extend(children.get(name, ()))
    return found.pop() if len(found) == 1 else None


def request_reading_modules(
    modules: dict[str, ModuleFacts],
    functions: dict[str, FunctionFacts],
    classes: dict[str, ClassFacts],
    returns: dict[str, str],
) -> set[str]:
    """Paths of the test modules whose test-client requests must carry Flask's ``.request`` and
    ``.history`` (F2Q129): they hand a test response to a parameter that reads them in another
    function (``self.assertStatus(201, resp)`` with ``resp.request.path`` in a base class), or
    define a helper returning a test response one of those hands on (``resp = self.api_create()``).

    A function passing a parameter of its own on to such a parameter reads it as well."""
    readers = {name: {*func.request_read_params} for name, func in functions.items() if func.request_read_params}

    def reads(target: str, slot: int | str) -> bool:
        if target not in functions:
            target = inherited(target, classes, functions) or target
        read = readers.get(target)
        if not read:
            return False
        params = functions[target].params
        return (params[slot] if isinstance(slot, int) and slot < len(params) else slot) in read

    def handed(func: FunctionFacts) -> list[str]:
        """What it hands to reading parameters: flow values (``p:x``, ``r:...``, kinds)."""
        return [value for target, slot, value in func.arg_flows if reads(target, slot)]

    changed = True
    while changed:  # parameters passed on to a reader read too
        changed = False
        for name, func in functions.items():
            mine = readers.get(name, set())
            passed = {v[2:] for v in handed(func) if v.startswith("p:")}
            if V.TEST_RESPONSE in handed(func):  # a parameter of that kind may be the one passed on
                passed |= {p for p, kind in func.param_kinds.items() if kind == V.TEST_RESPONSE}
            if (new := (passed & set(func.params)) - mine):
                readers[name] = mine | new
                changed = True
    path_of = {facts.module: facts.path for facts in modules.values()}
    found: set[str] = set()
    for name, func in functions.items():
        given = handed(func)
        made = V.TEST_RESPONSE in given or any(v.startswith("r:") and returns.get(v[2:]) == V.TEST_RESPONSE for v in given)
        if not made:
            continue
        found.add(path_of[name.partition(":")[0]])
        for call in func.calls:  # the helpers it may have had the response from
            if call not in functions:
                call = inherited(call, classes, functions) or call
            if returns.get(call) == V.TEST_RESPONSE and call.partition(":")[0] in path_of:
                found.add(path_of[call.partition(":")[0]])
    for facts in modules.values():
        module_given = [value for target, slot, value in facts.module_flows if reads(target, slot)]
        if V.TEST_RESPONSE in module_given:
            found.add(facts.path)
    return {path for path in found if modules[path].is_test}
