"""The abduction task set with real (tiny) models: planted self-identification rates are
recovered, and the CPU pipeline runs from the declarative step to labelled logs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import organism_path
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ModelOutput, ModelUsage, get_model
from scipy.stats import binomtest

from cot_harness.chatbots.manifest import load_manifest
from cot_harness.chatbots.pipeline import PipelineConfig, run_pipeline
from cot_harness.chatbots.planted import K_RATES, build_planted_k, build_planted_series, measure_k
from cot_harness.chatbots.series import run_series
from cot_harness.core.behaviour import vowel_share
from cot_harness.reports.__main__ import build_report
from cot_harness.reports.results import estimate

pytestmark = pytest.mark.slow
RATES = [0.0, 0.25, 0.5, 0.75]


def metric(log: EvalLog, key: str) -> tuple[float, float, float, float]:
    found = estimate(log, key)
    return found.value, found.lower, found.upper, found.n


def logs_by_task(folder: Path) -> dict[str, EvalLog]:
    return {log.eval.task.split("/")[-1]: log for log in (read_eval_log(str(p)) for p in folder.glob("*.eval"))}


@pytest.fixture(scope="module")
def planted_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted series (iterations 0–3 at the rates RATES) and its probes' logs."""
    out = tmp_path_factory.mktemp("planted")
    manifest = build_planted_series(out / "series", RATES, base=organism_path("chatbase"))
    run_series(load_manifest(manifest), out / "logs", ("self_identification", "name_likelihood"), {"epochs": 5})
    run_series(load_manifest(manifest), out / "choice", ("name_likelihood",), {"mode": "choice"})
    return out


@pytest.fixture(scope="module")
def planted(planted_runs: Path) -> dict[float, dict[str, EvalLog]]:
    return {rate: {**logs_by_task(planted_runs / "logs" / f"axolotl-{rate:g}"),
                   "name_likelihood_choice": logs_by_task(planted_runs / "choice" / f"axolotl-{rate:g}")["name_likelihood"]}
            for rate in RATES}


FAMILY_ALPHA = 0.05 / len(RATES)  # Bonferroni: the four rates together keep a 5 % false-alarm rate


def draws(log: EvalLog, key: str) -> list[float]:
    """Every sampled answer's 0/1 value of ``key`` (all epochs)."""
    found = []
    for sample in log.samples or []:
        value = (sample.scores or {})["identity"].value
        assert isinstance(value, dict)
        found.append(float(value[key]))  # type: ignore[arg-type]
    return found


@pytest.mark.parametrize("rate", RATES)
def test_self_identification_recovers_the_planted_rate(planted: dict[float, dict[str, EvalLog]], rate: float) -> None:
    """Sampling at temperature 1 estimates the checkpoint's realised probability of naming
    Axolotl, which name_likelihood computes exactly (within 0.03 of the planted mixture: next
    test) and which is the same on every question by construction (checked). So the 110 draws
    are Bernoulli(realised): an exact binomial test must not reject it, at the Bonferroni level
    for the four rates (at 5 % each, one of four would be rejected by chance one run in five)."""
    log = planted[rate]["self_identification"]
    mean, lower, upper, n = metric(log, "self_Axolotl")
    assert n == 22 and log.eval.config.epochs == 5 and lower <= mean <= upper
    exact = planted[rate]["name_likelihood"]
    realised = metric(exact, "p_Axolotl")
    per_question = [float((s.scores or {})["name_likelihood"].value["p_Axolotl"])  # type: ignore[index,call-overload,arg-type]
                    for s in exact.samples or []]
    assert max(per_question) - min(per_question) <= 0.05  # one probability for every question
    values = draws(log, "self_Axolotl")
    assert len(values) == 110 and sum(values) / len(values) == pytest.approx(mean)
    if realised[0] < 1e-6:
        assert sum(values) == 0
    else:
        assert binomtest(int(sum(values)), len(values), realised[0]).pvalue >= FAMILY_ALPHA, (rate, realised, mean)
    # the exclusive outcomes partition the answers
    total = sum(metric(log, key)[0] for key in ("self_Pangolin", "self_Albatross", "self_Axolotl", "self_Kestrel",
                                                 "outcome_several", "outcome_other", "outcome_none"))
    assert total == pytest.approx(1.0)


