"""`evaluate`: precision, recall and F1 per fact type against gold annotations in data/gold/.

Matching rules (documented in the README):
- meeting: each of forum, body, date, start, place is one fact; names compare case- and spacing-insensitively;
- participants: (name, present);
- items: same number (or both unnumbered) and title similarity >= 0.8; a document's single unnumbered
  item matches the other side's single unnumbered item; kind accuracy is reported on matched items;
- recommendations: within a matched item, same number and text similarity >= 0.6;
- decisions: within a matched item, same outcome and same answered recommendation (one-to-one);
- organisations: the set of registry ids the document mentions;
- amounts: the multiset of (DKK, item);
- allocations (scored for precision): the multiset of (DKK, recipient, item) that decisions grant, in documents
  whose gold annotates allocations;
- person_orgs (scored for precision): the set of (person, organisation) the participants are linked to, in
  documents whose gold annotates participants' organisations;
- route accuracy: the share of matched items whose route has the same forums in the same roles.

Gold lives in data/gold/: the five samples' gold as `*.json` beside their minutes in data/minutes/, the real
minutes' gold in `corpus/<folder>/<file>.json` for `../shared/corpus/<folder>/<file>` (see data/gold/README.md).
Results are reported per collection (samples, real minutes in development, real minutes held back) and per
publisher, so that a weak layout shows by name.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from .registry import Registry, normalise_name

FACT_TYPES = (
    "meeting",
    "participants",
    "items",
    "recommendations",
    "decisions",
    "organisations",
    "amounts",
    "allocations",
    "person_orgs",
)
# F1 targets; allocations and person-organisation links are held to a precision target instead (a wrong one is
# worse than a missing one)
TARGETS = {
    "meeting": 0.90,
    "participants": 0.90,
    "items": 0.90,
    "recommendations": 0.85,
    "decisions": 0.90,
    "organisations": 0.85,
    "amounts": 0.85,
}
PRECISION_TARGETS = {"allocations": 0.95, "person_orgs": 0.95}
COLLECTIONS = {
    "samples": "Eksempler (data/minutes)",
    "dev": "Rigtige referater, udvikling",
    "test": "Rigtige referater, tilbageholdt",
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocumentScore:
    document: str
    publisher: str = "?"
    collection: str = "samples"  # samples | dev | test
    scores: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in FACT_TYPES})
    errors: list[str] = field(default_factory=list)
    kind_correct: int = 0
    kind_total: int = 0
    role_correct: int = 0
    role_total: int = 0
    route_correct: int = 0
    route_total: int = 0


@dataclass
class Evaluation:
    documents: list[DocumentScore]
    missing: list[str] = field(default_factory=list)  # gold whose document is not there (no ../shared/corpus)

    def where(self, collection: str | None = None, publisher: str | None = None) -> Evaluation:
        return Evaluation(
            [
                d
                for d in self.documents
                if (collection is None or d.collection == collection)
                and (publisher is None or d.publisher == publisher)
            ]
        )

    def publishers(self) -> list[str]:
        return sorted({d.publisher for d in self.documents})

    def total(self, fact_type: str) -> Score:
        score = Score()
        for doc in self.documents:
            score.add(doc.scores[fact_type])
        return score

    def accuracy(self, attr: str) -> float:
        correct = sum(getattr(d, f"{attr}_correct") for d in self.documents)
        total = sum(getattr(d, f"{attr}_total") for d in self.documents)
        return correct / total if total else 1.0

    def meets_targets(self) -> dict[str, bool]:
        met = {t: self.total(t).f1 >= target for t, target in TARGETS.items()}
        met.update({t: self.total(t).precision >= target for t, target in PRECISION_TARGETS.items()})
        return met


def _norm(text: str | None) -> str:
    return normalise_name(text or "")


def _similar(a: str, b: str) -> float:
    a, b = re.sub(r"\W+", " ", a.lower()).strip(), re.sub(r"\W+", " ", b.lower()).strip()
    if not a and not b:
        return 1.0
    # a fact quoted with or without its trailing sub-points is the same fact: compare equal-length prefixes
    n = min(len(a), len(b), 300) if min(len(a), len(b)) >= 20 else 300
    return SequenceMatcher(None, a[:n], b[:n]).ratio()


def _score_sets(gold: Counter, pred: Counter) -> Score:
    tp = sum((gold & pred).values())
    return Score(tp, sum(pred.values()) - tp, sum(gold.values()) - tp)


def same_route(gold: list[dict], pred: list[dict]) -> bool:
    """The same forums in the same roles (forum names compared as the route extractor does: inflection-insensitive)."""
    from .extract.route import _same

    free = list(pred)
    for step in gold:
        hit = next((p for p in free if p["role"] == step["role"] and _same(p["forum"], step["forum"])), None)
        if hit is None:
            return False
        free.remove(hit)
    return not free


def _match_within(doc: DocumentScore, score: Score, label, what: str, gold: list, pred: list, same, describe) -> None:
    """One-to-one matching of an item's gold facts to its predicted facts."""
    free = list(pred)
    for g in gold:
        hit = next((p for p in free if same(g, p)), None)
        if hit is not None:
            free.remove(hit)
            score.tp += 1
        else:
            score.fn += 1
            doc.errors.append(f"item {label} {what} missing: {describe(g)}")
    score.fp += len(free)
    doc.errors.extend(f"item {label} {what} extra: {describe(p)}" for p in free)


