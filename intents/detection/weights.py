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

import base64
import hashlib
import json
import sys
from array import array
from types import MappingProxyType

from intents.detection.detector import EPOCHS, MARGIN, SEED, IntentDetector
from intents.detection.perceptron import LinearScorer
from intents.detection.vectors import TfIdf

__all__ = ["FORMAT", "fingerprint", "read_weights", "write_weights"]

# Bump when the document's layout or the features/model code change what a set of weights means.
FORMAT = 1


def fingerprint(examples: bytes) -> str:
    """A hash of the training examples file and every training parameter: equal means the same detector."""
    parameters = json.dumps({"format": FORMAT, "epochs": EPOCHS, "margin": MARGIN, "seed": SEED}, sort_keys=True)
    # Line endings do not change the examples (a checkout may turn \n into \r\n).
    return hashlib.sha256(parameters.encode("utf-8") + b"\n" + examples.replace(b"\r\n", b"\n")).hexdigest()


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
        "idf": _pack("d", [detector.tfidf.idf[feature] for feature in features]),
        # Features with weights (by position in "features"), how many classes each has a weight for,
        # and then those classes and weights one row after another.
        "rows": [position[feature] for feature, _ in rows],
        "sizes": _pack("B", [len(row) for _, row in rows]),
        "row_classes": _pack("B", [index for _, row in rows for index in sorted(row)]),
        "row_weights": _pack("d", [row[index] for _, row in rows for index in sorted(row)]),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_weights(text: str) -> tuple[IntentDetector, str]:
    """The detector in a document made by ``write_weights``, and the fingerprint it carries."""
    document = json.loads(text)
    if document.get("format") != FORMAT:
        raise ValueError(f"intent weights have format {document.get('format')!r}, expected {FORMAT}")
    features = document["features"]
    classes, values = _unpack("B", document["row_classes"]), _unpack("d", document["row_weights"])
    weights: dict[str, MappingProxyType[int, float]] = {}
    start = 0
    for feature, size in zip(document["rows"], _unpack("B", document["sizes"]), strict=True):
        weights[features[feature]] = MappingProxyType(
            dict(zip(classes[start : start + size], values[start : start + size], strict=True))
        )
        start += size
    scorer = LinearScorer(tuple(document["classes"]), MappingProxyType(weights), tuple(document["bias"]))
    idf = dict(zip(features, _unpack("d", document["idf"]), strict=True))
    detector = IntentDetector(TfIdf(MappingProxyType(idf)), scorer, frozenset(document["vocabulary"]))
    return detector, document["fingerprint"]


def _pack(code: str, numbers: list[float] | list[int]) -> str:
    packed = array(code, numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def _unpack(code: str, text: str) -> array:
    unpacked = array(code, base64.b64decode(text))
    if sys.byteorder == "big":
        unpacked.byteswap()
    return unpacked
