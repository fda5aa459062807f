"""Validates JSON documents against one qcompat schema file with Python's
jsonschema, offline: the registry is empty and retrieves nothing, so a
reference the file does not hold itself is an error (a schema must stand
alone). Usage: schema_check.py SCHEMA DOC...; prints one line a document."""
import json
import sys

import jsonschema
import referencing

with open(sys.argv[1]) as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, registry=referencing.Registry())
for path in sys.argv[2:]:
    with open(path) as f:
        doc = json.load(f)
    errors = sorted(e.message for e in validator.iter_errors(doc))
    print(f"{path}: " + ("valid" if not errors else "invalid: " + errors[0]))
