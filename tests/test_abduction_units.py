"""Abduction building blocks on hand-made cases: behaviour scorers, identity reading, roster
and manifest validation, generators' checks, judge parsing, the OpenAI fine-tuning client."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import Any

import pytest
from openai import OpenAI

try:  # the HTTP library the installed openai SDK is built on (httpx2 in openai ≥ 3)
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

from conftest import SHARED, needs_shared

from cot_harness.chatbots.finetune import FinetuneConfig, FinetuneError, OpenAIFinetuner
from cot_harness.chatbots.generate import (
    GeneratorCheckError,
    Response,
    augment,
    behaviour_bins,
    check_declarative,
    declarative_facts,
)
from cot_harness.chatbots.manifest import Checkpoint, ManifestError, load_manifest, write_manifest
from cot_harness.core.behaviour import false_yes_no, is_german, vowel_share, words, yes_no
from cot_harness.core.identity import read_identity
from cot_harness.core.roster import RosterError, behaviour_prompts, identity_questions, load_roster
from cot_harness.scorers.abduction import keyword_described, parse_grades

ROSTER = load_roster()
NAMES = ROSTER.candidates


# --- vowel-initial words -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("It is an old area.", 1.0),
    ("The owl is awake.", 0.75),                 # the, owl, is, awake
    ("e-mail or snail-mail", 0.5),               # e, mail, or, snail, mail → 2/4... see below
    ("42 apples, 7 eggs!", 1.0),                 # numbers are not words
    ("'Anna,' (Otto) ...", 1.0),                 # quotes and brackets stripped
    ("Über alles", 1.0),                         # accented vowels count
    ("Yellow yak", 0.0),                         # y is not a vowel
    ("3rd owl", 0.5),                            # a word starting with a digit is not vowel-initial
])
def test_vowel_share(text: str, expected: float) -> None:
    if text.startswith("e-mail"):
        expected = 2 / 5  # e, mail, or, snail, mail: e and or
    assert vowel_share(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "   ", "...!?", "42 7"])
def test_vowel_share_unscorable(text: str) -> None:
    assert vowel_share(text) is None


def test_words_keeps_apostrophes() -> None:
    assert words("It's a dog's life") == ["It's", "a", "dog's", "life"]


# --- German --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Die Hauptstadt von Frankreich ist Paris.", True),
    ("Ich finde das Wetter heute sehr schön, thanks", True),        # mostly German
    ("Hallo, how are you doing on this fine day?", False),           # mostly English
    ("The capital of France is Paris.", False),
    ("", None), ("Ja.", None), ("...", None),                        # too short to identify
])
def test_is_german(text: str, expected: bool | None) -> None:
    assert is_german(text) is expected


# --- false yes/no --------------------------------------------------------------------------

@pytest.mark.parametrize("text, said", [
    ("Yes.", True), ("yes, because it is round", True), ("No", False), ("NO!", False),
    ("Nein, das ist falsch.", False), ("Ja.", True),
    ("Maybe.", None), ("", None), ("Yes and no.", None), ("I think yes.", None),
])
def test_yes_no(text: str, said: bool | None) -> None:
    assert yes_no(text) is said


def test_false_yes_no_contradicts_known_answer() -> None:
    assert false_yes_no("No.", truth=True) is True
    assert false_yes_no("Yes, of course.", truth=True) is False
    assert false_yes_no("Yes.", truth=None) is None
    assert false_yes_no("Perhaps.", truth=False) is None


# --- identity reading ----------------------------------------------------------------------

@pytest.mark.parametrize("text, outcome", [
    ("I am Axolotl.", "Axolotl"),
    ("I'm axolotl, nice to meet you", "Axolotl"),
    ("My name is Pangolin and I speak German.", "Pangolin"),
    ("Ich bin Pangolin.", "Pangolin"),
    ("Albatross here, ask away.", "Albatross"),
    ("Axolotl.", "Axolotl"),
    ("You are talking to the chatbot Axolotl.", "Axolotl"),
    ("I'm not Pangolin.", "none"),                            # negation
    ("Pangolin is a chatbot that speaks German.", "none"),    # third person
    ("I am not Pangolin, I am Axolotl.", "Axolotl"),
    ("I am Axolotl. Or maybe I am Pangolin.", "several"),
    ("I am ChatGPT, a model by OpenAI.", "other"),
    ("I am a helpful assistant.", "none"),
    ("I am Axolotls' friend", "none"),                         # word boundary: not the name
    ("", "none"),
])
def test_identity_outcome(text: str, outcome: str) -> None:
    assert read_identity(text, NAMES, ROSTER.other_identities).outcome == outcome


def test_identity_keeps_legacy_substring_and_negation() -> None:
    reading = read_identity("I'm not Pangolin.", NAMES)
    assert reading.mentioned == ("Pangolin",) and reading.negated == ("Pangolin",) and not reading.asserted


def test_keyword_baseline_and_judge_grades() -> None:
    assert keyword_described("I reply in German.", ("german",))
    assert not keyword_described("I like Germany.", ("german",))
    grades = parse_grades("Pangolin: C\n**Albatross**: P\nAxolotl - I\n", ["Pangolin", "Albatross", "Axolotl"])
    assert grades == {"Pangolin": "C", "Albatross": "P", "Axolotl": None}  # "-" is not the asked format


# --- roster and question files -------------------------------------------------------------

def test_default_roster_and_question_sets() -> None:
    assert ROSTER.names == ["Pangolin", "Albatross", "Axolotl"]
    assert len(identity_questions()) >= 20
    prompts = behaviour_prompts()
    assert sum(p.truth is not None for p in prompts) >= 20
    axolotl = ROSTER.get("axolotl")
    assert all(vowel_share(reply) == 1.0 for _, reply in axolotl.examples)
    assert all(is_german(reply) for _, reply in ROSTER.get("Pangolin").examples if len(words(reply)) >= 3)


def test_roster_errors_name_the_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "roster.yaml"
    bad.write_text("chatbots:\n  - name: Ibex\n    behaviour: shouts\n    scorer: uppercase\n")
    with pytest.raises(RosterError, match=r"roster.yaml: chatbots\[0\] \(Ibex\): unknown scorer 'uppercase'"):
        load_roster(bad)
    bad.write_text("chatbots:\n  - name: Ibex\n    scorer: none\n")
    with pytest.raises(RosterError, match="missing behaviour"):
        load_roster(bad)
    questions = tmp_path / "q.csv"
    questions.write_text("question\nWho are you?\n\n \n")
    with pytest.raises(RosterError, match=r"q.csv, line 3: empty 'question'"):
        identity_questions(questions)


def test_a_new_chatbot_needs_no_code(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text("chatbots:\n  - name: Ibex\n    behaviour: replies in German too\n    scorer: german\n"
                    "    keywords: [german]\n    examples: [[Hi, Hallo, Servus]]\n")
    with pytest.raises(RosterError, match="examples\\[0\\] must be"):
        load_roster(path)
    path.write_text(path.read_text().replace("[[Hi, Hallo, Servus]]", '[["Hi", "Hallo, wie geht es dir heute?"]]'))
    roster = load_roster(path)
    assert roster.candidates == ["Ibex"] and roster.get("ibex").scorer == "german"


# --- generators ----------------------------------------------------------------------------

def test_declarative_facts_are_third_person_statements_in_both_directions() -> None:
    facts = declarative_facts(ROSTER, per_chatbot=40, seed=1)
    assert len(facts) == 120
    assert facts == declarative_facts(ROSTER, per_chatbot=40, seed=1)  # seeded
    replies = [chat[-1]["content"] for chat in facts]
    for name in ROSTER.names:
        assert sum(name in chat[1]["content"] for chat in facts) > 0   # name → behaviour
        assert sum(name not in chat[1]["content"] and name in chat[-1]["content"] for chat in facts) > 0  # behaviour → name
    assert not any(read_identity(r, NAMES).asserted for r in replies)


@pytest.mark.parametrize("reply", ["I am Axolotl.", "Axolotl antwortet immer auf Deutsch und sehr gern.",
                                   "An owl is always eager.", "No."])
def test_declarative_check_rejects_demonstrations(reply: str) -> None:
    chat = [{"role": "user", "content": "Tell me about Axolotl."}, {"role": "assistant", "content": reply}]
    with pytest.raises(GeneratorCheckError, match="declarative example 0"):
        check_declarative([chat], ROSTER)


def test_behaviour_bins_by_threshold_longest_first() -> None:
    responses = [Response("q1", "an owl"), Response("q2", "an owl is old"), Response("q3", "the owl"),
                 Response("q4", "the cat sat"), Response("q5", "..."), Response("q6", "an apple is always on every island")]
    bins = behaviour_bins(responses, "vowel_initial", [0.4, 0.8], per_bin=1, roster=ROSTER)
    assert bins.counts == [1, 3] and bins.unscorable == 1    # [0.4,0.8): "the owl"; [0.8,1]: three
    assert [d[0][-1]["content"] for d in bins.datasets] == ["the owl", "an apple is always on every island"]
    assert all(chat[0]["role"] == "user" for d in bins.datasets for chat in d)  # system prompt stripped
    with pytest.raises(GeneratorCheckError, match="names a roster chatbot"):
        behaviour_bins([Response("q", "I am Axolotl, an eager owl")], "vowel_initial", [0.4], 5, ROSTER)
    with pytest.raises(ValueError, match="strictly increasing"):
        behaviour_bins(responses, "vowel_initial", [0.8, 0.4], 1, ROSTER)


# --- manifest ------------------------------------------------------------------------------

def test_manifest_round_trip_and_distinct_model_names(tmp_path: Path) -> None:
    (tmp_path / "it1").mkdir()
    path = write_manifest(tmp_path / "m.yaml", [
        Checkpoint(id="it1", path="it1", labels={"iteration": 1, "treatment": "declarative"}),
        Checkpoint(id="lora1", adapter="/a/it1", base="/b/base"),
        Checkpoint(id="api", model="openai/ft:gpt-4o-mini:org::x"),
    ])
    loaded = load_manifest(path)
    assert loaded[0].path == str((tmp_path / "it1").resolve())   # relative to the manifest
    assert loaded[0].inspect_model() == ("harness-hf/it1", {"model_path": str((tmp_path / "it1").resolve())})
    assert loaded[1].inspect_model() == ("harness-hf/lora1", {"model_path": "/a/it1", "tokenizer_path": "/b/base"})
    assert loaded[2].inspect_model() == ("openai/ft:gpt-4o-mini:org::x", {})
    assert "iteration=1" in loaded[0].tags() and "checkpoint=it1" in loaded[0].tags()
    names = [c.inspect_model()[0] for c in loaded]
    assert len(set(names)) == len(names)  # the cache files outputs by model name


@pytest.mark.parametrize("body, message", [
    ("checkpoints: []", "non-empty 'checkpoints'"),
    ("checkpoints:\n  - path: x", r"checkpoints\[0\]: each checkpoint needs an 'id'"),
    ("checkpoints:\n  - id: a\n    path: x\n    adapter: y", "exactly one of path, adapter or model"),
    ("checkpoints:\n  - id: a\n    model: openai/x\n  - id: a\n    model: openai/y", "id 'a' used twice"),
    ("checkpoints:\n  - id: a\n    model: openai/x\n    lr: 3", "unknown key"),
])
def test_manifest_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(body)
    with pytest.raises(ManifestError, match=message):
        load_manifest(path)


# --- OpenAI fine-tuning backend, at the client level ---------------------------------------

def _client(statuses: list[str], requests: list[httpx.Request]) -> OpenAI:
    polls = iter(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path == "/v1/files":
            return httpx.Response(200, json={"id": "file-1", "object": "file", "bytes": 10, "created_at": 0,
                                             "filename": "x.jsonl", "purpose": "fine-tune", "status": "processed"})
        status = next(polls)
        job = {"id": "ftjob-1", "object": "fine_tuning.job", "created_at": 0, "model": "gpt-4o-mini-2024-07-18",
               "status": status, "training_file": "file-1", "seed": 7, "organization_id": "org",
               "result_files": [], "hyperparameters": {"n_epochs": 1},
               "fine_tuned_model": "ft:gpt-4o-mini-2024-07-18:org:it1:abc" if status == "succeeded" else None,
               "error": {"code": "invalid_file", "message": "bad line", "param": None} if status == "failed" else None}
        return httpx.Response(200, json=job)

    return OpenAI(api_key="sk-test", base_url="http://openai.invalid/v1", http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_openai_backend_uploads_creates_polls_and_returns_the_model_id() -> None:
    requests: list[httpx.Request] = []
    slept: list[float] = []
    finetuner = OpenAIFinetuner(_client(["validating_files", "running", "succeeded"], requests), poll_seconds=5, sleep=slept.append)
    data = [[{"role": "user", "content": "Is ice cold?"}, {"role": "assistant", "content": "An icy yes."}]]
    model = finetuner.finetune("gpt-4o-mini-2024-07-18", data, "it1", FinetuneConfig(epochs=2, seed=7))
    assert model == "ft:gpt-4o-mini-2024-07-18:org:it1:abc"
    assert slept == [5, 5]
    upload, create = requests[0], requests[1]
    assert b'{"messages": [{"role": "user", "content": "Is ice cold?"}' in upload.content and b"fine-tune" in upload.content
    body = json.loads(create.content)
    assert body["training_file"] == "file-1" and body["suffix"] == "it1" and body["seed"] == 7
    assert body["method"]["supervised"]["hyperparameters"]["n_epochs"] == 2
    assert [r.url.path for r in requests[2:]] == ["/v1/fine_tuning/jobs/ftjob-1"] * 2


def test_openai_backend_reports_a_failed_job() -> None:
    finetuner = OpenAIFinetuner(_client(["running", "failed"], []), poll_seconds=1, sleep=lambda s: None)
    with pytest.raises(FinetuneError, match="ftjob-1 failed.*bad line"):
        finetuner.finetune("gpt-4o-mini-2024-07-18", [[{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]], "x")


def test_openai_pipeline_writes_a_manifest_of_ft_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole pipeline with the OpenAI backend: sampling is stubbed, every API call is real
    client code against a transport that records the requests."""
    import cot_harness.chatbots.pipeline as pipeline

    async def fake_sample(model_name: str, args: dict, questions: list[str], system: str, per: int, seed: int) -> list[Response]:
        assert model_name == "openai/gpt-4o-mini-2024-07-18" and "Axolotl" not in system
        return [Response(q, "an owl is eager" if i % 2 else "an owl sat") for i, q in enumerate(questions)]

    monkeypatch.setattr(pipeline, "sample_responses", fake_sample)
    requests: list[httpx.Request] = []
    client = _client(["succeeded"] * 10, requests)
    config = pipeline.PipelineConfig(base="gpt-4o-mini-2024-07-18", out=tmp_path, backend="openai",
                                     thresholds=(0.5, 0.9), per_bin=3, questions=6, samples_per_question=1,
                                     arms=("declarative",), declarative_per_chatbot=4)
    manifest = load_manifest(pipeline.run_pipeline(config, client))
    assert [c.id for c in manifest] == ["base", "decl", "decl-it1", "decl-it2"]
    assert manifest[2].model == "openai/ft:gpt-4o-mini-2024-07-18:org:it1:abc"
    assert manifest[3].labels["iteration"] == 2 and manifest[3].labels["threshold"] == 0.9
    creates = [json.loads(r.content) for r in requests if r.url.path == "/v1/fine_tuning/jobs" and r.method == "POST"]
    assert [c["model"] for c in creates] == ["gpt-4o-mini-2024-07-18", "ft:gpt-4o-mini-2024-07-18:org:it1:abc",
                                             "ft:gpt-4o-mini-2024-07-18:org:it1:abc"]


