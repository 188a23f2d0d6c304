"""Benchmarks (``qualbench bench``): timings live here, never in unit tests.

Each benchmark builds its own data in a temporary folder from a fixed seed, so runs are
comparable between machines and commits. Results are printed as a small table.
"""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Callable

VOCAB = ("pain stimulation night sleep better worse doctor hospital battery settings walk "
         "garden family work tired hope again operation wound headache remote visit nurse "
         "medication morning evening relief burning shock arm face leg really quite maybe "
         "always never sometimes the a and but so because I you we it was is were had have "
         "not very much more less").split()


def synthetic_transcript(rng: random.Random, n_words: int) -> str:
    turns, written, speaker = [], 0, 0
    while written < n_words:
        sentences = []
        for _ in range(rng.randint(1, 6)):
            k = rng.randint(4, 18)
            words = [rng.choice(VOCAB) for _ in range(k)]
            sentences.append(" ".join(words).capitalize() + rng.choice(".?!."))
            written += k
        turns.append(("I: " if speaker == 0 else "P: ") + " ".join(sentences))
        speaker ^= 1
    return "\n\n".join(turns) + "\n"


def bench_import(total_words: int = 1_000_000, n_docs: int = 200,
                 echo: Callable[[str], None] = print) -> dict:
    from .project import init_project

    rng = random.Random(20261121)
    with tempfile.TemporaryDirectory(prefix="qualbench-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        src.mkdir()
        for i in range(n_docs):
            (src / f"P{i + 1:04d}.txt").write_text(
                synthetic_transcript(rng, total_words // n_docs), encoding="utf-8")
        project = init_project(tmp / "proj")
        t0 = time.perf_counter()
        report = project.import_files(sorted(src.iterdir()))
        seconds = time.perf_counter() - t0
        project.close()
        size = sum(f.stat().st_size for f in (tmp / "proj").glob("qualbench.db*"))
    result = {"documents": len(report.imported), "words": report.words,
              "segments": report.segments, "seconds": seconds,
              "words_per_second": report.words / seconds, "db_mb": size / 1e6}
    echo(f"import   {result['documents']} docs, {result['words']:,} words, {result['segments']:,} segments "
         f"in {seconds:.1f} s = {result['words_per_second']:,.0f} words/s; database {result['db_mb']:.1f} MB")
    return result


def bench_agreement(n_chars: int = 1_000_000, n_codes: int = 40, n_docs: int = 100,
                    echo: Callable[[str], None] = print) -> dict:
    """Character-level agreement, 2 coders, spans of 20-400 chars covering ~30% per code."""
    from .analysis.agreement import character_agreement

    rng = random.Random(7)
    length = n_chars // n_docs
    documents = []
    for d in range(n_docs):
        spans = {}
        for coder in ("a", "b"):
            spans[coder] = {}
            for k in range(n_codes):
                items = []
                for _ in range(length // 2000):
                    s = rng.randrange(0, length - 400)
                    items.append([s, s + rng.randint(20, 400)])
                spans[coder][f"code{k}"] = items
        documents.append({"id": f"D{d}", "length": length, "spans": spans})
    n_spans = sum(len(v) for doc in documents for c in doc["spans"].values() for v in c.values())
    t0 = time.perf_counter()
    character_agreement(documents, ["a", "b"], [f"code{k}" for k in range(n_codes)])
    seconds = time.perf_counter() - t0
    echo(f"agree    character level, {n_chars:,} chars x {n_codes} codes x 2 coders "
         f"({n_docs} documents, {n_spans:,} spans) in {seconds:.2f} s")
    return {"seconds": seconds, "spans": n_spans}


def bench_merge(per_code: int = 5_000, echo: Callable[[str], None] = print) -> dict:
    """Merge two codes with 5,000 codings each, undo it, and rebuild the code tree."""
    from .project import init_project

    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="qualbench-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "P01.txt").write_text(synthetic_transcript(rng, 60_000), encoding="utf-8")
        p = init_project(tmp / "proj")
        p.import_files([tmp / "P01.txt"])
        n = p.document("P01").n_chars
        for name in ("A", "B"):
            p.create_code(name)
        coder_id = p.ensure_coder("ann")
        a_id, b_id = p.code("A").id, p.code("B").id
        doc_id = p.document("P01").id
        rows = []
        for code_id in (a_id, b_id):
            for _ in range(per_code):
                s = rng.randrange(0, n - 300)
                rows.append((doc_id, code_id, coder_id, s, s + rng.randint(10, 300), "", 0, "now"))
        with p.store.write():
            p.db.conn.executemany('INSERT INTO codings (document_id, code_id, coder_id, start, "end", memo, '
                                  "starred, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        t0 = time.perf_counter()
        result = p.merge_codes(["B"], into="A", actor="ann", reason="bench")
        merge_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        tree = p.code_tree()
        counts = p.store.query("SELECT code_id, COUNT(*) AS n FROM codings GROUP BY code_id")
        tree_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        p.undo("ann")
        undo_s = time.perf_counter() - t0
        p.close()
    echo(f"merge    two codes x {per_code:,} codings: merge {merge_s:.2f} s "
         f"({result['moved']:,} moved, {result['collapsed']} collapsed), undo {undo_s:.2f} s, "
         f"tree + counts {tree_s * 1000:.1f} ms ({len(tree)} roots, {len(counts)} codes)")
    return {"merge_seconds": merge_s, "undo_seconds": undo_s, "tree_seconds": tree_s}


def _project_with_codings(tmp: Path, n_words: int, codes: dict[str, int], seed: int):
    """A one-interview project with ``codes`` (name -> number of codings by 'ann'),
    written straight to the store: the benchmark times what comes after, not this."""
    from .project import init_project

    rng = random.Random(seed)
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "P01.txt").write_text(synthetic_transcript(rng, n_words), encoding="utf-8")
    p = init_project(tmp / "proj")
    p.import_files([tmp / "P01.txt"])
    n = p.document("P01").n_chars
    p.create_code("Theme", kind="theme")
    for name in codes:
        p.create_code(name, parent="Theme")
    coder_id = p.ensure_coder("ann")
    doc_id = p.document("P01").id
    rows = []
    for name, count in codes.items():
        code_id = p.code(name).id
        for _ in range(count):
            s = rng.randrange(0, n - 300)
            rows.append((doc_id, code_id, coder_id, s, s + rng.randint(40, 300), "", 0, "now"))
    with p.store.write():
        p.db.conn.executemany('INSERT INTO codings (document_id, code_id, coder_id, start, "end", memo, '
                              "starred, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return p


def bench_docx(n_quotes: int = 5_000, echo: Callable[[str], None] = print) -> dict:
    """The Word quote table with every quote of 50 codes (5,000 rows), written to disk."""
    codes = {f"Code {k:02d}": max(1, n_quotes // 50) for k in range(50)}
    with tempfile.TemporaryDirectory(prefix="qualbench-bench-") as tmp:
        p = _project_with_codings(Path(tmp), 150_000, codes, seed=5)
        t0 = time.perf_counter()
        export = p.export_docx("quotes", per_code=0, actor="ann")
        seconds = time.perf_counter() - t0
        size = export.path.stat().st_size
        rows = export.info.get("quotes", n_quotes) if isinstance(export.info, dict) else n_quotes
        p.close()
    echo(f"docx     quote table, {rows:,} quotes of 50 codes, in {seconds:.1f} s ({size / 1e6:.1f} MB)")
    return {"seconds": seconds, "bytes": size, "quotes": rows}


def bench_workbench(words: int = 55_000, per_code: int = 5_000, echo: Callable[[str], None] = print) -> dict:
    """The workbench as a user meets it (Textual's headless driver, 120x40): open a
    300,000-character interview, page down, Enter in the code picker to the coloured
    span; and the codebook tree reread and repainted after merging 2 x 5,000 codings."""
    import asyncio

    from .tui.app import QualbenchApp
    from .tui.screens.codebook import CodebookScreen
    from .tui.widgets.transcript import TranscriptView

    async def pause(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    # Time to the last line the transcript draws after a key, as the user sees it; the
    # Pilot's pause() would add its own wait for the next idle (~130 ms) to every figure.
    drawn = {"last": 0.0}
    render_line = TranscriptView.render_line

    def timed_render_line(self, y):
        strip = render_line(self, y)
        drawn["last"] = time.perf_counter()
        return strip

    async def reading(p) -> dict:
        out = {}
        app = QualbenchApp(p, coder="ann")
        TranscriptView.render_line = timed_render_line
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                await pause(pilot)
                t0 = time.perf_counter()
                await pilot.press("enter")
                await pause(pilot)
                out["open"] = drawn["last"] - t0
                out["lines"] = len(app.screen.query_one(TranscriptView).wrapped)
                t0 = time.perf_counter()
                await pilot.press("pagedown")
                await pilot.pause()
                out["page"] = drawn["last"] - t0
                await pilot.press("c", *"cod 01")
                await pilot.pause()
                t0 = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                out["code"] = drawn["last"] - t0
        finally:
            TranscriptView.render_line = render_line
        return out

    async def merging(p) -> dict:
        out = {}
        app = QualbenchApp(p, coder="ann")
        async with app.run_test(size=(120, 40)) as pilot:
            await pause(pilot)
            await pilot.press("f3")
            await pause(pilot)
            screen = app.screen
            assert isinstance(screen, CodebookScreen)
            t0 = time.perf_counter()
            p.merge_codes(["Code B"], into="Code A", actor="ann", reason="bench")
            out["merge"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            screen.reload()
            await pilot.pause()
            out["tree"] = time.perf_counter() - t0
        return out

    with tempfile.TemporaryDirectory(prefix="qualbench-bench-") as tmp:
        # A long interview coded as a real one is (300 codings), then a heavily coded one.
        p = _project_with_codings(Path(tmp) / "read", words, {f"Code {k:02d}": 10 for k in range(30)}, seed=3)
        n_chars = p.document("P01").n_chars
        t = asyncio.run(reading(p))
        p.close()
        p = _project_with_codings(Path(tmp) / "merge", words, {"Code A": per_code, "Code B": per_code}, seed=4)
        p.settings.blind_mode = "off"
        t.update(asyncio.run(merging(p)))
        p.close()
    echo(f"tui      {n_chars:,}-character interview with 300 codings ({t['lines']:,} screen lines): "
         f"open {t['open'] * 1000:.0f} ms, page down {t['page'] * 1000:.0f} ms, picker Enter to coloured span "
         f"{t['code'] * 1000:.0f} ms; merge 2 x {per_code:,} codings {t['merge'] * 1000:.0f} ms, codebook tree "
         f"reread + repaint {t['tree'] * 1000:.0f} ms")
    return t


BENCHMARKS: dict[str, Callable[..., dict]] = {
    "import": bench_import, "agreement": bench_agreement, "merge": bench_merge,
    "docx": bench_docx, "workbench": bench_workbench}
