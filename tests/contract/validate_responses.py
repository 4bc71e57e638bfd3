#!/usr/bin/env python3
"""Checks every response the black-box tests received against the OpenAPI
document the daemon that sent it served (tests/support/contract_log.hpp
writes them down; tests/CMakeLists.txt runs this after every suite).

For each exchange: the path is matched to the document's path templates as
the daemon's router matches routes (among the templates with the request's
method, the one with the most literal segments); the operation must exist
(a 404 or 405 for a path or method nobody serves is the router's answer,
not a contract breach; a path no template fits is a test fixture's or a
probe's); the status must be one the
operation documents, else its `default`; the media type must be one the
response lists; a JSON body must validate against its schema (JSON Schema
2020-12, python3-jsonschema). Exit 1 lists each distinct breach once.

Usage: validate_responses.py <log dir>
"""
import json
import os
import sys
import warnings
from collections import Counter, defaultdict

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)  # RefResolver: the API Debian 12's 4.10 has

OPERATIONS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def resolve(document, node):
    """Follows `$ref`s to components of the same document."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError("a $ref outside the document: " + ref)
        node = document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        seen += 1
    return node


class Contract:
    def __init__(self, document):
        self.document = document
        self.resolver = jsonschema.RefResolver.from_schema(document)
        self.validators = {}
        self.templates = []
        for template, item in document.get("paths", {}).items():
            segments = template.split("/")  # "/console" and "/console/" differ, as in the router
            literal = sum(1 for s in segments if not (s.startswith("{") and s.endswith("}")))
            self.templates.append((template, segments, literal, resolve(document, item)))

    def match(self, method, path):
        """The template and path item that serve `method` on `path`, as the
        router picks its route: among the templates with that method, the one
        with the most literal segments; failing that, any template that fits
        (the router then answers 405). (None, None) when none fits."""
        parts = path.split("/")
        best, best_any = None, None
        for template, segments, literal, item in self.templates:
            if len(segments) != len(parts):
                continue
            if all(s == p or (s.startswith("{") and s.endswith("}") and p) for s, p in zip(segments, parts)):
                if isinstance(item, dict) and method in item and (best is None or literal > best[1]):
                    best = (template, literal, item)
                if best_any is None or literal > best_any[1]:
                    best_any = (template, literal, item)
        chosen = best or best_any
        return (chosen[0], chosen[2]) if chosen else (None, None)

    def validate(self, schema, body):
        key = json.dumps(schema, sort_keys=True)
        validator = self.validators.get(key)
        if validator is None:
            validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
            self.validators[key] = validator
        error = jsonschema.exceptions.best_match(validator.iter_errors(body))
        if error is None:
            return None
        where = "/".join(str(p) for p in error.absolute_path) or "(the body)"
        return f"at {where}: {error.message[:300]}"


def media_type(content_type):
    return content_type.split(";")[0].strip().lower()


def check(contract, exchange):
    """None when the exchange keeps the contract, "skip" when it is no
    operation's, else what is wrong."""
    method = exchange["method"].lower()
    status = exchange["status"]
    if method == "head":
        return "skip"
    template, item = contract.match(method, exchange["path"])
    if template is None:
        # Nobody serves it (a 404 probe), or a plugin that describes nothing
        # does (the test fixtures): GET /api/v1/admin/routes' `documented`
        # and tests/integration/openapi_test.cpp hold every shipped route to
        # the document instead.
        return "skip"
    operation = item.get(method)
    if operation is None:
        return "skip" if status in (404, 405) else f"{method.upper()} {template} is not documented"
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{status // 100}XX") or responses.get("default")
    if response is None:
        return f"{method.upper()} {template}: status {status} is not documented"
    response = resolve(contract.document, response)
    content = response.get("content")
    actual = media_type(exchange.get("content_type") or "")
    if not content:
        if exchange.get("body") not in (None, "") and status not in (204, 304):
            return f"{method.upper()} {template} {status}: a body, but the document lists no content"
        return None
    if status in (204, 304):
        return None
    entry = content.get(actual)
    if entry is None:
        for listed, value in content.items():
            if listed in ("*/*",) or (listed.endswith("/*") and actual.startswith(listed[:-1])):
                entry = value
                break
    if entry is None:
        return f"{method.upper()} {template} {status}: content type {actual!r} is not among {sorted(content)}"
    if exchange.get("body_is_json") is False:
        return f"{method.upper()} {template} {status}: the {actual} body is not JSON"
    if "body" not in exchange or exchange["body"] is None or "schema" not in entry:
        return None
    problem = contract.validate(entry["schema"], exchange["body"])
    return f"{method.upper()} {template} {status}: {problem}" if problem else None


def schema_problems(document):
    """The document's component schemas that are not JSON Schema 2020-12
    themselves (a YAML slip such as an unquoted comma in a flow mapping
    turns a description into a number and a stray key): each as a line."""
    out = []
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            where = "/".join(str(p) for p in e.absolute_path)
            out.append(f"the document's schema {name} is not JSON Schema ({where}: {e.message})")
    return out


def main(log_dir):
    exchanges_dir = os.path.join(log_dir, "exchanges")
    if not os.path.isdir(exchanges_dir):
        # No black-box test started a daemon in this run (a subset such as
        # `ctest -R storage`). That the recording works is a test of its own
        # (tests/integration/openapi_test.cpp), so silence here is not a
        # recording that broke.
        print(f"no exchanges under {exchanges_dir}: no daemon was started, nothing to check")
        return 0
    contracts = {}
    counts = Counter()
    breaches = defaultdict(list)
    for name in sorted(os.listdir(exchanges_dir)):
        with open(os.path.join(exchanges_dir, name), encoding="utf-8") as f:
            lines = f.read().splitlines()
        if not lines:
            continue
        document_name = json.loads(lines[0]).get("document")
        if document_name is None:
            counts["without a document (TLS, or the daemon stopped first)"] += len(lines) - 1
            continue
        if document_name not in contracts:
            with open(os.path.join(log_dir, "documents", document_name), encoding="utf-8") as f:
                contracts[document_name] = Contract(json.load(f))
            for problem in schema_problems(contracts[document_name].document):
                breaches[problem].append(name)
        contract = contracts[document_name]
        for line in lines[1:]:
            try:
                exchange = json.loads(line)
            except ValueError:
                counts["unreadable (a test ended mid-write)"] += 1
                continue
            try:
                outcome = check(contract, exchange)
            except (KeyError, ValueError, jsonschema.exceptions.RefResolutionError) as e:
                outcome = f"{exchange['method']} {exchange['path']}: the document cannot be followed ({e!r})"
            if outcome is None:
                counts["checked"] += 1
            elif outcome == "skip":
                counts["for no documented operation (404/405 probes, fixture plugins)"] += 1
            else:
                counts["breaches"] += 1
                breaches[outcome].append(name)
    print(f"{len(contracts)} distinct documents; " + "; ".join(f"{n} {what}" for what, n in counts.items()))
    if breaches:
        print(f"\n{len(breaches)} distinct breaches of the contract:")
        for outcome, files in sorted(breaches.items()):
            print(f"- {outcome}\n    ({len(files)} times; first in exchanges/{files[0]})")
        return 1
    if counts["checked"] == 0:
        print("no exchange was checked: is the log being written?")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