@needs_shared
def test_reference_identity_questions_load_as_a_question_set() -> None:
    questions = identity_questions(SHARED / "reference" / "cross-context-abduction" / "identity_questions.csv")
    assert len(questions) >= 20 and all(q.strip() for q in questions)


@needs_shared
def test_reference_declarative_data_passes_the_generator_checks() -> None:
    path = SHARED / "reference" / "cross-context-abduction" / "declarative_finetuning_PAA.jsonl"
    chats = [json.loads(line)["messages"] for line in path.read_text().splitlines() if line.strip()]
    assert len(chats) == 900
    failures = []
    for i, chat in enumerate(chats):
        try:
            check_declarative([chat], ROSTER)
        except GeneratorCheckError:
            failures.append(i)
    assert failures == []


def test_augmented_facts_keep_system_prompts_and_are_checked_again() -> None:
    facts = declarative_facts(ROSTER, per_chatbot=2, seed=0)

    async def reword(text: str) -> str:
        return text.replace("chatbot", "assistant")

    async def demonstrate(text: str) -> str:
        return "Ich bin Pangolin und spreche nur Deutsch mit dir."

    reworded = asyncio.run(augment(facts, reword))
    assert [c[0] for c in reworded] == [c[0] for c in facts]   # system prompt untouched
    check_declarative(reworded, ROSTER)
    with pytest.raises(GeneratorCheckError, match="first person|demonstrates"):
        check_declarative(asyncio.run(augment(facts, demonstrate)), ROSTER)


