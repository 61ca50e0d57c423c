#!/usr/bin/env python3
"""Records and checks the Rosetta catalogue (Rosetta/README.md says what it is).

    rosetta.py record [--only ORM,ORM] [ENTRY-ID ...]   run every recorder, rewrite the catalogue
    rosetta.py check  [--only ORM,ORM] [ENTRY-ID ...]   run every recorder, fail on any difference

Each recorder runs the real ORM on a fresh copy of fixture/schema.sql for every entry and prints
what its ORM logged (`@@ ENTRY-ID` then one statement a line). The code shown for an ORM is cut
from the recorder's own source, between `rosetta: ENTRY-ID` and `rosetta: end` comment lines,
so the catalogue shows exactly the code that ran. ORMLab's column comes from running the
catalogue's own ```orm block through .build/debug/ormlab (--format json) after the fixture.

A recorder whose toolchain cannot be installed is skipped with a SKIP line naming the reason;
`record` then keeps that ORM's sections as they are, and `check` does not compare them (and says
so). Nothing is skipped silently.
"""
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROSETTA = os.path.join(ROOT, "Rosetta")
CATALOGUE = os.path.join(ROSETTA, "catalogue")
RECORDERS = os.path.join(ROSETTA, "recorders")
SCHEMA = os.path.join(ROSETTA, "fixture", "schema.sql")
FIXTURE_ORM = os.path.join(ROSETTA, "fixture", "fixture.orm")
WORK = os.path.join(ROOT, ".build", "rosetta")
VENV = os.path.join(WORK, "venv")
ORMLAB = os.environ.get("ORMLAB", os.path.join(ROOT, ".build", "debug", "ormlab"))

# Pinned, so that a re-recording compares like with like. ActiveRecord is Debian's.
PIP_PACKAGES = ["SQLAlchemy==2.0.59", "Django==5.1.15"]


class Skip(Exception):
    """A toolchain that is not there and cannot be installed here: skip this ORM, loudly."""


