/**
 * A small Python program run with a virtualenv's own interpreter (python -I -B: no bytecode is
 * written, nothing in the venv changes). `check` tells, for each requested package and for a
 * requirements file, whether the venv satisfies it; `record` writes the marker file after an install.
 *
 * What it compares:
 *  - a requirement (`flask==2.2.2`, `requests>=2`, `Flask[async]`): installed version against the
 *    specifier, with pip's own packaging library (names normalized as pip does);
 *  - a wheel file: the name and version in its file name;
 *  - a local directory: a checksum of its files (build output left out) against the one recorded
 *    in the marker at the last install;
 *  - a requirements file: each plain requirement line as above; when it has other lines (-e, URLs,
 *    options), its sha256 against the marker's.
 * Output: one `key=value` line per finding; values that may hold any text are base64.
 */
export const VENV_CHECKER = String.raw`
import base64, hashlib, json, os, re, sys
def b64(text): return base64.b64encode(text.encode()).decode()
try:
    from pip._vendor.packaging.requirements import Requirement
except Exception:
    try:
        from packaging.requirements import Requirement
    except Exception:
        Requirement = None
try:
    from importlib import metadata
except Exception:
    metadata = None
def installed(name):
    try:
        return metadata.version(name)
    except Exception:
        return None
def norm(name): return re.sub(r"[-_.]+", "-", name).lower()
def is_path(spec): return spec.startswith(("/", "./", "../", "~")) or spec.endswith((".whl", ".tar.gz", ".zip"))
SKIP = {"__pycache__", "build", "dist", ".git", ".tox", ".eggs"}
def tree_sum(root):
    h = hashlib.sha256()
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP and not x.endswith(".egg-info"))
        for f in sorted(files):
            if f.endswith((".pyc", ".pyo")): continue
            p = os.path.join(d, f)
            h.update(os.path.relpath(p, root).encode() + b"\0")
            with open(p, "rb") as fh: h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()
def file_sum(path):
    with open(path, "rb") as fh: return hashlib.sha256(fh.read()).hexdigest()
def check_requirement(line):
    """ok | missing | differs | unknown (cannot be judged here); and the installed version."""
    if Requirement is None or metadata is None: return "unknown", ""
    try:
        req = Requirement(line)
    except Exception:
        return "unknown", ""
    if req.url: return "unknown", ""
    if req.marker is not None and not req.marker.evaluate(): return "ok", ""
    have = installed(req.name)
    if have is None: return "missing", ""
    if req.specifier and not req.specifier.contains(have, prereleases=True): return "differs", have
    return "ok", have
def check_path(spec, marker):
    path = os.path.expanduser(spec)
    if path.endswith(".whl"):
        parts = os.path.basename(path).split("-")
        have = installed(parts[0]) if len(parts) >= 2 else None
        if have is None: return "missing", "", ""
        return ("ok" if norm(have) == norm(parts[1]) else "differs"), have, ""
    if not os.path.exists(path): return "nosource", "", ""
    digest = tree_sum(path) if os.path.isdir(path) else file_sum(path)
    recorded = marker.get("local", {}).get(spec)
    return ("ok" if recorded == digest else "differs" if recorded else "missing"), "", digest
def read_marker(path):
    try:
        with open(path) as fh: return json.load(fh)
    except Exception:
        return {}
def requirement_lines(path):
    plain, other = [], False
    with open(path) as fh:
        for raw in fh:
            line = raw.split(" #")[0].strip()
            if not line or line.startswith("#"): continue
            if line.startswith("-") or is_path(line) or "://" in line: other = True
            else: plain.append(line)
    return plain, other
def main():
    mode, marker_path, reqfile = sys.argv[1], sys.argv[2], sys.argv[3]
    specs = sys.argv[4:]
    marker = read_marker(marker_path)
    if mode == "record":
        out = {"local": {}}
        for spec in specs:
            if is_path(spec) and not spec.endswith(".whl"):
                p = os.path.expanduser(spec)
                out["local"][spec] = tree_sum(p) if os.path.isdir(p) else file_sum(p)
        if reqfile: out["requirements"] = {"path": reqfile, "sha256": file_sum(reqfile)}
        with open(marker_path, "w") as fh: json.dump(out, fh, indent=1, sort_keys=True)
        return
    print("checker=1")
    for i, spec in enumerate(specs):
        if is_path(spec): status, have, _ = check_path(spec, marker)
        else: status, have = check_requirement(spec)
        print("pkg%d=%s %s" % (i, status, b64(have)))
    if reqfile:
        if not os.path.isfile(reqfile):
            print("req=nosource"); return
        digest = file_sum(reqfile)
        plain, other = requirement_lines(reqfile)
        unmet = []
        for line in plain:
            status, have = check_requirement(line)
            if status == "unknown": other = True
            elif status != "ok": unmet.append(line + (" (found %s)" % have if have else " (missing)"))
        recorded = marker.get("requirements", {})
        stale = other and not (recorded.get("path") == reqfile and recorded.get("sha256") == digest)
        print("req_sha=" + digest)
        print("req_recorded=" + (recorded.get("sha256") or ""))
        print("req_unmet=" + b64("\n".join(unmet)))
        print("req=" + ("differs" if unmet or stale else "ok"))
main()
`;
