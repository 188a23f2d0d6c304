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


BENCHMARKS: dict[str, Callable[..., dict]] = {"import": bench_import}
