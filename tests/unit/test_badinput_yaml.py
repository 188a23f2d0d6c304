"""Bad YAML files — coding files and codebooks: every field's shape and type checked with
its place named, anchors and aliases refused, nesting and size capped, PyYAML's errors
on one line; and a codebook import that could make a code its own parent refused."""
from __future__ import annotations

import time

import pytest

from qualbench.errors import InputFileError, QualbenchError, ValidationError
from qualbench.exchange import limits
from qualbench.exchange.anchored import read_anchored
from qualbench.exchange.codebook import read_codebook

from ..conftest import INTERVIEW, db_digest

HEAD = "format: qualbench-codings/1\ncoder: coder_a\n"


def problems_of(func, path) -> list[str]:
    with pytest.raises(QualbenchError) as exc:
        func(path)
    if isinstance(exc.value, ValidationError):
        return exc.value.problems
    assert "\n" not in str(exc.value)
    return [exc.value.message]


# -- coding files ----------------------------------------------------------------------------

MAPPING = "documents: expected a mapping of document names to lists of codings, got"


@pytest.mark.parametrize("body, expected", [
    ("documents:\n- P01\n- code: Pain\n", f"{MAPPING} a list"),
    ("documents: P01\n", f"{MAPPING} 'P01'"),
    ("documents: 5\n", f"{MAPPING} a number (5)"),
    ("documents: {P01: 5}\n", "documents → P01: expected a list of codings, got a number (5)"),
    ("documents:\n  P01:\n    code: Pain\n", "documents → P01: expected a list of codings, got a mapping"),
    ("documents:\n  P01:\n  - just a string\n",
     "documents → P01 → item 1: expected a coding (code: ..., quote: ...), got 'just a string'"),
    ("documents:\n  P01:\n  - {code: Pain, quote: x, occurrence: true}\n",
     "documents → P01 → item 1: occurrence must be a whole number ≥ 1, got yes/no (true)"),
    ("documents:\n  P01:\n  - {code: Pain, quote: x, occurrence: 0}\n",
     "documents → P01 → item 1: occurrence must be a whole number ≥ 1, got a number (0)"),
    ("documents:\n  P01:\n  - {code: Pain, quote: x, memo: {a: 1}}\n",
     "documents → P01 → item 1: memo must be text, got a mapping"),
    ("documents:\n  P01:\n  - {code: [a, b], quote: x}\n",
     "documents → P01 → item 1: code must be text, got a list (put it in quotes)"),
    ("documents:\n  P01:\n  - {code: Pain, quote: 2010}\n",
     "documents → P01 → item 1: quote must be text, got a number (2010) (put it in quotes)"),
    ("documents:\n  P01:\n  - {code: Pain, quote: x, colour: red}\n",
     "documents → P01 → item 1: unknown key(s) 'colour' (a coding has code, quote, occurrence, memo)"),
    ("documents:\n  2010:\n  - {code: Pain, quote: x}\n",
     "documents → 2010: a document name must be text (put it in quotes)"),
    ("documents: {}\n", "no codings in the file (nothing to import)"),
    ("documents:\n  P01: []\n", "no codings in the file (nothing to import)"),
])
def test_coding_file_shapes_and_types(write, body, expected):
    assert problems_of(read_anchored, write("c.yaml", HEAD + body)) == [expected]


def test_coder_must_be_a_name(write):
    path = write("c.yaml", "format: qualbench-codings/1\ncoder: [a, b]\n"
                           "documents:\n  P01:\n  - {code: Pain, quote: x}\n")
    assert problems_of(read_anchored, path) == ["coder: expected a name (text), got a list"]


def test_every_problem_at_once(write):
    body = ("documents:\n  P01:\n  - {code: Pain, quote: x, occurrence: true}\n  - {code: Pain}\n"
            "  P02: 5\n")
    assert problems_of(read_anchored, write("c.yaml", HEAD + body)) == [
        "documents → P01 → item 1: occurrence must be a whole number ≥ 1, got yes/no (true)",
        "documents → P01 → item 2: needs a quote",
        "documents → P02: expected a list of codings, got a number (5)"]


def test_yaml_syntax_error_is_one_line_with_line_and_column(write):
    path = write("c.yaml", "format: qualbench-codings/1\ncoder: [unclosed\ndocuments: {\n")
    message = problems_of(read_anchored, path)[0]
    assert message.startswith("not valid YAML: line 3, column 10: ") and "\n" not in message


def test_python_tags_and_control_characters_are_one_line(write):
    tag = write("t.yaml", HEAD + "documents: !!python/object/apply:os.system ['true']\n")
    assert problems_of(read_anchored, tag) == [
        "not valid YAML: line 3, column 12: unsupported YAML tag '!!python/object/apply:os.system' "
        "(qualbench files hold only text, numbers, lists and mappings)"]
    ctrl = write("e.yaml", HEAD.replace("coder_a", "coder_a\x1b"))
    assert problems_of(read_anchored, ctrl) == [
        "not valid YAML: line 2, column 15: control characters are not allowed U+001B"]


