"""Property test of the text invariants: spans round-trip and segments tile turns."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qualbench

WORDS = st.text(alphabet=string.ascii_letters + "éüß🙂'", min_size=1, max_size=8)
SENTENCE = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(WORDS, min_size=1, max_size=6),
                     st.sampled_from([".", "!", "?", "", "...", "  "]))
TURN = st.builds(lambda label, sents, sep: f"{label}{' '.join(sents)}{sep}",
                 st.sampled_from(["I: ", "P: ", "Interviewer: ", "[00:01:02] P07: ", ""]),
                 st.lists(SENTENCE, min_size=1, max_size=5), st.sampled_from(["\n\n", "\n", "\r\n\r\n"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TURN, min_size=1, max_size=6))
def test_segments_tile_turns_and_spans_round_trip(tmp_path_factory, turns):
    text = "".join(turns)
    if not text.strip():
        return
    folder = tmp_path_factory.mktemp("prop")
    (folder / "P01.txt").write_text(text, encoding="utf-8")
    p = qualbench.init_project(folder / "proj")
    try:
        p.import_files([folder / "P01.txt"])
        doc = p.document("P01")
        stored = p.text(doc)
        assert "\r" not in stored and not stored.startswith("\ufeff")
        segs = p.segments(doc)
        for turn in p.turns(doc):
            assert 0 <= turn.start < turn.end <= len(stored)
            assert stored[turn.start:turn.end] == stored[turn.start:turn.end].strip()
            mine = [s for s in segs if s.turn_id == turn.id]
            assert mine[0].start == turn.start and mine[-1].end == turn.end
            assert all(a.end == b.start for a, b in zip(mine, mine[1:]))
            for s in mine:
                assert stored[s.start:s.end] == s.text and s.start < s.end
    finally:
        p.close()
