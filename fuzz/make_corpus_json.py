#!/usr/bin/python3
"""Writes the small seed corpus of fuzz_json to fuzz/corpus/json: the TF.js
model.json of tests/oracle/tfjs_fixture.py (every Keras layer type the
interpreter covers), its bare model_config (as a full-model .h5 stores it),
and small documents with escapes, numbers and nesting."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "json")
os.makedirs(out, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, os.path.join(here, "..", "tests", "oracle", "tfjs_fixture.py"), tmp],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(tmp, "model.json")) as f:
        doc = json.load(f)
with open(os.path.join(out, "model.json"), "w") as f:
    json.dump(doc, f)
with open(os.path.join(out, "model_config.json"), "w") as f:
    json.dump(doc["modelTopology"]["model_config"], f, separators=(",", ":"))
small = {
    "class_index.json": '{"0": ["n01440764", "tench"], "1": ["n01443537", "goldfish"]}',
    "escapes.json": '["a\\"b\\\\c\\/\\b\\f\\n\\r\\t", "\\u00e9\\u4e2d\\ud83d\\ude00"]',
    "numbers.json": '[0, -0, 1.5e300, -2E-5, 12345678901234567890, NaN, Infinity, -Infinity, true, false, null]',
    "nested.json": '{"a": [[[[{"b": {}}]]]], "c": []}',
}
for name, text in small.items():
    pathlib.Path(out, name).write_text(text)