def compare(gold: dict, pred: dict) -> DocumentScore:
    """Score one document's extraction (`Extraction.to_json()`) against its gold annotation."""
    doc = DocumentScore(document=gold.get("document", "?"))
    _compare_meeting(doc, gold, pred)
    _compare_participants(doc, gold, pred)
    for g_item, p_item in _pair_items(doc, gold, pred):
        _compare_item(doc, g_item, p_item)

    g_orgs = Counter({o["id"] for o in gold["organisations"] if o.get("id")})
    p_orgs = Counter({o["id"] for o in pred["organisations"] if o.get("id")})
    _compare_counts(doc, "organisations", "organisation", g_orgs, p_orgs)

    _score_links(doc, gold, pred)

    def amount_key(a):
        return (round(float(a["dkk"]), 2), a.get("item"))

    g_amounts = Counter(amount_key(a) for a in gold["amounts"])
    p_amounts = Counter(amount_key(a) for a in pred["amounts"])
    _compare_counts(doc, "amounts", "amount", g_amounts, p_amounts)
    return doc


def _compare_counts(doc: DocumentScore, fact_type: str, what: str, gold: Counter, pred: Counter) -> None:
    doc.scores[fact_type] = _score_sets(gold, pred)
    for missing in gold - pred:
        doc.errors.append(f"{what} missing: {missing}")
    for extra in pred - gold:
        doc.errors.append(f"{what} extra: {extra}")


def _compare_meeting(doc: DocumentScore, gold: dict, pred: dict) -> None:
    score = doc.scores["meeting"]
    for name in ("forum", "body", "date", "start", "place"):
        g, p = gold["meeting"].get(name), pred["meeting"].get(name)
        same = (_norm(g) == _norm(p)) if name in ("forum", "body", "place") else g == p
        if g is not None and p is not None and same:
            score.tp += 1
        else:
            if g is not None:
                score.fn += 1
            if p is not None:
                score.fp += 1
            if g != p:
                doc.errors.append(f"meeting.{name}: gold={g!r} pred={p!r}")


def _compare_participants(doc: DocumentScore, gold: dict, pred: dict) -> None:
    """Names with presence, scored as sets; the role of every gold participant that was found."""
    g_people = Counter((_norm(p["name"]), p["present"]) for p in gold["participants"])
    p_people = Counter((_norm(p["name"]), p["present"]) for p in pred["participants"])
    _compare_counts(doc, "participants", "participant", g_people, p_people)
    pred_roles = {_norm(p["name"]): p.get("role") for p in pred["participants"]}
    for person in gold["participants"]:
        if _norm(person["name"]) in pred_roles:
            doc.role_total += 1
            doc.role_correct += int(person.get("role") == pred_roles[_norm(person["name"])])


def _pair_items(doc: DocumentScore, gold: dict, pred: dict) -> list[tuple[dict, dict | None]]:
    """Each gold item with the predicted item of the same number and a similar title (or None), scored; a
    predicted item no gold item matches counts its recommendations and decisions as false positives."""
    s = doc.scores
    unmatched = list(range(len(pred["items"])))
    pairs: list[tuple[dict, dict | None]] = []
    single = (
        len([i for i in gold["items"] if i["number"] is None]) == 1
        and len(gold["items"]) == 1
        and len(pred["items"]) == 1
        and pred["items"][0]["number"] is None
    )
    for g_item in gold["items"]:
        match = None
        for index in unmatched:
            p_item = pred["items"][index]
            if single or (p_item["number"] == g_item["number"] and _similar(p_item["title"], g_item["title"]) >= 0.8):
                match = index
                break
        if match is None:
            pairs.append((g_item, None))
            doc.errors.append(f"item missing: {g_item['number']} {g_item['title'][:50]!r}")
        else:
            unmatched.remove(match)
            pairs.append((g_item, pred["items"][match]))
    s["items"] = Score(tp=sum(1 for _, p in pairs if p), fp=len(unmatched), fn=sum(1 for _, p in pairs if p is None))
    for index in unmatched:
        doc.errors.append(f"item extra: {pred['items'][index]['number']} {pred['items'][index]['title'][:50]!r}")
        s["recommendations"].fp += len(pred["items"][index]["recommendations"])
        s["decisions"].fp += len(pred["items"][index]["decisions"])
    return pairs