def test_aliases_are_refused_before_they_expand(write):
    lines = [HEAD.strip(), "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    lines += ["documents:", "  P01: *a8"]
    t0 = time.perf_counter()
    message = problems_of(read_anchored, write("c.yaml", "\n".join(lines) + "\n"))[0]
    assert time.perf_counter() - t0 < 1
    assert message == ("line 3, column 5: YAML anchor '&a0': anchors and aliases are not allowed in "
                       "qualbench files (write each entry out in full)")


def test_coding_file_size_limit(write, monkeypatch):
    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 1_000)
    path = write("c.yaml", HEAD + "documents:\n  P01:\n  - {code: Pain, quote: '" + "a" * 2_000 + "'}\n")
    assert "larger than the 1,000 bytes limit for a coding file" in problems_of(read_anchored, path)[0]


def test_quote_length_limit(write, monkeypatch):
    monkeypatch.setattr(limits, "MAX_QUOTE_CHARS", 100)
    path = write("c.yaml", HEAD + "documents:\n  P01:\n  - {code: Pain, quote: '" + "a" * 101 + "'}\n")
    assert problems_of(read_anchored, path) == [
        "documents → P01 → item 1: the quote is 101 characters, more than the limit of 100"]


def test_twenty_thousand_codings_still_read(write):
    items = "".join(f"  - code: Code {i % 40}\n    quote: 'I could not sleep at all, night {i}'\n"
                    for i in range(20_000))
    t0 = time.perf_counter()
    coder, codings = read_anchored(write("big.yaml", HEAD + "documents:\n  P01:\n" + items))
    assert coder == "coder_a" and len(codings) == 20_000
    assert time.perf_counter() - t0 < 5


def test_bad_coding_file_leaves_the_project_as_it_was(project, write):
    project.import_files([write("P01.txt", INTERVIEW)])
    project.create_code("Pain")
    before = db_digest(project)
    for body in ("documents: {P01: 5}\n", "documents:\n  P01:\n  - {code: Pain, quote: x, memo: {a: 1}}\n"):
        with pytest.raises(QualbenchError):
            project.import_coding_file(write("c.yaml", HEAD + body))
    with pytest.raises(InputFileError, match="no codings in the file"):
        project.import_codings_csv(write("c.csv", "document,coder,code,start,end,memo\n"))
    assert db_digest(project) == before


# -- codebooks -------------------------------------------------------------------------------

CB = "qualbench_codebook: 1\ncodes:\n"


@pytest.mark.parametrize("body, expected", [
    ("- name: New A\n  kind: [code]\n", "'New A': kind must be theme, category or code, not a list"),
    ("- name: New A\n  kind: {a: 1}\n", "'New A': kind must be theme, category or code, not a mapping"),
    ("- name: [a, b]\n", "codes[0]: name must be text, got a list (put it in quotes)"),
    ("- name: {a: 1}\n", "codes[0]: name must be text, got a mapping (put it in quotes)"),
    ("- name: 2010\n", "codes[0]: name must be text, got a number (2010) (put it in quotes)"),
    ("- name: New A\n  description: [one, two]\n",
     "'New A': description must be text, got a list (put it in quotes)"),
    ("- name: New A\n  description: {a: 1}\n",
     "'New A': description must be text, got a mapping (put it in quotes)"),
    ("- name: New A\n  example: 2020-01-01\n",
     "'New A': example must be text, got a date (2020-01-01) (put it in quotes)"),
    ("- name: New A\n  color: notacolor\n",
     "'New A': color 'notacolor' is not a colour (write it as #RRGGBB, e.g. '#0072B2')"),
    ("- name: New A\n  color: [1, 2]\n",
     "'New A': color a list is not a colour (write it as #RRGGBB, e.g. '#0072B2')"),
    ("- just a string\n", "codes[0]: expected a code (name: ..., kind: ...), got 'just a string'"),
])
def test_codebook_field_types(write, body, expected):
    assert problems_of(read_codebook, write("cb.yaml", CB + body)) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("qualbench_codebook: 1\ncodes: []\n", "no codes in the file (codes: is an empty list)"),
    ("random: stuff\ncodes:\n- name: New Z\n",
     "not a qualbench codebook: unknown top-level key(s) 'random' (a codebook has qualbench_codebook, "
     "title, description and codes)"),
    ("qualbench_codebook: 2\ncodes:\n- name: A\n", "qualbench_codebook: 2 is not a codebook format this "
                                                   "qualbench reads (it reads format 1)"),
    ("qualbench_codebook: 1\ncodes: [ {name: a\n", "not valid YAML: line 3, column 1: did not find expected "
                                                    "',' or '}' (while parsing a flow mapping)"),
])
def test_codebook_header(write, text, expected):
    assert problems_of(read_codebook, write("cb.yaml", text)) == [expected]


