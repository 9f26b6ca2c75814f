"""The trained detector as a JSON document, so a start-up reads it instead of training (~1 s).

The document keeps everything ``IntentDetector`` holds (IDF table, perceptron weights and biases,
vocabulary) and a fingerprint of what it was trained from: the examples file's bytes and the
training parameters. The numbers are kept as little-endian IEEE doubles (base64 in the JSON), bit for bit, so a loaded
detector scores every message exactly as the trained one did, and reading them takes milliseconds
where parsing ~75,000 decimal floats took ~40 ms.

>>> from intents.detection.detector import IntentDetector
>>> trained = IntentDetector.from_examples([("quiz me", "quiz"), ("tell me a joke", "out-of-scope")])
>>> loaded, mark = read_weights(write_weights(trained, "abc"))
>>> loaded == trained, mark
(True, 'abc')
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from types import MappingProxyType

from intents.detection.detector import EPOCHS, MARGIN, SEED, IntentDetector
from intents.detection.packing import LazyRows, pack, unpack
from intents.detection.perceptron import LinearScorer
from intents.detection.vectors import TfIdf

__all__ = ["FORMAT", "fingerprint", "read_weights", "write_weights"]

# Bump when the document's layout or the features/model code change what a set of weights means.
FORMAT = 1


def fingerprint(examples: bytes, bank: Sequence[tuple[str, str]] = ()) -> str:
    """A hash of the examples file, the question bank's ``(text, intent)`` pairs and every training parameter.

    Equal means the same detector.
    """
    parameters = json.dumps({"format": FORMAT, "epochs": EPOCHS, "margin": MARGIN, "seed": SEED}, sort_keys=True)
    phrasings = json.dumps([list(pair) for pair in bank], ensure_ascii=False)
    # Line endings do not change the examples (a checkout may turn \n into \r\n).
    content = [parameters.encode("utf-8"), examples.replace(b"\r\n", b"\n"), phrasings.encode("utf-8")]
    return hashlib.sha256(b"\n".join(content)).hexdigest()


def write_weights(detector: IntentDetector, mark: str) -> str:
    """The JSON document of ``detector``, stamped with the fingerprint ``mark`` of its training."""
    scorer = detector.scorer
    features = sorted(detector.tfidf.idf)
    position = {feature: i for i, feature in enumerate(features)}
    rows = sorted(scorer.weights.items(), key=lambda item: position[item[0]])
    document = {
        "format": FORMAT,
        "fingerprint": mark,
        "classes": list(scorer.classes),
        "bias": list(scorer.bias),
        "vocabulary": sorted(detector.vocabulary),
        "features": features,
        "idf": pack("d", [detector.tfidf.idf[feature] for feature in features]),
        # Features with weights (by position in "features"), how many classes each has a weight for,
        # and then those classes and weights one row after another.
        "rows": [position[feature] for feature, _ in rows],
        "sizes": pack("B", [len(row) for _, row in rows]),
        "row_classes": pack("B", [index for _, row in rows for index in sorted(row)]),
        "row_weights": pack("d", [row[index] for _, row in rows for index in sorted(row)]),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_weights(text: str) -> tuple[IntentDetector, str]:
    """The detector in a document made by ``write_weights``, and the fingerprint it carries."""
    document = json.loads(text)
    if document.get("format") != FORMAT:
        raise ValueError(f"intent weights have format {document.get('format')!r}, expected {FORMAT}")
    features = document["features"]
    rows = LazyRows(
        [features[i] for i in document["rows"]],
        unpack("B", document["sizes"]),
        unpack("B", document["row_classes"]),
        unpack("d", document["row_weights"]),
    )
    scorer = LinearScorer(tuple(document["classes"]), rows, tuple(document["bias"]))
    idf = dict(zip(features, unpack("d", document["idf"]), strict=True))
    detector = IntentDetector(TfIdf(MappingProxyType(idf)), scorer, frozenset(document["vocabulary"]))
    return detector, document["fingerprint"]