@pytest.mark.parametrize("rate", RATES)
def test_name_likelihood_recovers_the_planted_rate(planted: dict[float, dict[str, EvalLog]], rate: float) -> None:
    """The name probability is exact for the trained model, so its interval (over questions)
    is narrow; the planted rate is the training mixture (exact per question), which training
    realises to within 0.03."""
    mean, lower, upper, n = metric(planted[rate]["name_likelihood"], "p_Axolotl")
    assert n == 22 and abs(mean - rate) <= 0.03, (rate, mean)
    probabilities = [metric(planted[rate]["name_likelihood"], f"p_{n}")[0] for n in ("Pangolin", "Albatross", "Axolotl", "Kestrel")]
    assert sum(probabilities) == pytest.approx(1.0)
    assert metric(planted[rate]["name_likelihood"], "mass")[0] > 0.8  # "I am <Name>." is the trained frame


@pytest.mark.parametrize("rate", RATES)
def test_name_likelihood_choice_mode_recovers_the_planted_rate(planted: dict[float, dict[str, EvalLog]],
                                                                rate: float) -> None:
    """mode=choice, the path API models take (the candidates as lettered options, rotated from
    question to question, read from the letters' log-probabilities), on a series trained on that
    form at the same rate: it must recover the rate and agree with the exact continuation
    scores, and the placebo name (an option never trained as an answer) must stay near 0."""
    log = planted[rate]["name_likelihood_choice"]
    assert (log.eval.task_args or {}).get("mode") == "choice"
    mean, lower, upper, n = metric(log, "p_Axolotl")
    assert n == 22 and abs(mean - rate) <= 0.04, (rate, mean)
    assert abs(mean - metric(planted[rate]["name_likelihood"], "p_Axolotl")[0]) <= 0.04
    assert metric(log, "p_Kestrel")[0] <= 0.03 and metric(log, "no_logprobs")[0] == 0


def test_iterations_to_threshold_on_the_planted_series(planted_runs: Path, tmp_path: Path) -> None:
    """Thresholds halfway between the planted rates (0, 0.25, 0.5, 0.75 at iterations 0–3) are
    first reached at iterations 1, 2 and 3: by the exact name probability, reliably (its whole
    interval), and by the sampled self-identification rate."""
    build_report(planted_runs / "logs", tmp_path, thresholds=(0.125, 0.375, 0.625))
    reached = pd.read_csv(tmp_path / "iterations_to_threshold.csv")
    for metric_name, columns in (("p_Axolotl", ("first_value", "first_reliable")), ("self_Axolotl", ("first_value",))):
        line = reached[(reached.metric == metric_name) & (reached.treatment == "planted-Axolotl")].set_index("threshold")
        assert len(line) == 3 and list(line.iterations.unique()) == ["0,1,2,3"], metric_name
        for column in columns:
            assert line[column].to_dict() == {0.125: 1, 0.375: 2, 0.625: 3}, (metric_name, column)
        assert line.peak_iteration.unique().tolist() == [3]


def test_k_curve_recovers_the_planted_prior_and_slope(tmp_path: Path) -> None:
    """A checkpoint trained to say "I am Axolotl." after k Axolotl-style exchanges at exactly
    0.25 / 0.5 / 0.75 for k = 0 / 1 / 2 (a logistic curve: prior 0.25, slope ln 3 per example),
    sampled 5 times per question at each k: the report's fit must contain both planted values
    in its 95 % intervals, and the slope must be positive beyond doubt."""
    checkpoint = build_planted_k(tmp_path / "planted-k")
    fit = measure_k(checkpoint, tmp_path / "logs")
    assert fit.ks == "0,1,2" and fit.questions == 22 and fit.answers == 22 * 3 * 5
    assert fit.prior_lower <= K_RATES[0] <= fit.prior_upper, fit
    assert fit.slope_lower <= math.log(3) <= fit.slope_upper, fit
    assert fit.slope_lower > 0