@pytest.mark.parametrize("text", [
    "codes:\n- name: A\n",                                                  # no marker, right shape
    "title: Mine\ndescription: hand-written\ncodes:\n- name: A\n",
    "format: qualbench-codebook/1\ncodes:\n- name: A\n",                    # the coding files' spelling
    CB + "- name: A\n  color: '#0072b2'\n  example: '2020-01-01'\n",
])
def test_codebooks_we_accept(write, text):
    _, nodes = read_codebook(write("cb.yaml", text))
    assert nodes[0]["name"] == "A"
    if "color" in text:
        assert nodes[0]["color"] == "#0072B2" and nodes[0]["example"] == "2020-01-01"


def test_codebook_alias_cycle_and_exponential_aliases_are_refused_at_once(write):
    loop = write("loop.yaml", CB + "- &n\n  name: Loop\n  children: [*n]\n")
    assert problems_of(read_codebook, loop)[0].startswith("line 3, column 3: YAML anchor '&n'")
    lines = ["qualbench_codebook: 1", "defs:", "  n0: &n0 {name: Leaf}"]
    lines += [f"  n{i}: &n{i} {{name: N{i}, children: [" + ", ".join([f"*n{i - 1}"] * 10) + "]}"
              for i in range(1, 8)]
    lines.append("codes: [*n7]")
    t0 = time.perf_counter()
    assert "anchors and aliases are not allowed" in problems_of(read_codebook, write("b.yaml", "\n".join(lines)))[0]
    assert time.perf_counter() - t0 < 1


def test_deep_nesting_is_refused_without_recursion_error(write):
    body = "".join("{name: N%d, children: [" % i for i in range(2_000)) + "{name: leaf}" + "]}" * 2_000
    message = problems_of(read_codebook, write("deep.yaml", "qualbench_codebook: 1\ncodes: [" + body + "]\n"))[0]
    assert message.endswith(f"nested more than {limits.MAX_YAML_DEPTH} levels deep: refused")


def test_code_tree_depth_is_capped_like_refi(write):
    def tree(levels: int) -> str:
        opened = "".join("{name: N%d, children: [" % i for i in range(levels - 1))
        body = opened + "{name: leaf}" + "]}" * (levels - 1)
        return "qualbench_codebook: 1\ncodes: [" + body + "]\n"
    _, nodes = read_codebook(write("ok.yaml", tree(64)))     # REFI-QDA's limit: such a tree re-imports
    assert nodes[0]["name"] == "N0"
    assert problems_of(read_codebook, write("deep.yaml", tree(65))) == [
        "'N63': the code tree is deeper than 64 levels"]


def test_many_problems_are_all_reported(write):
    body = "".join(f"- name: C{i}\n  kind: topic\n" for i in range(30))
    assert len(problems_of(read_codebook, write("cb.yaml", CB + body))) == 30


# -- codebook import: never a cycle, never a no-op event ---------------------------------------------

def test_import_cannot_make_a_code_its_own_parent(project, write):
    project.create_code("Hope for pain relief")
    project.rename_code("Hope for pain relief", "Hope")
    before = db_digest(project)
    path = write("b28.yaml", CB + "- name: Hope\n  children:\n  - name: Hope for pain relief\n")
    with pytest.raises(ValidationError) as exc:
        project.import_codebook(path)
    assert exc.value.problems == [
        "'Hope' and 'Hope for pain relief' are the same code here ('Hope for pain relief' is a former "
        "name of 'Hope'): list it once, under one name"]
    assert db_digest(project) == before
    code = project.code("Hope")
    assert code.parent_id is None


def test_import_refuses_a_cycle_through_former_names_either_way(project, write):
    project.create_code("Sleep")
    project.rename_code("Sleep", "Rest")
    path = write("c.yaml", CB + "- name: Sleep\n  children:\n  - name: Rest\n")
    with pytest.raises(ValidationError, match="are the same code here"):
        project.import_codebook(path)


def test_cycle_guard_catches_what_the_name_check_cannot(project):
    a = project.create_code("A")
    b = project.create_code("B", parent="A")
    project.db.conn.execute("UPDATE codes SET parent_id = ? WHERE id = ?", [b.id, a.id])
    assert project._code_cycle() in (["A", "B", "A"], ["B", "A", "B"])


def test_importing_the_same_codebook_twice_writes_one_event(project, write):
    path = write("cb.yaml", CB + "- name: Pain\n  kind: theme\n  children:\n  - name: Burning\n")
    project.import_codebook(path)
    n = len(project.events())
    before = db_digest(project)
    project.import_codebook(path)
    assert len(project.events()) == n and db_digest(project) == before