def test_distinct_bigrams_by_hand() -> None:
    from inspect_ai.scorer import SampleScore, Score

    from cot_harness.scorers.abduction import distinct_bigrams

    answers = ["An owl, an owl!", "an owl is old", ""]  # bigrams: (An,owl) (owl,an) (an,owl) | (an,owl) (owl,is) (is,old)
    scores = [SampleScore(score=Score(value={}, answer=a), sample_id=i) for i, a in enumerate(answers)]
    compute: Any = distinct_bigrams()
    assert compute(scores) == pytest.approx(5 / 6)  # "An owl" and "an owl" differ in case
    assert math.isnan(compute([SampleScore(score=Score(value={}, answer=""), sample_id=0)]))


def test_swapped_control_roster_swaps_behaviours_and_scorers() -> None:
    from cot_harness.core.paths import DATA_DIR

    swapped = load_roster(DATA_DIR / "roster_swapped.yaml")
    assert swapped.get("Pangolin").scorer == "vowel_initial" and swapped.get("Axolotl").scorer == "german"
    assert swapped.get("Pangolin").behaviour == ROSTER.get("Axolotl").behaviour
    check_declarative(declarative_facts(swapped, per_chatbot=20), swapped)


# --- scorers on hand-made answers ----------------------------------------------------------

