#!/usr/bin/env python3
"""Record what ansible-core renders for every case of the Jinja2 corpus.

Usage: python3 scripts/record-jinja-corpus.py [--out DIR] [CORPUS_FILE ...]

Reads test/template/corpus/*.yml (or the files given), runs every case through a real
ansible-playbook, and writes test/template/corpus/recorded/<file>.json.

How a case is rendered, so that the result is what a playbook task sees:

- expression: a task `debug: msg: <expression>`. ansible-core templates every task argument in
  the task executor before the action plugin runs, the same way for every module; the debug
  action copies `msg` into its result unchanged, so the recorded value (and its Python type) is
  exactly what a module would have received as that argument.
- condition: a task `debug:` with `when: <condition>`. ok means true, skipped means false, and a
  failure means the condition could not be evaluated.
- template: the `template` module rendering the case's text (written byte for byte to a .j2
  file) to a file in a scratch directory; the recorded text is that file's content. This is
  ansible's own template action with its defaults (trim_blocks, preserved trailing newline, ...).

Each case's variables are the task's `vars:`. A case may also bring an inventory (hosts, groups,
group_vars, host_vars) or a role (defaults, vars; its task and template then live in the role):
those are written as real files, so ansible reads them as it reads any inventory or role.

Every task has `ignore_errors: true`, so a case that fails is recorded as an error (the first
line of ansible's message) and the run goes on. A callback plugin captures each task's result
as ansible's own Python objects, so types (str, int, bool, list, dict) are recorded as they are.
A first task of every run records the magic variables ansible had (groups, group_names).

The run is isolated from the machine's ansible setup: ANSIBLE_* variables are dropped, a generated
ansible.cfg is used (ANSIBLE_CONFIG), HOME points into the scratch directory, and facts are not
gathered. The recorded files name the ansible-playbook command line and that ansible.cfg, with the
scratch directory written as $WORK.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping


def _reexec_with_ansibles_python() -> None:
    """Runs again under the interpreter ansible-playbook runs with, when this one lacks ansible."""
    playbook = shutil.which("ansible-playbook")
    if playbook:
        with open(playbook, "rb") as f:
            shebang = f.readline().decode().strip()
        if shebang.startswith("#!"):
            words = shebang[2:].split()
            python = words[-1] if words else ""
            if os.path.isabs(python) and os.path.realpath(python) != os.path.realpath(sys.executable):
                os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("record-jinja-corpus: ansible-core is not importable and ansible-playbook was not found")


try:
    import jinja2
    from ansible import __version__ as ANSIBLE_VERSION
    from ansible.parsing.yaml.loader import AnsibleLoader
except ImportError:
    _reexec_with_ansibles_python()

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_DIR = os.path.join(ROOT, "test", "template", "corpus")
RECORDED_DIR = os.path.join(CORPUS_DIR, "recorded")
KINDS = ("expression", "condition", "template")
CASE_KEYS = {"id", "description", "vars", "host", "inventory", "role", *KINDS}
WORK = "$WORK"

CALLBACK = r'''
import json
import os
from collections.abc import Mapping

from ansible.plugins.callback import CallbackBase


def _type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def _plain(value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return {"__python_type__": type(value).__name__, "repr": repr(value)}


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "corpus_recorder"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._path = os.environ["CORPUS_RECORD_FILE"]

    def _emit(self, result, status):
        record = {"task": result._task.name, "host": result._host.get_name(), "status": status}
        res = result._result
        if status == "ok" and "msg" in res:
            record["type"] = _type(res["msg"])
            record["value"] = _plain(res["msg"])
        if status in ("failed", "unreachable"):
            record["msg"] = str(res.get("msg", ""))
            if not record["msg"].strip() and res.get("exception"):
                # Some Python errors (ZeroDivisionError) leave msg empty: take the exception's last line.
                lines = [line for line in str(res["exception"]).splitlines() if line.strip()]
                record["msg"] = lines[-1].strip() if lines else ""
        with open(self._path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def v2_runner_on_ok(self, result):
        self._emit(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._emit(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._emit(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._emit(result, "unreachable")
'''

ANSIBLE_CFG = """[defaults]
callback_plugins = {work}/callback_plugins
callbacks_enabled = corpus_recorder
roles_path = {work}/roles
interpreter_python = {python}
retry_files_enabled = False
gathering = explicit
host_key_checking = False
nocolor = True
"""


def die(message: str) -> None:
    print(f"record-jinja-corpus: {message}", file=sys.stderr)
    sys.exit(1)


def plain(value):
    """Ansible's YAML objects as plain JSON-able Python values."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    die(f"cannot represent {type(value).__name__} in JSON: {value!r}")


