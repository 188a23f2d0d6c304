"""`qualbench summary`, `joint` and `saturation` as a user runs them, on the mini study
of tests/unit/test_joint.py: output formats agree with the API, errors are one line."""
import io
import json

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from qualbench.cli import main
from qualbench.commands import joint, saturation, summary

from ..unit.test_joint import build_mini


@pytest.fixture
def mini(project, write):
    return build_mini(project, write)


def run(command, mini, *args):
    result = CliRunner().invoke(command, [*map(str, args), "--project", str(mini.path)])
    return result


def test_commands_are_registered_with_help():
    assert {"summary", "joint", "saturation"} <= set(main.commands)
    for command in (summary, joint, saturation):
        assert command.help and all(p.help for p in command.params if isinstance(p, click.Option))


def test_summary_table_csv_json(mini):
    r = run(summary, mini)
    assert r.exit_code == 0, r.output
    assert "Responders (binary40):" in r.output and "2 of 5 (40%)" in r.output
    assert "Participant characteristics by responder (Table 1)" in r.output
    assert "no outcome (n=2)" in r.output and "Would repeat × responder" in r.output
    female = next(line for line in r.output.splitlines() if line.strip().startswith("female"))
    assert female.split()[1:] == ["1", "(50%)", "2", "(67%)", "1", "(50%)", "4", "(57%)"]
    csv = pd.read_csv(io.StringIO(run(summary, mini, "--format", "csv").stdout))
    assert len(csv) == len(mini.table1()) and set(csv.group) >= {"no outcome", "overall"}
    data = json.loads(run(summary, mini, "--format", "json").stdout)
    assert data["summary"]["responders"] == {"n": 2, "of": 5, "pct": 40.0}
    assert data["summary"]["deceased"] == 1 and len(data["would_repeat_by_responder"]) == 9


def test_joint_table_csv_json(mini):
    r = run(joint, mini, "--rows", "theme", "--by", "responder")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "Themes × responder — codings by coder_a"
    assert "responder (n=2)" in lines[1] and "no outcome (n=2)" in lines[1] and "OR [95% CI]" in lines[1]
    satisfaction = next(line for line in lines if line.startswith("Satisfaction"))
    assert "0/2 (0%) · 0" in satisfaction and "3/3 (100%) · 3" in satisfaction
    assert "'no outcome' is shown but not tested" in r.output and "Exploratory" in r.output
    csv = pd.read_csv(io.StringIO(run(joint, mini, "--by", "would_repeat", "--format", "csv").stdout))
    api = mini.joint(by="would_repeat")
    assert csv[["node", "group", "n_with", "n_group"]].values.tolist() == \
        api[["node", "group", "n_with", "n_group"]].values.tolist()
    data = json.loads(run(joint, mini, "--rows", "code", "--format", "json").stdout)
    assert data["coder"] == "coder_a" and data["compared"] == ["responder", "non-responder"]
    assert len(data["cells"]) == 4 * 3


def test_joint_errors_are_one_line(mini):
    r = run(joint, mini, "--by", "age")
    assert r.exit_code == 1 and r.stderr.strip().count("\n") == 0
    assert "'age' is a number" in r.stderr
    r = run(joint, mini, "--coder", "nobody")
    assert r.exit_code == 1 and "no coder 'nobody'" in r.stderr


def test_saturation_table_plot_and_order(mini, tmp_path):
    r = run(saturation, mini, "--base", 2, "--run", 2, "--threshold", 0.25, "--permutations", 200, "--seed", 5)
    assert r.exit_code == 0, r.output
    assert "Saturation reached at interview 3 (3+2" in r.output
    assert "Permutation check: reached in" in r.output and "of 200 random orders (seed 5)" in r.output
    assert "base 1–2 (3 codes), run 3–4: 1 new = 33.3% > 25%" in r.output
    assert "Codes per interview" in r.output            # the terminal plot
    again = run(saturation, mini, "--base", 2, "--run", 2, "--threshold", 0.25, "--permutations", 200, "--seed", 5)
    assert again.output == r.output                      # seeded: the same every time
    r = run(saturation, mini, "--order", "P07,P06,P05,P04,P03,P02,P01", "--base", 2, "--run", 2,
            "--threshold", 0.25, "--permutations", 0, "--plot", tmp_path / "sat.png")
    assert "ordered by given order" in r.output and "Saturation reached at interview 4" in r.output
    assert (tmp_path / "sat.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run(saturation, mini, "--permutations", 0, "--plot", tmp_path / "sat.svg")
    assert b"<svg" in (tmp_path / "sat.svg").read_bytes()[:2000]
    # An existing figure is kept unless --force; every figure written is an export event.
    before = (tmp_path / "sat.svg").read_bytes()
    r = run(saturation, mini, "--permutations", 0, "--base", 3, "--plot", tmp_path / "sat.svg")
    assert r.exit_code == 1 and "sat.svg: exists; use --force" in r.stderr
    assert (tmp_path / "sat.svg").read_bytes() == before
    r = run(saturation, mini, "--permutations", 0, "--base", 3, "--plot", tmp_path / "sat.svg", "--force")
    assert r.exit_code == 0 and (tmp_path / "sat.svg").read_bytes() != before
    logged = [e for e in mini.exports() if e.action == "export.svg"]
    assert len(logged) == 2 and logged[0].summary["options"]["base"] == 3
    # Base 1-5 of this order holds 3 codes; the run (P01, P04) brings "Back to work": 33%, and no
    # interviews are left for another run.
    r = run(saturation, mini, "--order", "P03,P05,P06,P07,P02,P01,P04", "--base", 5, "--permutations", 0)
    assert "Saturation not reached (base 5, run 2, new information ≤ 5%; no run met the threshold)" in r.output


def test_saturation_csv_json_and_errors(mini, tmp_path):
    csv = pd.read_csv(io.StringIO(run(saturation, mini, "--permutations", 0, "--format", "csv").stdout))
    assert csv["new_codes"].tolist() == [2, 1, 1, 0, 0, 0, 0]
    data = json.loads(run(saturation, mini, "--base", 2, "--run", 2, "--threshold", 0.25,
                          "--permutations", 10, "--format", "json").stdout)
    assert data["point"] == 3 and data["permutations"]["orders"] == 10
    r = run(saturation, mini, "--plot", tmp_path / "sat.jpg")
    assert r.exit_code == 1 and "--plot needs a .png, .svg or .pdf" in r.stderr
    r = run(saturation, mini, "--threshold", 5)
    assert r.exit_code == 1 and "proportion" in r.stderr
    r = run(saturation, mini, "--order", "P01,P42")
    assert r.exit_code == 1 and "P42" in r.stderr
