"""Every benchmark runs (at toy sizes, so it cannot rot unnoticed) and reports what it
measured. No timing is asserted: that is what 'qualbench bench' is for."""
from __future__ import annotations

from qualbench import bench


def test_every_benchmark_runs_at_a_small_size():
    lines: list[str] = []
    out = {
        "import": bench.bench_import(total_words=3_000, n_docs=3, echo=lines.append),
        "agreement": bench.bench_agreement(n_chars=40_000, n_codes=3, n_docs=4, echo=lines.append),
        "merge": bench.bench_merge(per_code=40, echo=lines.append),
        "docx": bench.bench_docx(n_quotes=100, echo=lines.append),
        "workbench": bench.bench_workbench(words=3_000, per_code=40, echo=lines.append),
    }
    assert set(out) == set(bench.BENCHMARKS)
    assert out["import"]["documents"] == 3 and out["import"]["words"] >= 3_000
    assert out["agreement"]["spans"] > 0
    assert out["docx"]["bytes"] > 10_000
    assert out["workbench"]["lines"] > 0 and out["workbench"]["tree"] > 0
    assert all(v > 0 for k, v in out["merge"].items())
    assert [line.split()[0] for line in lines] == ["import", "agree", "merge", "docx", "tui"]
