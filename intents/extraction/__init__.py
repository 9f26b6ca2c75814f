"""Free text in, reported HER2 / ER / PR values out.

``extract_values(text)`` returns an ``Extraction``: the values a message reports, by the
field names of ``bot.engine.fields.FIELDS``, in the text forms the engine validator reads
("2+", "0-ultralow", "1.6", "90", "positive", "yes"). A value is read only next to its own
keyword; a field reported twice with different values is a conflict, never overwritten; a
malformed ratio or copy number ("2.0.1", "1.8-2.2", "<2.2", "~2") is kept as written, for the
validator to reject, never cut down to a number; and patient identifiers are reported by kind
only. Any ``str`` is accepted. Pure: no I/O, no logging, no state.

Modules, in the order a message passes through them::

    _text         fold unicode, dashes and spacing; blank what has been read
    _identifiers  kinds of patient identifier; blank them
    _sinks        numbers that are never values (Ki-67, age, size, grade, blocks, counts)
    _ish          ratio, copy number, probe, recount, amplified / not amplified
    _ihc          IHC scores
    _receptors    ER and PR percentages, Allred scores, calls
    _labels       HER2 positive / negative in words
    _extract      the rule order and ``extract_values``
    _resolve      one value per field, or a conflict
    _model        ``Extraction``

>>> extract_values("ER/PR 90/20, HER2 0 with faint incomplete staining in <10% of cells").fields["ihc"]
'0-ultralow'
"""

from intents.extraction._extract import extract_values
from intents.extraction._model import Extraction

__all__ = ["Extraction", "extract_values"]