def load_corpus(path: str) -> list[dict]:
    # Ansible's own YAML loader: the variables mean to ansible what they mean in a playbook.
    with open(path, encoding="utf-8") as f:
        data = AnsibleLoader(f.read(), file_name=path).get_single_data()
    data = plain(data)
    cases = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(cases, list):
        die(f"{path}: expected a list of cases (or a map with 'cases:')")
    seen = set()
    for case in cases:
        where = f"{path}: case {case.get('id', '?')!r}"
        if not isinstance(case, dict) or not isinstance(case.get("id"), str):
            die(f"{where}: every case needs a string id")
        if case["id"] in seen:
            die(f"{where}: duplicate id")
        seen.add(case["id"])
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", case["id"]):
            die(f"{where}: ids are lowercase words joined by '-'")
        unknown = set(case) - CASE_KEYS
        if unknown:
            die(f"{where}: unknown keys {sorted(unknown)}")
        kinds = [k for k in KINDS if k in case]
        if len(kinds) != 1:
            die(f"{where}: needs exactly one of {', '.join(KINDS)}")
        if not isinstance(case[kinds[0]], str):
            die(f"{where}: {kinds[0]} must be a string")
        if not isinstance(case.get("description"), str):
            die(f"{where}: needs a description")
        if not isinstance(case.get("vars", {}), dict):
            die(f"{where}: vars must be a map")
        case["kind"] = kinds[0]
    return cases


def case_task(case: dict, template_src: str | None, out_dir: str) -> dict:
    task: dict = {"name": case["id"], "ignore_errors": True}
    if case.get("vars"):
        task["vars"] = case["vars"]
    kind = case["kind"]
    if kind == "expression":
        task["debug"] = {"msg": case["expression"]}
    elif kind == "condition":
        task["debug"] = {"msg": "condition held"}
        task["when"] = case["condition"]
    else:
        task["template"] = {"src": template_src, "dest": os.path.join(out_dir, case["id"])}
    return task


def role_name(case: dict) -> str:
    return "corpus_" + case["id"].replace("-", "_")


def write_json(path: str, data) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_inventory(work: str, case: dict | None) -> str:
    """An inventory directory: hosts.yml plus group_vars/ and host_vars/ files."""
    inv_dir = os.path.join(work, "inventory")
    inv = (case or {}).get("inventory") or {}
    hosts = inv.get("hosts") or {"localhost": {}}
    groups = inv.get("groups") or {}
    children = {name: {"hosts": {h: None for h in members}} for name, members in groups.items()}
    tree: dict = {"all": {"hosts": {h: None for h in hosts}}}
    if children:
        tree["all"]["children"] = children
    write_json(os.path.join(inv_dir, "hosts.yml"), tree)
    for host, host_vars in hosts.items():
        if host_vars:
            write_json(os.path.join(inv_dir, "host_vars", f"{host}.yml"), host_vars)
    for group, group_vars in (inv.get("group_vars") or {}).items():
        write_json(os.path.join(inv_dir, "group_vars", f"{group}.yml"), group_vars)
    return inv_dir


MAGIC_EXPRESSION = "{{ {'groups': groups, 'group_names': group_names} }}"


