#!/usr/bin/env python3
"""The contract check itself: it must catch what it exists to catch (a body
off its schema, an undocumented status or media type) and pass what keeps
the document, so that its silence over the suites means something."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

DOCUMENT = {
    "openapi": "3.1.0",
    "paths": {
        "/api/v1/things/{id}": {
            "get": {
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "default": {"$ref": "#/components/responses/Problem"},
                }
            }
        },
        "/api/v1/things/": {"get": {"responses": {"204": {"description": "none"}}}},
        "/api/v1/things/approve": {"post": {"responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "Thing": {"type": "object", "required": ["id", "at"], "properties": {"id": {"type": "string"}, "at": {"type": ["string", "null"]}}},
            "Problem": {"type": "object", "required": ["type", "status"]},
        },
        "responses": {"Problem": {"description": "p", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
    },
}


DOCUMENT_OVERRIDE = None  # a test's own document instead of DOCUMENT


def run(exchanges):
    with tempfile.TemporaryDirectory() as log:
        os.makedirs(os.path.join(log, "documents"))
        os.makedirs(os.path.join(log, "exchanges"))
        with open(os.path.join(log, "documents", "d.json"), "w") as f:
            json.dump(DOCUMENT_OVERRIDE or DOCUMENT, f)
        with open(os.path.join(log, "exchanges", "1-1-0.jsonl"), "w") as f:
            f.write(json.dumps({"document": "d.json"}) + "\n")
            for e in exchanges:
                f.write(json.dumps(e) + "\n")
        done = subprocess.run([sys.executable, os.path.join(HERE, "validate_responses.py"), log], capture_output=True, text=True)
        return done.returncode, done.stdout


def exchange(path, status, body, content_type="application/json; charset=utf-8"):
    return {"method": "GET", "path": path, "status": status, "content_type": content_type, "body": body, "body_is_json": True}


class ContractCheck(unittest.TestCase):
    def test_a_schema_that_is_not_json_schema_is_a_breach(self):
        broken = json.loads(json.dumps(DOCUMENT))
        # What `{type: integer, description: 1, 2, 3...}` in YAML becomes.
        broken["components"]["schemas"]["Thing"]["properties"]["id"]["description"] = 1
        global DOCUMENT_OVERRIDE
        DOCUMENT_OVERRIDE = broken
        try:
            code, out = run([exchange("/api/v1/things/7", 200, {"id": "7", "at": None})])
        finally:
            DOCUMENT_OVERRIDE = None
        self.assertEqual(code, 1, out)
        self.assertIn("the document's schema Thing is not JSON Schema", out)

    def test_a_response_that_keeps_the_document_passes(self):
        code, out = run([exchange("/api/v1/things/7", 200, {"id": "7", "at": None}),
                         exchange("/api/v1/things/7", 404, {"type": "urn:memberd:problem:not_found", "status": 404}, "application/problem+json"),
                         {"method": "GET", "path": "/api/v1/things/", "status": 204, "content_type": "", "body": None}])
        self.assertEqual(code, 0, out)

    def test_a_body_off_its_schema_is_caught(self):
        code, out = run([exchange("/api/v1/things/7", 200, {"id": 7, "at": None})])
        self.assertEqual(code, 1)
        self.assertIn("GET /api/v1/things/{id} 200: at id", out)

    def test_a_missing_required_member_is_caught(self):
        code, out = run([exchange("/api/v1/things/7", 200, {"id": "7"})])
        self.assertEqual(code, 1)
        self.assertIn("'at' is a required property", out)

    def test_an_undocumented_status_and_media_type_are_caught(self):
        code, out = run([exchange("/api/v1/things/", 200, {"id": "7"}),
                         exchange("/api/v1/things/7", 200, None, "text/html")])
        self.assertEqual(code, 1)
        self.assertIn("status 200 is not documented", out)
        self.assertIn("'text/html' is not among", out)

    def test_a_path_and_its_trailing_slash_are_different_paths(self):
        code, out = run([exchange("/api/v1/things", 204, None, "")])
        self.assertEqual(code, 1)  # matched nothing: no exchange was checked
        self.assertIn("no exchange was checked", out)

    def test_the_method_picks_the_template_as_the_router_does(self):
        # GET /things/approve is served by GET /things/{id}, not by the POST-only literal.
        code, out = run([exchange("/api/v1/things/approve", 200, {"id": "approve", "at": None})])
        self.assertEqual(code, 0, out)

    def test_a_reference_that_leads_nowhere_is_a_breach_not_a_crash(self):
        global DOCUMENT
        saved = DOCUMENT
        DOCUMENT = json.loads(json.dumps(saved))
        DOCUMENT["paths"]["/api/v1/things/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Gone"}
        try:
            code, out = run([exchange("/api/v1/things/7", 200, {"id": "7", "at": None})])
        finally:
            DOCUMENT = saved
        self.assertEqual(code, 1, out)
        self.assertIn("cannot be followed", out)


if __name__ == "__main__":
    unittest.main()
