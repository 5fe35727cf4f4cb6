#!/usr/bin/env python3
"""Builds the shipped variants of the default scenario from models/tumour_stroma.yaml.

Each variant is models/variants/<name>.yaml: a header comment (which replaces the base's) and the top-level sections
that differ from the base, each written whole. The variant file models/<name>.yaml is the base with those sections
swapped in (in the base's order; a section the base lacks goes at the end; a section written `key: ~` is dropped),
so everything a variant does not name is the base's text, comments included. `generate.py` writes the variants;
`generate.py --check DIR` writes them into DIR instead (tests/cli/model_variants.sh compares them with models/).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):")


def split(text):
    """(header, [(key, text)]): the leading comment block, then each top-level section with the comment lines
    and blank lines just above it."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    header = "".join(lines[:i])
    sections, pending, key, body = [], [], None, []
    for line in lines[i:]:
        m = KEY.match(line)
        if m:
            if key is not None:
                sections.append((key, "".join(body)))
            key, body = m.group(1), pending + [line]
            pending = []
        elif line.startswith("#") or not line.strip():
            pending.append(line)
        else:
            body.extend(pending + [line])
            pending = []
    if key is not None:
        sections.append((key, "".join(body + pending)))
    return header, sections


def build(base_text, variant_text):
    _, base = split(base_text)
    header, over = split(variant_text)
    over_map = dict(over)
    out = [header]
    for key, text in base:
        if key in over_map:
            text = over_map.pop(key)
        if not re.match(r"^" + key + r":\s*~\s*$", text.strip().splitlines()[-1] if text.strip() else ""):
            out.append(text)
    for key, text in over:
        if key in over_map:
            out.append(text)
    return "".join(out)


def main(argv):
    dest = MODELS
    if len(argv) == 3 and argv[1] == "--check":
        dest = argv[2]
    elif len(argv) != 1:
        sys.exit("usage: generate.py [--check DIR]")
    base = open(os.path.join(MODELS, "tumour_stroma.yaml")).read()
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".yaml"):
            continue
        text = build(base, open(os.path.join(HERE, name)).read())
        with open(os.path.join(dest, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv)