def run_playbook(work: str, cases: list[dict], host: str, inventory_case: dict | None) -> tuple[dict, dict, str]:
    """Runs one playbook for these cases; returns (records by task name, magic vars, command)."""
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "callback_plugins"))
    write_text(os.path.join(work, "callback_plugins", "corpus_recorder.py"), CALLBACK)
    write_text(os.path.join(work, "ansible.cfg"), ANSIBLE_CFG.format(work=work, python=sys.executable))
    inv_dir = write_inventory(work, inventory_case)
    out_dir = os.path.join(work, "out")
    os.makedirs(out_dir)

    tasks = [{"name": "__magic__", "debug": {"msg": MAGIC_EXPRESSION}}]
    for case in cases:
        if case.get("role"):
            role = case["role"]
            role_dir = os.path.join(work, "roles", role_name(case))
            if role.get("defaults"):
                write_json(os.path.join(role_dir, "defaults", "main.yml"), role["defaults"])
            if role.get("vars"):
                write_json(os.path.join(role_dir, "vars", "main.yml"), role["vars"])
            src = None
            if case["kind"] == "template":
                write_text(os.path.join(role_dir, "templates", f"{case['id']}.j2"), case["template"])
                src = f"{case['id']}.j2"
            write_json(os.path.join(role_dir, "tasks", "main.yml"), [case_task(case, src, out_dir)])
            tasks.append({"name": f"__role__ {case['id']}", "include_role": {"name": role_name(case)}})
        else:
            src = None
            if case["kind"] == "template":
                src = os.path.join(work, "templates", f"{case['id']}.j2")
                write_text(src, case["template"])
            tasks.append(case_task(case, src, out_dir))

    playbook = os.path.join(work, "playbook.yml")
    write_json(playbook, [{"name": "corpus", "hosts": host, "gather_facts": False, "tasks": tasks}])

    record_file = os.path.join(work, "records.jsonl")
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("ANSIBLE_"):
            del env[key]
    env.update(
        ANSIBLE_CONFIG=os.path.join(work, "ansible.cfg"),
        CORPUS_RECORD_FILE=record_file,
        LC_ALL="C.UTF-8",
        HOME=os.path.join(work, "home"),
    )
    argv = ["ansible-playbook", "-i", inv_dir, "-c", "local", playbook]
    proc = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True)
    records: dict = {}
    if os.path.exists(record_file):
        with open(record_file, encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                records[record["task"]] = record
    magic = records.get("__magic__")
    if proc.returncode not in (0, 2) or magic is None or magic["status"] != "ok":
        sys.stderr.write(proc.stdout + proc.stderr)
        die(f"ansible-playbook failed (exit {proc.returncode}) for {[c['id'] for c in cases]}")

    for case in cases:
        record = records.get(case["id"])
        if record is None:
            sys.stderr.write(proc.stdout + proc.stderr)
            die(f"no result recorded for case {case['id']!r}")
        if case["kind"] == "template" and record["status"] == "ok":
            with open(os.path.join(out_dir, case["id"]), "rb") as f:
                record["bytes"] = f.read()
    command = " ".join(argv).replace(work, WORK)
    return records, magic["value"], f"ANSIBLE_CONFIG={WORK}/ansible.cfg LC_ALL=C.UTF-8 {command}"


def first_line(message: str, work: str) -> str:
    message = message.replace(work, WORK)
    for line in message.splitlines():
        if line.strip():
            return line.strip()
    return ""


def result_of(case: dict, record: dict, work: str) -> dict:
    status = record["status"]
    if status in ("failed", "unreachable"):
        return {"error": first_line(record.get("msg", ""), work)}
    if case["kind"] == "expression":
        if status != "ok" or "type" not in record:
            die(f"case {case['id']!r}: debug gave no msg (status {status})")
        return {"type": record["type"], "value": record["value"]}
    if case["kind"] == "condition":
        if status not in ("ok", "skipped"):
            die(f"case {case['id']!r}: unexpected status {status}")
        return {"type": "bool", "value": status == "ok"}
    data = record["bytes"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        die(f"case {case['id']!r}: the rendered template is not UTF-8")
    return {"type": "string", "value": text}


def record_file(path: str, work: str, recorded_dir: str) -> str:
    cases = load_corpus(path)
    plain_cases = [c for c in cases if not c.get("inventory")]
    runs: list[tuple[list[dict], str, dict | None]] = []
    hosts = {c.get("host", "localhost") for c in plain_cases}
    if hosts - {"localhost"}:
        die(f"{path}: a case with a host other than localhost needs an inventory")
    if plain_cases:
        runs.append((plain_cases, "localhost", None))
    for case in cases:
        if case.get("inventory"):
            host = case.get("host")
            if not host or host not in (case["inventory"].get("hosts") or {}):
                die(f"{path}: case {case['id']!r} needs a host: of its inventory")
            runs.append(([case], host, case))

    results: dict = {}
    magic_by_case: dict = {}
    commands: list[str] = []
    for run_cases, host, inventory_case in runs:
        records, magic, command = run_playbook(work, run_cases, host, inventory_case)
        if command not in commands:
            commands.append(command)
        for case in run_cases:
            results[case["id"]] = result_of(case, records[case["id"]], work)
            magic_by_case[case["id"]] = magic

    out_cases = []
    for case in cases:
        entry = {"id": case["id"], "kind": case["kind"], "description": case["description"]}
        entry["input"] = {k: case[k] for k in case if k not in ("id", "description", "kind")}
        # What ansible had for these magic variables when it ran the case.
        entry["magic"] = {"inventory_hostname": case.get("host", "localhost"), **magic_by_case[case["id"]]}
        entry["result"] = results[case["id"]]
        out_cases.append(entry)

    name = os.path.splitext(os.path.basename(path))[0]
    out_path = os.path.join(recorded_dir, f"{name}.json")
    relative = os.path.relpath(path, ROOT)
    write_json(
        out_path,
        {
            "corpus": relative,
            "recorded_by": "python3 scripts/record-jinja-corpus.py",
            "ansible_core": ANSIBLE_VERSION,
            "jinja2": jinja2.__version__,
            "python": sys.version.split()[0],
            "ansible_playbook": {
                "commands": commands,
                "runs": len(runs),
                "runs_are": "one run for the cases without an inventory of their own, one more per case with one",
            },
            "ansible_cfg": ANSIBLE_CFG.format(work=WORK, python=sys.executable),
            "cases": out_cases,
        },
    )
    return out_path


def main(argv: list[str]) -> None:
    recorded_dir = RECORDED_DIR
    if argv[:1] == ["--out"]:
        if len(argv) < 2:
            die("--out needs a directory")
        recorded_dir, argv = os.path.abspath(argv[1]), argv[2:]
    paths = argv or sorted(glob.glob(os.path.join(CORPUS_DIR, "*.yml")) + glob.glob(os.path.join(CORPUS_DIR, "*.json")))
    if not paths:
        die(f"no corpus files in {CORPUS_DIR}")
    base = tempfile.mkdtemp(prefix="jinja-corpus-")
    try:
        for path in paths:
            out = record_file(os.path.abspath(path), os.path.join(base, "work"), recorded_dir)
            with open(out, encoding="utf-8") as f:
                count = len(json.load(f)["cases"])
            print(f"{os.path.relpath(out)}: {count} cases")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