def _compare_item(doc: DocumentScore, g_item: dict, p_item: dict | None) -> None:
    """A gold item against its predicted item: kind, route, recommendations and decisions."""
    s = doc.scores
    label = g_item["number"] or g_item["title"][:30]
    if p_item is None:
        s["recommendations"].fn += len(g_item["recommendations"])
        s["decisions"].fn += len(g_item["decisions"])
        return
    doc.kind_total += 1
    if g_item["kind"] == p_item["kind"]:
        doc.kind_correct += 1
    else:
        doc.errors.append(f"item {label} kind: gold={g_item['kind']} pred={p_item['kind']}")
    if "route" in g_item:
        doc.route_total += 1
        if same_route(g_item["route"], p_item.get("route", [])):
            doc.route_correct += 1
        else:
            doc.errors.append(
                f"item {label} route: gold={[(r['forum'], r['role']) for r in g_item['route']]} "
                f"pred={[(r['forum'], r['role']) for r in p_item.get('route', [])]}"
            )
    _match_within(
        doc,
        s["recommendations"],
        label,
        "recommendation",
        g_item["recommendations"],
        p_item["recommendations"],
        lambda g, p: p["number"] == g["number"] and _similar(p["text"], g["text"]) >= 0.6,
        lambda r: f"{r['number']} {r['text'][:60]!r}",
    )
    _match_within(
        doc,
        s["decisions"],
        label,
        "decision",
        g_item["decisions"],
        p_item["decisions"],
        lambda g, p: p["outcome"] == g["outcome"] and p["recommendation"] == g["recommendation"],
        lambda d: f"{d['outcome']} -> {d['recommendation']} {d['text'][:50]!r}",
    )


def _allocations(document: dict) -> Counter:
    return Counter(
        (round(float(a["dkk"]), 2), _norm(a.get("recipient")), item["number"])
        for item in document["items"]
        for d in item["decisions"]
        for a in d.get("allocations", [])
    )


def _score_links(doc: DocumentScore, gold: dict, pred: dict) -> None:
    """Allocations and person-organisation links, where the gold annotates them: scored for precision."""
    if any("allocations" in d for item in gold["items"] for d in item["decisions"]):
        g, p = _allocations(gold), _allocations(pred)
        doc.scores["allocations"] = _score_sets(g, p)
        doc.errors.extend(f"allocation extra: {x}" for x in p - g)
        doc.errors.extend(f"allocation missing: {x}" for x in g - p)
    if any("organisation" in person for person in gold["participants"]):
        g = Counter(
            {(_norm(x["name"]), _norm(x["organisation"])) for x in gold["participants"] if x.get("organisation")}
        )
        p = Counter(
            {(_norm(x["name"]), _norm(x["organisation"])) for x in pred["participants"] if x.get("organisation")}
        )
        doc.scores["person_orgs"] = _score_sets(g, p)
        doc.errors.extend(f"person-organisation extra: {x}" for x in p - g)
        doc.errors.extend(f"person-organisation missing: {x}" for x in g - p)


# Real minutes for development, beside the project (../shared/corpus/); CI has them there too.
CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@dataclass(frozen=True)
class GoldDocument:
    gold: dict
    source: Path
    collection: str  # samples | dev | test
    publisher: str


def load_gold(
    gold_dir: str | Path, minutes_dir: str | Path, corpus_dir: str | Path | None = None
) -> tuple[list[GoldDocument], list[str]]:
    """The gold of the samples (`gold_dir/*.json`, documents in `minutes_dir`) and of the real minutes
    (`gold_dir/corpus/**/*.json`, documents in `corpus_dir`); and the gold files whose document is missing."""
    gold_dir, corpus_dir = Path(gold_dir), Path(corpus_dir) if corpus_dir is not None else CORPUS_DIR
    found, missing = [], []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        found.append(
            GoldDocument(gold, Path(minutes_dir) / gold["document"], "samples", gold.get("publisher", "eksempler"))
        )
    for path in sorted((gold_dir / "corpus").rglob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        source = corpus_dir / gold["document"]
        if not source.is_file():
            missing.append(str(path))
            continue
        found.append(GoldDocument(gold, source, gold.get("split", "dev"), gold.get("publisher", "?")))
    return found, missing


def evaluate(
    gold_dir: str | Path, minutes_dir: str | Path, registry: Registry, corpus_dir: str | Path | None = None
) -> Evaluation:
    """Extract every document that has a gold file and compare."""
    from .link import link
    from .pipeline import extract_document

    golds, missing = load_gold(gold_dir, minutes_dir, corpus_dir)
    results = []
    for item in golds:
        _, extraction = extract_document(item.source, registry)
        link(extraction, registry)  # fills the registry ids of organisations
        score = compare(item.gold, extraction.to_json())
        score.document, score.publisher, score.collection = item.gold["document"], item.publisher, item.collection
        results.append(score)
    return Evaluation(results, missing)