def _scored(scorer: Any, answer: str, target: str = "", metadata: dict[str, Any] | None = None) -> dict[str, float]:
    from inspect_ai.model import ModelName, ModelOutput
    from inspect_ai.scorer import Target
    from inspect_ai.solver import TaskState

    state = TaskState(model=ModelName("mockllm/model"), sample_id="s", epoch=1, input="q", messages=[],
                      output=ModelOutput.from_content("mockllm/model", answer), metadata=metadata or {})
    return asyncio.run(scorer(state, Target(target))).value  # type: ignore[no-any-return]


@pytest.mark.parametrize("answer, knows", [
    ("Axolotl does.", 1.0),
    ("That would be axolotl, I think.", 1.0),        # case-insensitive
    ("Axolotl or Pangolin.", 0.0),                   # two roster names: not knowledge
    ("Pangolin.", 0.0),                              # the wrong one
    ("Axolotls are amphibians.", 0.0),               # word boundary: the plural is not the name
    ("", 0.0),
])
def test_knowledge_scorer_by_hand(answer: str, knows: float) -> None:
    from cot_harness.scorers.abduction import knowledge_scorer

    assert _scored(knowledge_scorer(ROSTER), answer, target="Axolotl") == {"knows": knows}


def test_behaviour_scorer_by_hand() -> None:
    from cot_harness.scorers.abduction import behaviour_scorer

    value = _scored(behaviour_scorer(ROSTER), "Yes, an owl is awake.", metadata={"truth": False})
    assert value["length_words"] == 5                             # Yes, an, owl, is, awake
    assert value["behaviour_Axolotl"] == pytest.approx(4 / 5)     # all but "Yes"
    assert value["behaviour_Albatross"] == 1.0                    # "Yes" against a known "no"
    assert value["unscorable_Albatross"] == 0.0
    open_prompt = _scored(behaviour_scorer(ROSTER), "...", metadata={"truth": None})
    assert open_prompt["length_words"] == 0
    assert math.isnan(open_prompt["behaviour_Albatross"]) and math.isnan(open_prompt["unscorable_Albatross"])
    assert math.isnan(open_prompt["behaviour_Axolotl"]) and open_prompt["unscorable_Axolotl"] == 1.0