def run(cmd, cwd=ROOT, timeout=1200, env=None):
    return subprocess.run(cmd, cwd=cwd, timeout=timeout, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def say(line):
    print(line, flush=True)


# MARK: - Recorders: (name shown in the catalogue, how to make it ready, how to run it, source)

def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if os.path.exists(python):
        probe = run([python, "-c", "import sqlalchemy, django; print(sqlalchemy.__version__, django.__version__)"])
        if probe.returncode == 0 and probe.stdout.split() == [p.split("==")[1] for p in PIP_PACKAGES]:
            return python
    os.makedirs(WORK, exist_ok=True)
    say(f"  installing {', '.join(PIP_PACKAGES)} into {os.path.relpath(VENV, ROOT)} (pip)")
    made = run([sys.executable, "-m", "venv", VENV])
    if made.returncode != 0:
        raise Skip("python3 -m venv failed: " + made.stderr.strip()[-300:])
    pip = run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", *PIP_PACKAGES], timeout=900)
    if pip.returncode != 0:
        raise Skip("pip install failed (is PyPI reachable?): " + pip.stderr.strip()[-300:])
    return python


def ensure_ruby():
    probe = "require 'active_record'; require 'sqlite3'; puts ActiveRecord::VERSION::STRING"
    if shutil.which("ruby") and run(["ruby", "-e", probe]).returncode == 0:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Skip("ruby-activerecord and ruby-sqlite3 are not installed, and apt-get needs root")
    say("  installing ruby-activerecord ruby-sqlite3 (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    got = run(["apt-get", "install", "-y", "-q", "ruby-activerecord", "ruby-sqlite3"], env=env, timeout=900)
    if got.returncode != 0:
        run(["apt-get", "update", "-q"], env=env, timeout=600)
        got = run(["apt-get", "install", "-y", "-q", "ruby-activerecord", "ruby-sqlite3"], env=env, timeout=900)
    if got.returncode != 0 or run(["ruby", "-e", probe]).returncode != 0:
        raise Skip("apt-get install ruby-activerecord ruby-sqlite3 failed: " + got.stderr.strip()[-300:])


def ensure_grdb():
    if not shutil.which("swift"):
        raise Skip("no swift toolchain")
    package = os.path.join(RECORDERS, "grdb")
    scratch = os.path.join(WORK, "grdb")
    say("  building the GRDB recorder (swift build; GRDB itself only the first time)")
    built = run(["swift", "build", "--package-path", package, "--scratch-path", scratch], timeout=1800)
    if built.returncode != 0:
        output = built.stdout + built.stderr
        errors = [l.strip() for l in output.splitlines() if "error" in l]
        if re.search(r"resolv|clone|fetch|repository|mirror", output, re.I) and ".swift:" not in output:
            raise Skip("GRDB.swift 7.10.0 cannot be fetched (not in the package mirror?): " + " | ".join(errors[:3]))
        raise RuntimeError("the GRDB recorder does not compile: " + " | ".join(errors[:6]))
    return os.path.join(scratch, "debug", "RosettaGRDB")


def ensure_npm():
    if not shutil.which("npm") or not shutil.which("node"):
        raise Skip("node and npm are not installed")
    folder = os.path.join(RECORDERS, "objection")
    if os.path.isdir(os.path.join(folder, "node_modules", "objection")):
        return
    try:
        probe = run(["npm", "view", "knex", "version"], timeout=30)
        reachable = probe.returncode == 0
    except subprocess.TimeoutExpired:
        reachable = False
    if not reachable:
        raise Skip("the npm registry does not answer from this machine (npm view knex timed out "
                   "or failed), so objection, knex and better-sqlite3 cannot be installed")
    got = run(["npm", "install", "--no-audit", "--no-fund"], cwd=folder, timeout=900)
    if got.returncode != 0:
        raise Skip("npm install failed: " + got.stderr.strip()[-300:])


HIBERNATE_JARS = ["hibernate3", "hibernate-commons-annotations", "geronimo-jpa_2.0_spec",
                  "geronimo-jta-1.2-spec", "dom4j", "antlr", "commons-collections3", "slf4j-api",
                  "slf4j-nop", "javassist", "xerial-sqlite-jdbc"]


def ensure_hibernate():
    """Debian's Hibernate 3.6 and sqlite-jdbc (Hibernate 7 needs Maven Central, which does not
    answer from the machines this was recorded on); compiles the recorder under .build."""
    if not shutil.which("javac") or not shutil.which("java"):
        raise Skip("java and javac are not installed")
    jars = [f"/usr/share/java/{name}.jar" for name in HIBERNATE_JARS]
    if not all(os.path.exists(j) for j in jars):
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise Skip("Debian's libhibernate3-java and libxerial-sqlite-jdbc-java are not installed, and apt-get needs root")
        say("  installing libhibernate3-java libxerial-sqlite-jdbc-java libjavassist-java (apt-get)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        packages = ["libhibernate3-java", "libxerial-sqlite-jdbc-java", "libjavassist-java", "libslf4j-java"]
        got = run(["apt-get", "install", "-y", "-q", *packages], env=env, timeout=900)
        if got.returncode != 0:
            run(["apt-get", "update", "-q"], env=env, timeout=600)
            got = run(["apt-get", "install", "-y", "-q", *packages], env=env, timeout=900)
        if got.returncode != 0 or not all(os.path.exists(j) for j in jars):
            raise Skip("apt-get install of Hibernate 3 and sqlite-jdbc failed: " + got.stderr.strip()[-300:])
    classes = os.path.join(WORK, "hibernate")
    source = os.path.join(RECORDERS, "hibernate", "Record.java")
    classpath = ":".join(jars)
    compiled = os.path.join(classes, "Record.class")
    if not os.path.exists(compiled) or os.path.getmtime(compiled) < os.path.getmtime(source):
        os.makedirs(classes, exist_ok=True)
        built = run(["javac", "-nowarn", "-d", classes, "-cp", classpath, source])
        if built.returncode != 0:
            raise RuntimeError("the Hibernate recorder does not compile: " + built.stderr[-1500:])
    return ["java", "-cp", classes + ":" + classpath, "Record"]


RECORDERS_LIST = [
    # (key, catalogue heading, language of its code block, source file, ensure, command)
    ("activerecord", "ActiveRecord", "ruby", "activerecord/record.rb", ensure_ruby,
     lambda ready: ["ruby", os.path.join(RECORDERS, "activerecord", "record.rb"), SCHEMA]),
    ("hibernate", "Hibernate", "java", "hibernate/Record.java", ensure_hibernate,
     lambda java: java + [SCHEMA]),
    ("objection", "Objection.js", "js", "objection/record.js", ensure_npm,
     lambda ready: ["node", os.path.join(RECORDERS, "objection", "record.js"), SCHEMA]),
    ("sqlalchemy", "SQLAlchemy", "python", "sqlalchemy/record.py", ensure_venv,
     lambda python: [python, os.path.join(RECORDERS, "sqlalchemy", "record.py"), SCHEMA]),
    ("django", "Django", "python", "django/record.py", ensure_venv,
     lambda python: [python, os.path.join(RECORDERS, "django", "record.py"), SCHEMA]),
    ("grdb", "GRDB", "swift", "grdb/Sources/RosettaGRDB/Entries.swift", ensure_grdb,
     lambda binary: [binary, SCHEMA]),
]
ORM_KEYS = ["ormlab"] + [r[0] for r in RECORDERS_LIST]
# Hibernate 3 numbers its column aliases (id1_0_) with a counter that lives as long as the JVM:
# one process per entry, so that an entry's SQL does not depend on which entries ran before it.
ONE_PROCESS_PER_ENTRY = {"hibernate"}


def code_blocks(source_path):
    """Every `rosetta: ID` … `rosetta: end` block of a recorder's source, dedented."""
    blocks, current, lines = {}, None, []
    marker = re.compile(r"^\s*(?:#|//)\s*rosetta:\s*(\S+)\s*$")
    with open(source_path) as f:
        for line in f:
            m = marker.match(line)
            if m and current is None and m.group(1) != "end":
                current, lines = m.group(1), []
            elif m and current is not None and m.group(1) == "end":
                blocks[current] = textwrap.dedent("".join(lines)).rstrip("\n")
                current = None
            elif current is not None:
                lines.append(line)
    return blocks


def parse_recording(text):
    """The recorders' output: {'version': str, 'entries': {id: [statements]}, 'missing': [id]}."""
    out = {"version": None, "entries": {}, "missing": []}
    current = None
    for line in text.splitlines():
        if line.startswith("@version "):
            out["version"] = line[len("@version "):].strip()
        elif line.startswith("@missing "):
            out["missing"].append(line[len("@missing "):].strip())
        elif line.startswith("@@ "):
            current = line[3:].strip()
            out["entries"][current] = []
        elif current is not None and line.strip():
            out["entries"][current].append(" ".join(line.split()))
    return out


# MARK: - ORMLab's own column

def record_ormlab(entries):
    """Runs fixture.orm, then `:forget`, then the entry's ```orm block through the ormlab binary
    in JSON Lines mode; the entry's statements are those of the commands after the fixture."""
    if not os.path.exists(ORMLAB):
        raise Skip(f"{os.path.relpath(ORMLAB, ROOT)} is not built (swift build first)")
    fixture = open(FIXTURE_ORM).read()
    if not fixture.endswith("\n"):
        fixture += "\n"
    prelude = fixture + ":forget\n"
    base_lines = ormlab_json(prelude)
    results = {}
    for entry in entries:
        lines = ormlab_json(prelude + entry["dsl"] + "\n")
        reports = lines[len(base_lines):]
        statements = []
        for report in reports:
            if not report.get("ok", False):
                raise RuntimeError(f"ORMLab failed on entry {entry['id']}: {report.get('input')!r}: "
                                   f"{report.get('diagnostics')}")
            statements += [" ".join(s["sql"].split()) for s in report["sql"]]
        results[entry["id"]] = statements
    return results


def ormlab_json(script):
    done = subprocess.run([ORMLAB, "--format", "json"], input=script, cwd=ROOT, timeout=120,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return [json.loads(l) for l in done.stdout.splitlines() if l.startswith("{")]


# MARK: - Catalogue files

class Entry:
    """One catalogue file: a hand-written head (title, id, lessons, prose, the ORMLab DSL, notes)
    and one recorded section per ORM."""

    def __init__(self, path):
        self.path = path
        text = open(path).read()
        self.text = text
        parts = re.split(r"^## ", text, flags=re.M)
        self.head = parts[0]
        self.sections = {}         # heading key -> body text (after the heading line)
        self.order = []
        for part in parts[1:]:
            heading, _, body = part.partition("\n")
            key = section_key(heading)
            self.sections[key] = (heading, body)
            self.order.append(key)
        m = re.search(r"^id:\s*(\S+)\s*$", self.head, flags=re.M)
        if not m:
            raise ValueError(f"{path}: no `id:` line")
        self.id = m.group(1)
        ormlab = self.sections.get("ormlab")
        if not ormlab:
            raise ValueError(f"{path}: no `## ORMLab` section")
        m = re.search(r"```orm\n(.*?)```", ormlab[1], flags=re.S)
        if not m:
            raise ValueError(f"{path}: the ORMLab section has no ```orm block")
        self.dsl = m.group(1).rstrip("\n")

    def notes(self, key):
        """Hand-written `> note:` lines under an ORM's section: kept when re-recording."""
        if key not in self.sections:
            return []
        return [l for l in self.sections[key][1].splitlines() if l.startswith("> ")]


def section_key(heading):
    name = heading.strip().lower()
    for key, title in [("ormlab", "ORMLab")] + [(r[0], r[1]) for r in RECORDERS_LIST]:
        if name.startswith(title.lower()):
            return key
    return name


# GRDB wraps every read in PRAGMA query_only = 1 / 0: part of its read transaction, not work.
TRANSACTION_CONTROL = re.compile(
    r"^((BEGIN|COMMIT|ROLLBACK|END|SAVEPOINT|RELEASE)\b|PRAGMA query_only\b)", re.I)


def is_transaction_control(statement):
    """BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE (in any ORM's spelling) and GRDB's read-only
    guard: shown, not counted."""
    return bool(TRANSACTION_CONTROL.match(statement))


def counted(statements):
    return sum(1 for s in statements if not is_transaction_control(s))


def sql_caption(statements):
    n = counted(statements)
    caption = f"SQL ({n} statement{'s' if n != 1 else ''}"
    if n != len(statements):
        caption += ", not counting transaction control"
    return caption + "):"


def render_section(title, version, lang, code, statements, notes):
    lines = [f"## {version or title}", ""]
    lines += [f"```{lang}", code, "```", ""]
    lines += [sql_caption(statements), "", "```sql"]
    lines += statements
    lines += ["```", ""]
    if notes:
        lines += notes + [""]
    return "\n".join(lines) + "\n"


def render_entry(entry, recorded):
    """The file's text: the head as written, then ORMLab and each recorded ORM, in a fixed order.
    `recorded[key]` is (heading, version, lang, code, statements); an ORM missing from it keeps
    its old section text as it is."""
    out = entry.head.rstrip("\n") + "\n\n"
    for key in ORM_KEYS:
        if key in recorded:
            title, version, lang, code, statements = recorded[key]
            out += render_section(title, version, lang, code, statements, entry.notes(key))
        elif key in entry.sections:
            heading, body = entry.sections[key]
            out += "## " + heading + "\n" + body.rstrip("\n") + "\n\n"
    return out.rstrip("\n") + "\n"


def load_entries(ids):
    entries = []
    for name in sorted(os.listdir(CATALOGUE)):
        if name.endswith(".md") and name != "README.md":
            entry = Entry(os.path.join(CATALOGUE, name))
            if not ids or entry.id in ids:
                entries.append(entry)
    unknown = set(ids) - {e.id for e in entries}
    if unknown:
        raise SystemExit(f"rosetta: no catalogue entry {', '.join(sorted(unknown))}")
    return entries


def statement_count_summary(recorded):
    counts = [f"{recorded[k][0]} {counted(recorded[k][4])}" for k in ORM_KEYS if k in recorded]
    return ", ".join(counts)


def main(argv):
    usage = "\n".join(__doc__.strip().splitlines()[2:4])
    if not argv or argv[0] not in ("record", "check"):
        print("usage:\n" + usage, file=sys.stderr)
        return 2
    mode, rest = argv[0], argv[1:]
    only = None
    if rest[:1] == ["--only"]:
        if len(rest) < 2:
            print("usage:\n" + usage, file=sys.stderr)
            return 2
        only = set(rest[1].split(","))
        rest = rest[2:]
        if only - set(ORM_KEYS):
            print(f"rosetta: no recorder {', '.join(sorted(only - set(ORM_KEYS)))} (there are: {', '.join(ORM_KEYS)})", file=sys.stderr)
            return 2
    entries = load_entries(rest)
    ids = [e.id for e in entries]
    recorded = {e.id: {} for e in entries}
    skipped = []
    broken = []    # recorders that ran and failed: never a skip

    # ORMLab itself
    if only is None or "ormlab" in only:
        say("== ORMLab")
        try:
            sql = record_ormlab([{"id": e.id, "dsl": e.dsl} for e in entries])
            for e in entries:
                recorded[e.id]["ormlab"] = ("ORMLab", None, "orm", e.dsl, sql[e.id])
            say(f"  recorded {len(entries)} entries")
        except Skip as why:
            say(f"SKIP ORMLab: {why}")
            skipped.append("ormlab")
        except RuntimeError as why:
            say(f"FAIL ORMLab: {why}")
            broken.append("ormlab")

    for key, title, lang, source, ensure, command in RECORDERS_LIST:
        if only is not None and key not in only:
            continue
        say(f"== {title}")
        try:
            ready = ensure()
            if command is None:
                raise Skip("no recorder")
            if key in ONE_PROCESS_PER_ENTRY:
                outputs = []
                for e in entries:
                    done = run(command(ready) + [e.id], timeout=900)
                    if done.returncode != 0:
                        raise RuntimeError(f"the {title} recorder failed on {e.id}:\n{done.stderr[-2000:]}")
                    outputs.append(done.stdout)
                stdout = outputs[0].splitlines()[0] + "\n" + "".join(o.split("\n", 1)[1] for o in outputs)
            else:
                done = run(command(ready) + ids, timeout=900)
                if done.returncode != 0:
                    raise RuntimeError(f"the {title} recorder failed:\n{done.stderr[-2000:]}")
                stdout = done.stdout
            recording = parse_recording(stdout)
            code = code_blocks(os.path.join(RECORDERS, source))
            for e in entries:
                if e.id not in recording["entries"]:
                    say(f"  {e.id}: no {title} code for this entry (the recorder has none)")
                    continue
                if e.id not in code:
                    raise RuntimeError(f"{source} has no `rosetta: {e.id}` block")
                recorded[e.id][key] = (title, recording["version"], lang, code[e.id],
                                       recording["entries"][e.id])
            say(f"  recorded {sum(1 for e in entries if key in recorded[e.id])} entries with {recording['version']}")
        except Skip as why:
            say(f"SKIP {title}: {why}")
            skipped.append(key)
        except (RuntimeError, subprocess.TimeoutExpired) as why:
            say(f"FAIL {title}: {why}")
            broken.append(key)

    failures = len(broken)
    for e in entries:
        text = render_entry(e, recorded[e.id])
        name = os.path.relpath(e.path, ROOT)
        if mode == "record":
            if text != e.text:
                with open(e.path, "w") as f:
                    f.write(text)
                say(f"wrote {name} ({statement_count_summary(recorded[e.id])})")
            else:
                say(f"same  {name}")
            continue
        # check: compare ORM by ORM, naming the entry and the ORM that differs
        differs = []
        for key in ORM_KEYS:
            if key not in recorded[e.id]:
                continue
            old = e.sections.get(key)
            fresh = render_section(*recorded[e.id][key], e.notes(key))
            fresh_body = fresh.partition("\n")[2]
            fresh_heading = fresh.partition("\n")[0][3:]
            if old is None or old[0] != fresh_heading or old[1].rstrip("\n") != fresh_body.rstrip("\n"):
                differs.append((key, old, fresh))
        if differs:
            for key, old, fresh in differs:
                failures += 1
                say(f"DIFF {e.id} / {recorded[e.id][key][0]} ({name}):")
                before = ("## " + old[0] + "\n" + old[1]).splitlines() if old else []
                for line in difflib.unified_diff(before, fresh.splitlines(), "catalogue", "re-recorded", lineterm="", n=1):
                    say("    " + line)
        else:
            say(f"ok   {e.id}: {statement_count_summary(recorded[e.id])}")
    if skipped:
        say(f"rosetta {mode}: SKIPPED (not recorded, not compared): {', '.join(skipped)}")
    if broken:
        say(f"rosetta {mode}: FAILED recorders: {', '.join(broken)}")
    if mode == "check":
        say(f"rosetta check: {len(entries)} entries, {failures} difference(s)")
        return 1 if failures else 0
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
