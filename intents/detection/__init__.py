"""Intent detection: which of herbot's intents a chat message asks for, how sure, and why.

>>> detector = load_detector()
>>> str(detector.detect("tx options? IHC 1+ ER 90%").intent)
'classify-values'
>>> str(detector.detect("should my patient get T-DXd?").reason)
'patient-specific request'
"""

from intents.detection.detector import CONFIDENCE_THRESHOLD, IntentDetector, IntentGuess, Reason
from intents.detection.examples import load_detector, load_examples
from intents.detection.normalise import normalise

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "IntentDetector",
    "IntentGuess",
    "Reason",
    "load_detector",
    "load_examples",
    "normalise",
]