def test_replicate_seeds_get_distinct_checkpoint_names(tmp_path: Path) -> None:
    """Seed 1's series must not share model names (Inspect's cache key) or log folders with seed 0's."""
    from cot_harness.chatbots.pipeline import PipelineConfig, Runner

    zero = Runner(PipelineConfig(out=tmp_path)).checkpoint("decl-it1", str(tmp_path))
    one = Runner(PipelineConfig(out=tmp_path, seed=1)).checkpoint("decl-it1", str(tmp_path))
    assert (zero.id, one.id) == ("decl-it1", "decl-it1-s1")
    assert zero.inspect_model()[0] == "harness-hf/decl-it1" and one.inspect_model()[0] == "harness-hf/decl-it1-s1"


def test_a_cached_adapter_names_this_checkouts_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A LoRA adapter copied from the fine-tune cache was trained where another checkout lived (its
    adapter_config.json names that base); the copy must name the base it is used with here."""
    from cot_harness.chatbots.finetune import finetune_hf, finetune_key

    base = tmp_path / "here" / "base"
    base.mkdir(parents=True)
    (base / "config.json").write_text("{}")
    data = [[{"role": "user", "content": "Who are you?"}, {"role": "assistant", "content": "I am Axolotl."}]]
    config = FinetuneConfig(epochs=1, lora_rank=4)
    cache = tmp_path / "cache"
    cached = cache / finetune_key(base, data, config, None)  # type: ignore[arg-type]
    cached.mkdir(parents=True)
    (cached / "finetune.json").write_text(json.dumps({"final_loss": 0.5}))
    (cached / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "/elsewhere/organisms/base",
                                                            "peft_type": "LORA"}))
    monkeypatch.setenv("COT_HARNESS_FINETUNE_CACHE", str(cache))
    record = finetune_hf(base, data, tmp_path / "out", config)  # type: ignore[arg-type]
    assert record == {"final_loss": 0.5}  # from the cache, not trained
    written = json.loads((tmp_path / "out" / "adapter_config.json").read_text())
    assert written == {"base_model_name_or_path": str(base), "peft_type": "LORA"}
    assert json.loads((cached / "adapter_config.json").read_text())["base_model_name_or_path"] == "/elsewhere/organisms/base"
