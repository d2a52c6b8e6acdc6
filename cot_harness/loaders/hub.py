"""Public reasoning datasets: from the Hugging Face hub (default, pinned) or a local copy.

Each dataset has one converter from its hub record schema to a ``Question``. The same
converter reads a local file in that schema (``-T path=...``), and the original release
formats are read too (BBH's ``tasks/<task>.json``, GSM8K's ``test.jsonl``, AQuA's JSON lines).
Items that cannot be converted are *reported* with their location and reason, never dropped
silently (``LoadResult.rejected``).

Revisions are pinned to commits other evaluation code pins too (inspect_evals, lm-eval-harness
users); ``-T revision=<sha>`` overrides a pin, and the revision used is the dataset location in
the log. Two hub repos hold only a loading script, which ``datasets`` 4 and later cannot run:
BBH is read from ``SaylorTwift/bbh`` (the same files as parquet, what lm-eval-harness moved to),
LogiQA from the hub's parquet conversion branch of ``lucasmccabe/logiqa``.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cot_harness.core.files import read_text
from cot_harness.core.paths import user_path
from cot_harness.loaders.common import DatasetError, Question, letter_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HubSource:
    path: str
    name: str | None
    split: str
    revision: str  # a commit, or the parquet conversion branch for a script-only repo
    convert: Callable[[dict[str, Any], str, str], Question]


@dataclass
class LoadResult:
    questions: list[Question] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    location: str = ""  # where the records came from: a file, or hub path:config:split@revision


Records = list[tuple[str, dict[str, Any]]]  # (where the record is, the record)


class Rejected(ValueError):
    """An item that cannot become a question (the message says why)."""


def _mc(question: str, options: list[str], answer: str, qid: str, dataset: str, cot: list[str] | None = None) -> Question:
    if len(options) < 2:
        raise Rejected(f"only {len(options)} options")
    for i, option in enumerate(options):
        if option in options[:i]:
            first = options.index(option)
            raise Rejected(f"options ({chr(65 + first)}) and ({chr(65 + i)}) are identical: {option!r}")
    return Question(qid, question.strip(), letter_for(answer, options, qid), options, dataset, cot or [])


# --- converters: hub record → Question --------------------------------------------------------


def gsm8k_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    answer = str(record["answer"])
    if "####" not in answer:
        raise Rejected("answer has no '#### <number>' line")
    work, final = answer.rsplit("####", 1)
    number = final.strip().replace(",", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", number):
        raise Rejected(f"final answer {final.strip()!r} is not a number")
    steps = [re.sub(r"<<[^>]*>>", "", line).strip() for line in work.strip().splitlines() if line.strip()]
    return Question(qid, str(record["question"]).strip(), str(int(float(number))) if float(number).is_integer()
                    else number, [], dataset, steps)


def aqua_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    options = []
    for raw in record["options"]:
        match = re.match(r"^\s*([A-E])\s*\)\s*(.*)$", str(raw), re.S)
        if not match:
            raise Rejected(f"option {raw!r} is not of the form 'A)...'")
        options.append(match.group(2).strip())
    rationale = [s.strip() for s in str(record.get("rationale", "")).splitlines() if s.strip()]
    return _mc(str(record["question"]), options, str(record["correct"]), qid, dataset, rationale)


_BBH_OPTION = re.compile(r"^\(([A-Z])\)\s*(.*)$")


def bbh_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    text = str(record["input"])
    target = str(record["target"]).strip()
    if "\nOptions:\n" in text:
        stem, block = text.split("\nOptions:\n", 1)
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        parsed = [_BBH_OPTION.match(line) for line in lines]
        if all(parsed):
            options = [m.group(2) for m in parsed if m]
            return _mc(stem, options, target, qid, dataset)
        if all(line.startswith("- ") for line in lines):  # "navigate": "- Yes / - No" options
            return Question(qid, stem.strip(), target, [], dataset, text_answer=True)
        raise Rejected("options block is neither '(A) …' lines nor '- …' lines")
    if re.fullmatch(r"-?\d+", target):
        return Question(qid, text.strip(), target, [], dataset)
    return Question(qid, text.strip(), target, [], dataset, text_answer=True)


def _letter_at(index: Any, options: list[str]) -> str:
    """The letter of a 0-based answer index (never read as option text: MMLU options are often numbers)."""
    if not 0 <= int(index) < len(options):
        raise Rejected(f"answer index {index} out of range for {len(options)} options")
    return chr(65 + int(index))


def arc_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    labels = [str(x) for x in record["choices"]["label"]]
    answer_key = str(record["answerKey"])
    if answer_key not in labels:
        raise Rejected(f"answerKey {answer_key!r} not among labels {labels}")
    options = [str(x) for x in record["choices"]["text"]]
    return _mc(str(record["question"]), options, _letter_at(labels.index(answer_key), options), qid, dataset)


def openbookqa_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    return arc_record({"question": record["question_stem"], **record}, qid, dataset)


def mmlu_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    options = [str(c) for c in record["choices"]]
    return _mc(str(record["question"]), options, _letter_at(record["answer"], options), qid, dataset)


def logiqa_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    question = f"{str(record['context']).strip()}\n{str(record['query']).strip()}"
    options = [str(o) for o in record["options"]]
    return _mc(question, options, _letter_at(record["correct_option"], options), qid, dataset)


def truthfulqa_record(record: dict[str, Any], qid: str, dataset: str) -> Question:
    choices = [str(c) for c in record["mc1_targets"]["choices"]]
    labels = list(record["mc1_targets"]["labels"])
    if labels.count(1) != 1:
        raise Rejected(f"mc1 has {labels.count(1)} correct choices")
    # The hub lists the correct choice first: shuffle (seeded by the question) so it is not always (A).
    order = list(range(len(choices)))
    random.Random(f"truthfulqa:{record['question']}").shuffle(order)
    options = [choices[i] for i in order]
    return _mc(str(record["question"]), options, _letter_at(order.index(labels.index(1)), options), qid, dataset)


HUB_DATASETS: dict[str, HubSource] = {
    "gsm8k": HubSource("openai/gsm8k", "main", "test", "cc7b047b6e5bb11b4f1af84efc572db110a51b3c", gsm8k_record),
    "aqua": HubSource("deepmind/aqua_rat", "raw", "test", "33301c6a050c96af81f63cad5562cb5363e88971", aqua_record),
    "bbh": HubSource("SaylorTwift/bbh", None, "test", "b5306be6f827cfafbb545ff5a51f96916029b0fd", bbh_record),
    "arc_easy": HubSource("allenai/ai2_arc", "ARC-Easy", "test", "210d026faf9955653af8916fad021475a3f00453", arc_record),
    "arc_challenge": HubSource(
        "allenai/ai2_arc", "ARC-Challenge", "test", "210d026faf9955653af8916fad021475a3f00453", arc_record
    ),
    "mmlu": HubSource("cais/mmlu", None, "test", "c30699e8356da336a370243923dbaf21066bb9fe", mmlu_record),
    "logiqa": HubSource("lucasmccabe/logiqa", None, "test", "refs/convert/parquet", logiqa_record),
    "truthfulqa_mc": HubSource(
        "truthfulqa/truthful_qa", "multiple_choice", "validation", "741b8276f2d1982aa3d5b832d3ee81ed3b896490",
        truthfulqa_record,
    ),
    "openbookqa": HubSource(
        "allenai/openbookqa", "main", "test", "388097ea7776314e93a529163e0fea805b8a6454", openbookqa_record
    ),
}
SUBSET_REQUIRED = {"bbh", "mmlu"}
# The subsets of the pinned revisions (a typo is caught before the hub is asked, offline too).
KNOWN_SUBSETS = {
    "bbh": ("boolean_expressions", "causal_judgement", "date_understanding", "disambiguation_qa", "dyck_languages",
            "formal_fallacies", "geometric_shapes", "hyperbaton", "logical_deduction_five_objects",
            "logical_deduction_seven_objects", "logical_deduction_three_objects", "movie_recommendation",
            "multistep_arithmetic_two", "navigate", "object_counting", "penguins_in_a_table",
            "reasoning_about_colored_objects", "ruin_names", "salient_translation_error_detection", "snarks",
            "sports_understanding", "temporal_sequences", "tracking_shuffled_objects_five_objects",
            "tracking_shuffled_objects_seven_objects", "tracking_shuffled_objects_three_objects", "web_of_lies",
            "word_sorting"),
    "mmlu": ("abstract_algebra", "anatomy", "astronomy", "business_ethics", "clinical_knowledge", "college_biology",
             "college_chemistry", "college_computer_science", "college_mathematics", "college_medicine",
             "college_physics", "computer_security", "conceptual_physics", "econometrics", "electrical_engineering",
             "elementary_mathematics", "formal_logic", "global_facts", "high_school_biology",
             "high_school_chemistry", "high_school_computer_science", "high_school_european_history",
             "high_school_geography", "high_school_government_and_politics", "high_school_macroeconomics",
             "high_school_mathematics", "high_school_microeconomics", "high_school_physics",
             "high_school_psychology", "high_school_statistics", "high_school_us_history",
             "high_school_world_history", "human_aging", "human_sexuality", "international_law", "jurisprudence",
             "logical_fallacies", "machine_learning", "management", "marketing", "medical_genetics",
             "miscellaneous", "moral_disputes", "moral_scenarios", "nutrition", "philosophy", "prehistory",
             "professional_accounting", "professional_law", "professional_medicine", "professional_psychology",
             "public_relations", "security_studies", "sociology", "us_foreign_policy", "virology",
             "world_religions", "all"),
}


def _parse_spec(spec: str) -> tuple[str, str | None]:
    name, _, subset = spec.partition(":")
    if name not in HUB_DATASETS:
        raise DatasetError(f"unknown hub dataset {name!r}; choose from {', '.join(HUB_DATASETS)}")
    if name in SUBSET_REQUIRED and not subset:
        raise DatasetError(f"dataset {name!r} needs a subset: '{name}:<task or subject>'")
    return name, subset or None


def _convert_all(
    records: Iterable[tuple[str, dict[str, Any]]], convert: Callable[..., Question], dataset: str
) -> LoadResult:
    result = LoadResult()
    for index, (where, record) in enumerate(records):
        try:
            result.questions.append(convert(record, f"{dataset}-{index}", dataset))
        except (Rejected, DatasetError, KeyError, TypeError, ValueError) as error:
            reason = f"missing field {error}" if isinstance(error, KeyError) else str(error)
            result.rejected.append((where, reason))
    return result


def _local_records(path: Path, name: str, subset: str | None) -> tuple[Records, str]:
    """The records of a local copy (a file; for BBH also its folder), and the file read."""
    if path.is_dir():
        if name == "bbh" and subset:
            path = path / "tasks" / f"{subset}.json" if (path / "tasks").is_dir() else path / f"{subset}.json"
        else:
            raise DatasetError(f"{path} is a folder; give the data file for {name}")
    if not path.exists():
        raise DatasetError(f"dataset file not found: {path}")
    text = read_text(path, "dataset file", DatasetError)
    stripped = text.lstrip()
    try:
        if stripped.startswith("{") and '"examples"' in stripped[:2000] and name == "bbh":
            examples = json.loads(text)["examples"]
            return [(f"{path}#{i}", row) for i, row in enumerate(examples)], str(path)
        if stripped.startswith("["):
            return [(f"{path}#{i}", row) for i, row in enumerate(json.loads(text))], str(path)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                rows.append((f"{path}:{number}", json.loads(line)))
            except json.JSONDecodeError as error:
                raise DatasetError(f"{path}:{number}: not valid JSON ({error.msg})") from None
    return rows, str(path)


def _hub_records(source: HubSource, subset: str | None, revision: str | None) -> tuple[Records, str]:
    """The records of ``source`` through Inspect's ``hf_dataset``, and where they came from."""
    from inspect_ai.dataset import Sample, hf_dataset

    used = revision or source.revision
    records: list[dict[str, Any]] = []

    def keep(record: dict[str, Any]) -> Sample:
        records.append(dict(record))
        return Sample(input="-")

    config = subset or source.name
    try:
        hf_dataset(path=source.path, name=config, split=source.split, revision=used, sample_fields=keep)
    except Exception as error:  # noqa: BLE001 - every hub failure becomes one line naming the dataset
        last = (str(error).strip().splitlines() or [type(error).__name__])[-1][:200]
        offline = " (offline: HF_HUB_OFFLINE is set)" if os.environ.get("HF_HUB_OFFLINE") else ""
        raise DatasetError(f"dataset {source.path}:{config}@{used[:7]} could not be loaded from the hub{offline}: "
                           f"{last}; give a local copy with -T path=<file or folder>") from None
    location = f"{source.path}:{config or 'default'}:{source.split}@{used}"
    return [(f"{location}#{i}", r) for i, r in enumerate(records)], location


def load_hub(spec: str, path: str | None = None, revision: str | None = None) -> LoadResult:
    """Questions for ``name[:subset]``, from ``path`` if given, else from the hub."""
    name, subset = _parse_spec(spec)
    source = HUB_DATASETS[name]
    if path:
        records, location = _local_records(user_path(path), name, subset)
    else:
        known = KNOWN_SUBSETS.get(name)
        if known and subset not in known:  # a local copy may name its own files; the hub has these
            raise DatasetError(f"dataset {name!r} has no subset {subset!r}; choose from {', '.join(known)}")
        records, location = _hub_records(source, subset, revision)
    result = _convert_all(records, source.convert, spec)
    result.location = location
    if result.rejected:
        logger.warning("%s: rejected %d items: %s", spec, len(result.rejected),
                       "; ".join(f"{w}: {r}" for w, r in result.rejected[:20]))
    return result