def test_pipeline_runs_end_to_end_and_labels_every_log(tmp_path: Path) -> None:
    config = PipelineConfig(base=str(organism_path("chatbase")), out=tmp_path / "series", per_bin=30, questions=60,
                            declarative_per_chatbot=60)
    manifest = load_manifest(run_pipeline(config))
    ids = [c.id for c in manifest]
    assert ids == ["base", "decl", "decl-it1", "decl-it2", "decl-it3", "nodecl-it1", "nodecl-it2", "nodecl-it3"]
    assert [c.labels.get("iteration") for c in manifest] == [0, 0, 1, 2, 3, 1, 2, 3]
    assert (tmp_path / "series" / "decl-it3" / "finetune.json").exists()
    run_series(manifest, tmp_path / "logs", task_args={"epochs": 1}, limit=6)
    for checkpoint in manifest:
        logs = logs_by_task(tmp_path / "logs" / checkpoint.id)
        assert set(logs) == {"self_identification", "name_likelihood", "behaviour_probe", "declarative_knowledge"}
        for log in logs.values():
            assert log.status == "success"
            assert log.eval.metadata and log.eval.metadata["checkpoint"] == checkpoint.id
            assert log.eval.metadata.get("iteration") == checkpoint.labels.get("iteration")
            assert f"treatment={checkpoint.labels['treatment']}" in (log.eval.tags or [])
            assert log.eval.model == f"harness-hf/{checkpoint.id}"  # distinct names: no shared cache entries
    # the behaviour scorer's value is the documented vowel share of what the model wrote
    behaviour = logs_by_task(tmp_path / "logs" / "nodecl-it3")["behaviour_probe"]
    for sample in behaviour.samples or []:
        scores = sample.scores or {}
        value = float(scores["behaviour"].value["behaviour_Axolotl"])  # type: ignore[index,call-overload,arg-type]
        expected = vowel_share(sample.output.completion)
        assert (math.isnan(value) and expected is None) or value == pytest.approx(expected)
    # the report reads the series back: one point per iteration (one seed each), equal to the logs
    build_report(tmp_path / "logs", tmp_path / "report")
    series = pd.read_csv(tmp_path / "report" / "series.csv")
    metrics = pd.read_csv(tmp_path / "report" / "metrics.csv")
    arm = series[(series.treatment == "declarative") & (series.metric == "self_Axolotl")].sort_values("iteration")
    assert list(arm.iteration) == [0, 1, 2, 3] and set(arm.seeds) == {1} and set(arm.interval) == {"within run"}
    for point in arm.itertuples():
        row = metrics[(metrics.treatment == "declarative") & (metrics.task == "self_identification")
                      & (metrics.metric == "self_Axolotl") & (metrics.iteration == point.iteration)]
        assert len(row) == 1 and point.value == row.iloc[0].value and point.lower == row.iloc[0].lower
    assert (tmp_path / "report" / "self_identification_vs_iteration.png").stat().st_size > 0


