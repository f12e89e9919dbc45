"""Validate a SARIF file against the vendored SARIF 2.1.0 JSON schema (see README.md).

    python tests/sarif/validate.py FILE.sarif

Prints `valid` and exits 0, or prints one line per error, `PATH: MESSAGE` (PATH is the
JSON path of the offending value, `$` for the document itself), and exits 1. A file that
is not JSON is one error at `$`. Exit 2: bad usage or an unreadable file.

The validator class follows the schema's own `$schema` (the published 2.1.0 errata01
schema says draft-04), with the draft's format checker: `date-time` is checked (needs the
rfc3339-validator package, pinned beside jsonschema); `uri` / `uri-reference` are not
(jsonschema checks them only with the rfc3987 package, which is not installed).
"""

import json
import os
import sys

import jsonschema

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "sarif-schema-2.1.0.json")


def load_schema():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def validator():
    """A validator for the schema, of the class its `$schema` names (checked itself)."""
    schema = load_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def json_path(error):
    """`$.runs[0].results[2].level` for an error's location in the document."""
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _path_key(error):
    """Sort key: by path, array indexes numerically (runs[2] before runs[10])."""
    return [(0, part, "") if isinstance(part, int) else (1, 0, part)
            for part in error.absolute_path]


def errors_of(document):
    """Every schema error of a parsed document as (path, message), sorted by path."""
    found = validator().iter_errors(document)
    return [(json_path(e), e.message) for e in sorted(found, key=_path_key)]


def validate_file(path):
    """[(path, message)] for the file at `path` (empty: valid)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return [("$", f"not JSON: {exc}")]
    return errors_of(document)


def main(argv):
    if len(argv) != 1:
        print("usage: validate.py FILE.sarif", file=sys.stderr)
        return 2
    try:
        problems = validate_file(argv[0])
    except OSError as exc:
        print(f"cannot read {argv[0]}: {exc}", file=sys.stderr)
        return 2
    if not problems:
        print("valid")
        return 0
    for where, message in problems:
        print(f"{where}: {message}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
