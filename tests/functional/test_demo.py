"""The shipped demo study: its headline figures come out of the software, and what each
participant says agrees with their data."""
import csv
import re



from ..conftest import REPO

TRANSCRIPTS = REPO / "transcripts"
ROWS = {r["participant"]: r for r in csv.DictReader(open(TRANSCRIPTS / "participants.csv", encoding="utf-8"))}


def test_headline_figures(demo_project):
    s = demo_project.summary()
    assert (s.interviews, s.with_outcome, s.deceased) == (28, 25, 3)
    assert (s.responders.n, s.responders.of, round(s.responders.pct)) == (8, 25, 32)
    assert (s.non_responders.n, s.non_responders.of) == (17, 25)
    assert (s.would_repeat.n, s.would_repeat.of, round(s.would_repeat.pct)) == (20, 28, 71)


def test_the_mix_that_makes_the_joint_display_interesting(demo_project):
    df = demo_project.participants()
    nonresp_yes = df[(df.responder == "non-responder") & (df.would_repeat_answer == "yes")]
    resp_no = df[(df.responder == "responder") & (df.would_repeat_answer == "no")]
    assert len(nonresp_yes) >= 3 and len(resp_no) >= 1


def test_formats_as_real_teams_send_them():
    suffixes = [p.suffix for p in TRANSCRIPTS.iterdir() if re.match(r"P\d\d\.", p.name)]
    assert len(suffixes) == 28
    assert suffixes.count(".txt") >= 20 and suffixes.count(".docx") >= 5
    assert suffixes.count(".vtt") >= 2 and suffixes.count(".srt") >= 1


def test_every_interview_is_linked_and_of_interview_length(demo_project):
    for doc in demo_project.documents():
        assert doc.participant in ROWS, doc.name
        assert 1200 <= doc.n_words <= 2500, (doc.name, doc.n_words)
        roles = {t.role for t in demo_project.turns(doc)}
        assert {"interviewer", "participant"} <= roles, doc.name


def test_no_real_names_only_placeholders(demo_project):
    # Pseudonymised as a team does: bracketed placeholders, no "Dr Smith"-style names.
    title = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Doctor|Professor)\.? (?!\[)[A-Z][a-z]+")
    for doc in demo_project.documents():
        text = demo_project.text(doc)
        assert not title.findall(text), (doc.name, title.findall(text)[:3])
        assert "[" in text  # placeholders are used


def answer_codings(project, coder):
    codes = {project.code("Would repeat").id: "yes", project.code("Would not repeat").id: "no"}
    out = {}
    for c in project.codings(coder=coder):
        if c.code_id in codes:
            doc = project.document(c.document_id)
            out.setdefault(doc.participant, set()).add(codes[c.code_id])
    return out


def test_every_transcript_answers_the_repeat_question_as_the_data_says(demo_project):
    answers = answer_codings(demo_project, "coder_a")
    assert set(answers) == set(ROWS), "every interview has its repeat answer coded"
    for pid, row in ROWS.items():
        assert answers[pid] == {row["would_repeat"]}, pid


def test_would_not_repeat_answers_are_explicit(demo_project):
    # Each "no" participant gives an explicit answer (reasons may be coded as well).
    no_code = demo_project.code("Would not repeat")
    explicit = set()
    for c in demo_project.codings(coder="coder_a", code=no_code.id):
        quote = demo_project.text(c.document_id)[c.start:c.end].lower()
        if re.search(r"\bno\b|\bnot\b|n't|never", quote):
            explicit.add(demo_project.document(c.document_id).participant)
    assert explicit == {pid for pid, row in ROWS.items() if row["would_repeat"] == "no"}


def test_two_coders_on_ten_transcripts(demo_project):
    docs_b = {c.document_id for c in demo_project.codings(coder="coder_b")}
    docs_a = {c.document_id for c in demo_project.codings(coder="coder_a")}
    assert len(docs_b) == 10 and docs_b <= docs_a and len(docs_a) == 28


def test_double_coded_kappa_is_realistic(demo_project):
    r = demo_project.agreement(["coder_a", "coder_b"], level="unit", unit="sentence")
    kappa = r["overall_pooled"]["cohen_kappa"]
    assert 0.6 <= kappa <= 0.85, kappa


def test_demo_command_prints_the_summary(tmp_path):
    from click.testing import CliRunner

    from qualbench.cli import main
    r = CliRunner().invoke(main, ["demo", "--no-tui", "--path", str(tmp_path / "d")])
    assert r.exit_code == 0, r.output
    assert "8 of 25 (32%)" in r.output and "20 of 28 (71%)" in r.output


def test_demo_refuses_a_non_empty_folder(tmp_path):
    from click.testing import CliRunner

    from qualbench.cli import main
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    r = CliRunner().invoke(main, ["demo", "--no-tui", "--path", str(tmp_path / "x")])
    assert r.exit_code == 1 and "not empty" in r.stderr


def test_excel_participant_table_matches_the_csv(tmp_path):
    import qualbench
    frames = []
    for name in ("participants.csv", "participants.xlsx"):
        p = qualbench.init_project(tmp_path / name.replace(".", "_"))
        p.import_participants(TRANSCRIPTS / name)
        frames.append(p.participants())
        assert p.attributes()["interview_date"] == "date" and p.attributes()["pain_2y"] == "number"
        p.close()
    assert frames[0].equals(frames[1])