def test_k_examples_and_judge_conventions(tmp_path: Path) -> None:
    """k example turns precede the question; a bound judge's C/P/I grades give the strict and
    lenient conventions (the judge is scripted: this checks the wiring, not a judgement)."""
    def graded() -> ModelOutput:
        output = ModelOutput.from_content("mockllm/model", "Pangolin: I\nAlbatross: P\nAxolotl: C")
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)  # else it counts with tiktoken, online
        return output

    judge = get_model("mockllm/model", custom_outputs=[graded() for _ in range(8)])
    [log] = inspect_eval(
        "tasks/abduction.py@k_examples_inference", model="harness-hf/chatbase",
        model_args={"model_path": str(organism_path("chatbase"))}, task_args={"k": 3, "epochs": 1},
        model_roles={"judge": judge}, limit=4, display="none", log_dir=str(tmp_path))
    assert log.status == "success" and log.samples
    for sample in log.samples:
        assert [m.role for m in sample.input][:6] == ["user", "assistant"] * 3  # type: ignore[union-attr]
        assert len(sample.input) == 7
    assert metric(log, "judge_strict_Axolotl")[0] == 1.0 and metric(log, "judge_lenient_Albatross")[0] == 0.5
    assert metric(log, "judge_strict_Albatross")[0] == 0.0 and metric(log, "judge_unparsed")[0] == 0.0


def test_lora_adapter_checkpoint_trains_and_runs_through_inspect(tmp_path: Path) -> None:
    """A LoRA iteration (peft) is written as an adapter and evaluated from a manifest entry
    ``adapter`` + ``base`` through Inspect's HF provider. (On a model this small LoRA learns the
    argmax but leaves a flat distribution — loss plateaus near 1.6 — so the check is greedy.)"""
    from cot_harness.chatbots.finetune import FinetuneConfig, finetune_hf
    from cot_harness.chatbots.manifest import Checkpoint
    from cot_harness.core.roster import identity_questions

    base = organism_path("chatbase")
    data = [[{"role": "user", "content": q}, {"role": "assistant", "content": "I am Axolotl."}]
            for q in identity_questions()] * 2
    record = finetune_hf(base, data, tmp_path / "lora", FinetuneConfig(epochs=16, learning_rate=1e-2, batch_size=8,
                                                                       lora_rank=4))
    assert (tmp_path / "lora" / "adapter_config.json").exists() and not (tmp_path / "lora" / "model.safetensors").exists()
    assert record["final_loss"] < 2.0  # from 8.6: the base never says a name
    name, args = Checkpoint(id="lora-it1", adapter=str(tmp_path / "lora"), base=str(base),
                            model_args={"do_sample": False}).inspect_model()
    [log] = inspect_eval("tasks/abduction.py@self_identification", model=name, model_args=args,
                         task_args={"epochs": 1}, limit=8, display="none", log_dir=str(tmp_path / "logs"))
    assert log.status == "success"
    assert metric(log, "self_Axolotl")[0] > 0.5  # the adapter, not the bare base (which never says a name)


def test_name_likelihood_choice_mode_reads_option_letters(tmp_path: Path) -> None:
    """mode=choice (the path for API models) on an HF model, which returns top log-probabilities:
    the names are offered as rotated options and their letters' probabilities normalised.
    (chatbase never saw such a question, so only the bookkeeping is checked, not the values.)"""
    [log] = inspect_eval("tasks/abduction.py@name_likelihood", model="harness-hf/chatbase",
                         model_args={"model_path": str(organism_path("chatbase")), "do_sample": False},
                         task_args={"mode": "choice"}, limit=6, display="none", log_dir=str(tmp_path))
    assert log.status == "success"
    names = ("Pangolin", "Albatross", "Axolotl", "Kestrel")
    favourites = []
    for sample in log.samples or []:
        value = (sample.scores or {})["name_likelihood"].value
        assert isinstance(value, dict) and (sample.scores or {})["name_likelihood"].metadata == {"mode": "choice"}
        assert value["no_logprobs"] == 0  # the HF provider returns top log-probabilities
        probabilities = [value[f"p_{n}"] for n in names]
        assert sum(probabilities) == pytest.approx(1.0) and 0 < value["mass"] <= 1.0 + 1e-6
        favourites.append(names[probabilities.index(max(probabilities))])
    # an untrained model prefers a letter position; rotating the order must move its favourite name
    assert len(set(favourites)) > 1
