"""Project-level agreement: units built from the database, documents compared, CSV codings."""
import pytest
from sklearn.metrics import cohen_kappa_score

from qualbench.errors import QualbenchError, ValidationError

SIX = ("P: One is here. Two is here. Three is here. Four is here. Five is here. Six is here.\n")


@pytest.fixture
def two_coders(project, write):
    project.import_files([write("P01.txt", SIX), write("P02.txt", SIX.replace("One", "Uno"))])
    project.create_code("X")
    project.create_code("Y")
    segs = [s for s in project.segments("P01")]
    spans = [(s.start, s.start + len(s.text.strip())) for s in segs]
    for i in (0, 1, 2):
        project.add_coding("P01", "X", "a", *spans[i])
    for i in (1, 2, 3):
        project.add_coding("P01", "X", "b", *spans[i])
    project.add_coding("P01", "Y", "a", spans[4][0], spans[4][0] + 1)  # one character marks the unit
    project.add_coding("P01", "Y", "b", *spans[4])
    project.add_coding("P02", "X", "a", 3, 10)  # only coder a coded P02 -> not compared
    return project, spans


def test_unit_level_matches_hand_computation_and_sklearn(two_coders):
    p, _ = two_coders
    r = p.agreement(["a", "b"], level="unit", unit="sentence")
    assert r["documents"] == ["P01"] and r["excluded_documents"] == ["P02"]
    a_x, b_x = [1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 0, 0]
    x = r["per_code"]["X"]
    assert x["n_units"] == 6
    assert x["percent_agreement"] == pytest.approx(4 / 6)
    assert x["cohen_kappa"] == pytest.approx(cohen_kappa_score(a_x, b_x)) == pytest.approx(1 / 3)
    assert r["per_code"]["Y"]["percent_agreement"] == 1.0
    pooled = r["overall_pooled"]
    a_all, b_all = a_x + [0, 0, 0, 0, 1, 0], b_x + [0, 0, 0, 0, 1, 0]
    assert pooled["n_units"] == 12
    assert pooled["cohen_kappa"] == pytest.approx(cohen_kappa_score(a_all, b_all))
    mean = r["overall_mean_of_codes"]
    assert mean["cohen_kappa"] == pytest.approx((1 / 3 + 1.0) / 2)


def test_turn_and_paragraph_units(two_coders):
    p, _ = two_coders
    r = p.agreement(["a", "b"], level="unit", unit="turn")
    assert r["per_code"]["X"]["n_units"] == 1 and r["per_code"]["X"]["percent_agreement"] == 1.0
    r = p.agreement(["a", "b"], level="unit", unit="paragraph")
    assert r["per_code"]["Y"]["n_units"] == 1


def test_character_and_segment_levels(two_coders):
    p, spans = two_coders
    r = p.agreement(["a", "b"], level="character")
    x = r["per_document_code"]["P01"]["X"]
    lens = [e - s for s, e in spans]
    assert x["both"] == lens[1] + lens[2]
    assert x["a_not_b"] == lens[0] and x["b_not_a"] == lens[3]
    r = p.agreement(["a", "b"], level="segment", threshold=0.9)
    # X: a's s2, s3 match b's; b's s2, s3 match a's -> 4 of 6. Y: a's 1-char segment is
    # inside b's (100% of it) -> agrees; b's segment is covered 1/len -> does not.
    assert r["per_code"]["X"]["agreements"] == 4 and r["per_code"]["X"]["total"] == 6
    assert r["per_code"]["Y"]["agreements"] == 1 and r["per_code"]["Y"]["total"] == 2


def test_errors(two_coders):
    p, _ = two_coders
    with pytest.raises(QualbenchError, match="no coder 'zed'"):
        p.agreement(["a", "zed"])
    with pytest.raises(QualbenchError, match="at least two coders"):
        p.agreement(["a"])
    with pytest.raises(QualbenchError, match="exactly two coders"):
        p.ensure_coder("c")
        p.add_coding("P01", "X", "c", 0, 3)
        p.agreement(["a", "b", "c"], level="segment")


def test_codings_csv_round_trip_and_validation(two_coders, tmp_path, write, digest):
    p, _ = two_coders
    out = tmp_path / "codings.csv"
    n = p.export_codings_csv(out)
    before = [(c.document_id, c.code_id, c.coder, c.start, c.end) for c in p.codings()]
    for c in p.codings():
        p.remove_coding(c.id)
    assert p.import_codings_csv(out)["codings"] == n
    assert sorted((c.document_id, c.code_id, c.coder, c.start, c.end) for c in p.codings()) == sorted(before)
    bad = write("bad.csv", "document,coder,code,start,end\nP01,a,X,5,2\nP09,a,X,1,2\nP01,a,Nope,1,2\nP01,a,X,x,2\n")
    state = digest(p)
    with pytest.raises(ValidationError) as exc:
        p.import_codings_csv(bad)
    assert [l.split(": ", 1)[1] for l in exc.value.lines()] == [
        f"row 2: span [5, 2) is outside 'P01' (0-{len(SIX)})", "row 3: unknown document 'P09'",
        "row 4: unknown code 'Nope'", "row 5: start/end must be whole numbers"]
    assert digest(p) == state
