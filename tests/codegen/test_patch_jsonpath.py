"""codegen.patch's JSONPath: the library's own results, with search()/match() patterns compiled once per run."""

from __future__ import annotations

from typing import Any

import jsonpath_rfc9535 as jsonpath
import pytest

from codegen import patch

DOCUMENT: dict[str, Any] = {
    "a": {"description": "source is required: exactly one of x", "type": "object"},
    "b": {"description": "Exactly one mode\nmust be chosen", "type": "object"},
    "c": {"description": 42, "type": "object"},
    "d": {"description": "abc", "type": "string"},
    "e": [{"description": "a.c"}, {"description": "ab"}, {"description": "x\ud800"}],
}


@pytest.mark.parametrize(
    "query",
    [
        "$..[?search(@.description, 'exactly one of')]",
        "$..[?search(@.description, 'one mode.must')]",  # '.' does not match a line break in I-Regexp
        "$..[?search(@.description, 'a.c')]",
        "$..[?search(@.description, '[a-b]+')]",
        "$..[?search(@.description, '(unclosed')]",  # not an I-Regexp: no match, no error
        "$..[?search(@.description, '\\\\d{2')]",
        "$..[?match(@.description, 'a.c')]",
        "$..[?match(@.description, 'ab')]",
        "$..[?match(@.description, 'abc|ab')]",
        "$..[?match(@.description, '[')]",
        "$..[?search(@.type, 'obj') && !match(@.description, '.*mode.*')]",
        "$..[?search(@.description, @.type)]",  # a pattern from the document
    ],
)
def test_search_and_match_select_what_the_library_selects(query: str) -> None:
    expected = [node.path() for node in jsonpath.compile(query).find(DOCUMENT)]
    assert expected == [node.path() for node in patch.JSONPATH.compile(query).find(DOCUMENT)]


def test_each_pattern_is_compiled_once_per_run() -> None:
    patch._i_regexp.cache_clear()
    patch.JSONPATH.compile("$..[?search(@.description, 'exactly')]").find(DOCUMENT)
    assert (1, 1) == (patch._i_regexp.cache_info().misses, patch._i_regexp.cache_info().currsize)
    assert patch._i_regexp.cache_info().hits > 1
