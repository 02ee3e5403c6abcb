"""Retrieval quality on real data, measured against the issue's targets.

Writes docs/benchmarks.md between the `retrieval-quality` markers. Measures:

- Bandai Namco Research Motion Dataset 1 (CC BY-NC 4.0): the natural-language queries of
  motiondirector/evaluation/cases/retrieval_queries.yaml, text only, over a library of its 174 clips: top-1 and R@5
  content and style accuracy, MRR and median rank;
- the built-in gesture library: the share of its clips whose own lexeme is top-1 for a
  paraphrase of the clip ("named" wording, the issue's figure; "described" wording, the movement
  told without its name), text only and with the clip's hand and emotion as query tags.

    .venv/bin/python benchmarks/retrieval_quality.py      # about a minute on 2 cores
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "motiondirector" / "evaluation" / "cases" / "retrieval_queries.yaml"
BANDAI = ROOT.parent / "shared" / "data" / "mocap" / "bandai-namco-1"
START, END = "<!-- retrieval-quality:start -->", "<!-- retrieval-quality:end -->"


def pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def main() -> None:
    from motiondirector.evaluation import (
        builtin_paraphrase_report,
        evaluate_bandai,
        load_queries,
    )
    from motiondirector.retrieval import ClipLibrary
    from motiondirector.retrieval.ingest import ingest_builtin, ingest_bvh_folder

    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        bandai = ClipLibrary.create(Path(scratch) / "bandai", ingest_bvh_folder(BANDAI).records)
        report = evaluate_bandai(bandai, load_queries(QUERIES))
        builtin = ClipLibrary.create(Path(scratch) / "builtin", ingest_builtin().records)
        paraphrases = {
            (wording, tags): builtin_paraphrase_report(builtin, with_tags=tags, wording=wording)
            for wording in ("named", "described")
            for tags in (False, True)
        }
    took = time.perf_counter() - began

    named = paraphrases[("named", False)]
    lines = [
        "## Retrieval quality (issue: motion library and FAISS retrieval)",
        "",
        f"Measured by `benchmarks/retrieval_quality.py` ({platform.machine()}, Python "
        f"{sys.version.split()[0]}), all-MiniLM-L6-v2 embeddings, `search_clips` with the query "
        f"text alone unless said otherwise. Whole run {took:.0f} s.",
        "",
        f"Bandai Namco Research Motion Dataset 1 (174 clips, CC BY-NC 4.0), {report.queries} "
        f"queries written for it (`motiondirector/evaluation/cases/retrieval_queries.yaml`), {report.styled_queries} "
        "of them naming a style. Style accuracy counts a clip of the named style; "
        '"both" needs content and style in the same clip.',
        "",
        "| measure | top-1 | R@5 |",
        "|---|---|---|",
        f"| content | {pct(report.top1_content)} | {pct(report.r5_content)} |",
        f"| style | {pct(report.top1_style)} | {pct(report.r5_style)} |",
        f"| content and style | {pct(report.top1_both)} | {pct(report.r5_both)} |",
        "",
        f"MRR {report.mrr:.3f}, median rank {report.median_rank:g} (first clip that answers the "
        "query in full).",
        "",
        "Queries whose top-1 missed:",
        "",
        "| query | expected | top-1 | rank of the first right clip |",
        "|---|---|---|---|",
    ]
    for o in report.per_query:
        if o.rank != 1:
            expected = "/".join(o.query.content) + (
                f" ({'/'.join(o.query.style)})" if o.query.style else ""
            )
            lines.append(
                f"| {o.query.text} | {expected} | {o.top_content} ({o.top_style}) | {o.rank} |"
            )
    lines += [
        "",
        f"Built-in gesture library ({named.clips} clips): a paraphrase of each clip, worded "
        "unlike the descriptions the library embeds, is searched for; the share whose top-1 "
        "clip has the clip's own lexeme (target ≥ 95 %) and the share that finds the very clip.",
        "",
        "| paraphrase wording | query | own lexeme top-1 | exact clip top-1 |",
        "|---|---|---|---|",
    ]
    for (wording, tags), rep in paraphrases.items():
        query = "text + hand and emotion tags" if tags else "text only"
        lines.append(f"| {wording} | {query} | {pct(rep.share)} | {pct(rep.exact_share)} |")
    confused: dict[str, int] = {}
    for miss in named.misses:
        pair = f"{miss.clip_id.split('.')[0]} → {miss.top_id.split('/')[-1].split('.')[0]}"
        confused[pair] = confused.get(pair, 0) + 1
    worst = ", ".join(f"{pair} ×{n}" for pair, n in sorted(confused.items(), key=lambda i: -i[1]))
    lines += [
        "",
        '"named" calls the movement by its everyday name ("someone nods their head, with a '
        'big movement"); "described" tells it without the name ("someone moves the head up '
        'and down, agreeing"). Lexemes the named text-only paraphrases were confused with: '
        f"{worst}.",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section("retrieval-quality", markdown)


if __name__ == "__main__":
    main()
