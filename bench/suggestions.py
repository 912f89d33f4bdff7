"""Benchmark for the plenary merge suggestions (facilitator/services/suggestions.py).

    python bench/suggestions.py            # precision/recall/F1 on the labelled fixture + timings
    python bench/suggestions.py --tune     # threshold sweep on the tuning half only
    python bench/suggestions.py --errors   # list missed and wrong pairs of the tuning half

The fixture (bench/fixtures/suggestions.yaml) is split by group: groups in order of first appearance
alternate between the tuning half and the held-out half, and so do singletons. Suggestions are
computed once over the whole fixture (every distractor present, as in a real plenary); a half is
scored on the labelled pairs of its groups and on the suggested pairs touching its items, so a wrong
pair between the halves counts against both.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

try:
    from facilitator.services.suggestions import DEFAULT_THRESHOLD, Candidate, read_vocabulary
    from facilitator.services.suggestions import similar_pairs as _similar_pairs
except ImportError:  # the app's dependencies are not installed: the service itself needs only the stdlib
    import importlib.util

    _spec = importlib.util.spec_from_file_location(
        "facilitator_suggestions", ROOT / "facilitator" / "services" / "suggestions.py"
    )
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = _module
    _spec.loader.exec_module(_module)
    DEFAULT_THRESHOLD, Candidate = _module.DEFAULT_THRESHOLD, _module.Candidate
    read_vocabulary, _similar_pairs = _module.read_vocabulary, _module.similar_pairs

FIXTURE = ROOT / "bench" / "fixtures" / "suggestions.yaml"
# The fixture is on the demo's subject, so it is scored with the demo's vocabulary.
VOCABULARY = read_vocabulary(ROOT / "facilitator" / "demo" / "vocabulary.yaml")
TUNING, HELD_OUT = "tuning", "held-out"


@dataclass(frozen=True)
class Fixture:
    candidates: list[Candidate]
    group: dict[str, str | None]  # item id -> group label (None for singletons)
    half: dict[str, str]  # item id -> TUNING or HELD_OUT


def load_fixture(path: Path = FIXTURE) -> Fixture:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    candidates, group, half = [], {}, {}
    group_half: dict[str, str] = {}
    singletons = 0
    for row in rows:
        item_id, label = str(row["id"]), row.get("group")
        candidates.append(Candidate(item_id, int(row["room"]), str(row["category"]), str(row["text"])))
        group[item_id] = label
        if label is None:
            half[item_id] = (TUNING, HELD_OUT)[singletons % 2]
            singletons += 1
        else:
            if label not in group_half:
                group_half[label] = (TUNING, HELD_OUT)[len(group_half) % 2]
            half[item_id] = group_half[label]
    return Fixture(candidates, group, half)


def labelled_pairs(fixture: Fixture, half: str | None = None) -> set[frozenset[str]]:
    """Pairs of same-group items from different rooms (of one half, or all)."""
    members: dict[str, list[Candidate]] = defaultdict(list)
    for cand in fixture.candidates:
        label = fixture.group[cand.id]
        if label is not None and (half is None or fixture.half[cand.id] == half):
            members[label].append(cand)
    return {
        frozenset((a.id, b.id)) for items in members.values() for a, b in combinations(items, 2) if a.room != b.room
    }


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    labelled: int
    suggested: int
    correct: int

    def line(self, name: str) -> str:
        return (
            f"{name}: precision {self.precision:.2f} recall {self.recall:.2f} f1 {self.f1:.2f} "
            f"(pairs: {self.labelled} labelled, {self.suggested} suggested, {self.correct} correct)"
        )


def score(fixture: Fixture, suggested: set[frozenset[str]], half: str | None = None) -> Score:
    truth = labelled_pairs(fixture, half)
    if half is not None:
        suggested = {p for p in suggested if any(fixture.half[i] == half for i in p)}
    correct = len(suggested & truth)
    precision = correct / len(suggested) if suggested else 1.0
    recall = correct / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(truth), len(suggested), correct)


def synthetic(n: int, fixture: Fixture, seed: int = 7) -> list[Candidate]:
    """n items recombined from the fixture's vocabulary: fragments of two texts, words dropped/shuffled."""
    rng = random.Random(seed)
    texts = [c.text for c in fixture.candidates]
    categories = sorted({c.category for c in fixture.candidates})
    out = []
    for k in range(n):
        words = rng.choice(texts).split()
        words = words[: rng.randint(2, max(2, len(words)))] + rng.choice(texts).split()[rng.randint(0, 4) :]
        words = [w for w in words if rng.random() > 0.15]
        if rng.random() < 0.3:
            rng.shuffle(words)
        out.append(Candidate(f"s{k:05d}", rng.randint(1, 40), rng.choice(categories), " ".join(words)))
    return out


def similar_pairs(candidates: list[Candidate], threshold: float | None = None) -> set[frozenset[str]]:
    return _similar_pairs(candidates, threshold, VOCABULARY)


def timed(candidates: list[Candidate], threshold: float | None = None, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = similar_pairs(candidates, threshold)
        best = min(best, time.perf_counter() - start)
    return result, best


def tune(fixture: Fixture) -> None:
    print("threshold sweep, tuning half only:")
    for step in range(10, 61, 2):
        threshold = step / 100
        s = score(fixture, similar_pairs(fixture.candidates, threshold), TUNING)
        print(f"  {threshold:.2f}  " + s.line("tuning"))


def errors(fixture: Fixture, half: str, threshold: float | None) -> None:
    text = {c.id: f"[r{c.room} {c.category}] {c.text}" for c in fixture.candidates}
    suggested = {p for p in similar_pairs(fixture.candidates, threshold) if any(fixture.half[i] == half for i in p)}
    truth = labelled_pairs(fixture, half)
    for title, pairs in (("missed", truth - suggested), ("wrong", suggested - truth)):
        print(f"{title} ({len(pairs)}):")
        for pair in sorted(sorted(p) for p in pairs):
            a, b = pair
            print(f"  {fixture.group[a] or '-'} / {fixture.group[b] or '-'}\n    {text[a]}\n    {text[b]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=None, help=f"default {DEFAULT_THRESHOLD}")
    parser.add_argument("--tune", action="store_true", help="sweep thresholds on the tuning half")
    parser.add_argument("--errors", choices=[TUNING, HELD_OUT], help="list missed and wrong pairs of a half")
    args = parser.parse_args(argv)

    fixture = load_fixture()
    if args.tune:
        tune(fixture)
        return 0
    if args.errors:
        errors(fixture, args.errors, args.threshold)
        return 0

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    suggested, seconds = timed(fixture.candidates, threshold)
    groups = {g for g in fixture.group.values() if g}
    print(
        f"fixture: {len(fixture.candidates)} items, {len(groups)} groups, "
        f"{sum(1 for g in fixture.group.values() if not g)} singletons; threshold {threshold}"
    )
    print(score(fixture, suggested, TUNING).line("suggestions (tuning half)"))
    print(score(fixture, suggested, HELD_OUT).line("suggestions (held-out half)"))
    print(score(fixture, suggested).line("suggestions (all)"))
    print(f"time: fixture ({len(fixture.candidates)} items) {seconds * 1000:.1f} ms")
    for n in (2000, 5000):
        items = synthetic(n, fixture)
        pairs, seconds = timed(items, threshold, repeat=1 if n > 2000 else 3)
        print(f"time: synthetic {n} items {seconds * 1000:.0f} ms ({len(pairs)} pairs suggested)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
