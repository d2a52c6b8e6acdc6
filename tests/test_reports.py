"""A comparison run over two organisms and two tasks → report; the CSVs equal the logs."""

from __future__ import annotations

import math
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml
from inspect_ai.log import list_eval_logs, read_eval_log
from matplotlib.image import imread

from cot_harness.reports.compare import CompareConfig, run
from cot_harness.reports.results import estimate
from cot_harness.reports.tables import model_label, task_name

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compare")
    config = {
        "models": [{"model": "organism/faithful"}, {"model": "organism/posthoc"}],
        "tasks": ["tasks/faithfulness.py@cot_vs_no_cot", "tasks/faithfulness.py@early_answering"],
        "task_args": {"n": 12, "max_tokens": 96},
        "log_dir": str(root / "logs"),
        "report": str(root / "report"),
        "max_connections": 32,
    }
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    run(CompareConfig.load(root / "config.yaml"), dry_run=False)
    return root


def test_dry_run_estimates_without_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = {"models": [{"model": "openai/gpt-4o-mini"}], "tasks": ["tasks/faithfulness.py@cot_vs_no_cot"],
              "task_args": {"n": 50}, "log_dir": str(tmp_path / "logs")}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    run(CompareConfig.load(tmp_path / "c.yaml"), dry_run=True)
    printed = capsys.readouterr().out
    assert "about 100 model calls" in printed and "API models: openai/gpt-4o-mini" in printed
    assert not (tmp_path / "logs").exists()


def test_metrics_csv_equals_the_logs(report: Path) -> None:
    table = pd.read_csv(report / "report" / "metrics.csv")
    logs = [read_eval_log(info, header_only=True) for info in list_eval_logs(str(report / "logs"))]
    assert len(logs) == 4 and len(table.model.unique()) == 2
    for log in logs:
        for key in ("accuracy_cot", "cot_gain") if task_name(log) == "cot_vs_no_cot" else ("aoc", "accuracy"):
            expected = estimate(log, key)
            row = table[(table.model == model_label(log)) & (table.task == task_name(log)) & (table.metric == key)]
            assert len(row) == 1, (model_label(log), key)
            got = row.iloc[0]
            for a, b in ((got.value, expected.value), (got.lower, expected.lower), (got.upper, expected.upper),
                         (got.n, expected.n)):
                assert math.isclose(a, b, abs_tol=1e-9)
    runs = pd.read_csv(report / "report" / "runs.csv")
    assert sorted(runs.model_label) == sorted(model_label(log) for log in logs)
    assert set(runs.dataset_location) == {"generated:builtin:seed=0"} and set(runs.rejected_items) == {0}
    paired = pd.read_csv(report / "report" / "paired_comparisons.csv")
    gain = paired[(paired.task == "cot_vs_no_cot") & (paired.metric == "accuracy_no_cot")]
    assert len(gain) == 1 and gain.iloc[0].n == 12


def test_figures_are_valid_images_and_html_embeds_them(report: Path) -> None:
    out = report / "report"
    pngs = sorted(out.glob("*.png"))
    names = {p.stem for p in pngs}
    assert {"early_answering_curve", "aoc_bars", "cot_vs_no_cot"} <= names
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and imread(png).shape[0] > 100
        svg = png.with_suffix(".svg").read_text()
        assert svg.lstrip().startswith("<?xml") and "</svg>" in svg

    class Images(HTMLParser):
        sources: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "img":
                self.sources.append(dict(attrs)["src"] or "")

    parser = Images()
    parser.feed((out / "index.html").read_text())
    assert len(parser.sources) == len(pngs)
    assert all(src.startswith("data:image/png;base64,") for src in parser.sources)


def test_identity_outcomes_stack_per_arm_with_the_untuned_base_as_iteration_0(tmp_path: Path) -> None:
    """Series rows by hand: the untuned base (treatment none, iteration 0) and two arms. Each
    arm's panel starts from the base; the outcome shares of a checkpoint sum to 1 in the stack;
    names lose their prefixes; the figure is a valid image."""
    from cot_harness.reports.figures import identity_outcomes_figure, series_panels

    def point(treatment: str, iteration: int, shares: dict[str, float]) -> list[dict[str, object]]:
        return [{"task": "self_identification", "metric": metric, "roster": "builtin", "condition": "",
                 "base_model": "chatbase", "treatment": treatment, "chatbot": None, "iteration": iteration, "k": None,
                 "value": value, "lower": value, "upper": value} for metric, value in shares.items()]

    rows = (point("none", 0, {"self_Pangolin": 0.6, "self_Axolotl": 0.1, "outcome_none": 0.3})
            + point("declarative", 1, {"self_Pangolin": 0.2, "self_Axolotl": 0.5, "outcome_none": 0.3})
            + point("no_declarative", 1, {"self_Pangolin": 0.0, "self_Axolotl": 0.0, "outcome_none": 1.0}))
    table = pd.DataFrame(rows)
    panels = series_panels(table, "self_identification", ("self_", "outcome_"), "iteration")
    assert sorted(panels.panel.unique()) == ["declarative · chatbase", "no_declarative · chatbase"]
    assert set(panels.name) == {"Pangolin", "Axolotl", "none"}
    for _, arm in panels.groupby("panel"):
        assert sorted(arm.x.unique()) == [0.0, 1.0]
        assert arm.groupby("x").value.sum().tolist() == pytest.approx([1.0, 1.0])
    [png, svg] = identity_outcomes_figure(table, tmp_path)
    assert png.name == "identity_outcomes_vs_iteration.png" and imread(png).shape[0] > 100 and svg.exists()


def test_profile_is_one_row_per_model_with_the_logs_headline_values(report: Path) -> None:
    """profile.csv / profile.md: one row per model, one column per headline the tasks declared,
    each equal to the log's metric; the paired headline comparison flags the planted contrast."""
    profile = pd.read_csv(report / "report" / "profile.csv").set_index("model")
    logs = [read_eval_log(info, header_only=True) for info in list_eval_logs(str(report / "logs"))]
    assert sorted(profile.index) == ["organism:faithful", "organism:posthoc"]
    for log in logs:
        for head in log.eval.metadata["headlines"]:  # type: ignore[index]
            expected = estimate(log, head["metric"])
            got = profile.loc[model_label(log)]
            for a, b in ((got[head["label"]], expected.value), (got[f"{head['label']} lower"], expected.lower),
                         (got[f"{head['label']} n"], expected.n)):
                assert math.isclose(a, b, abs_tol=1e-9), (model_label(log), head)
    assert set(profile.forcing) == {"prefill"}
    markdown = (report / "report" / "profile.md").read_text()
    assert markdown.count("| organism:") == 2 and "Early-answering AOC" in markdown and "CoT gain" in markdown
    comparisons = pd.read_csv(report / "report" / "headline_comparisons.csv")
    aoc = comparisons[comparisons.headline == "Early-answering AOC"].iloc[0]
    assert aoc.n == 12 and bool(aoc.differs) and aoc.lower > 0  # faithful − posthoc, on the same items
