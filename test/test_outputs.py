"""What the node publishes, built without a running node (node-level checks: test_node*)."""

import json
import math

import pytest

from clip_perception.node import json_text


def _strict(text):
    """Parse as JSON.parse, Go and jq do: NaN and Infinity are not JSON."""
    def refuse(token):
        raise ValueError(f'not JSON: {token}')
    return json.loads(text, parse_constant=refuse)


def test_answers_are_strict_json_whatever_floats_they_hold():
    doc = {'latency_s': math.nan, 'position': [0.1, math.inf, -math.inf],
           'candidates': [{'cosine': math.nan, 'box': (1.0, 2.0, 3.0, 4.0)}],
           'status': 'found', 'proposals': 3, 'chosen': None, 'ok': True}
    out = _strict(json_text(doc))
    assert out == {'latency_s': None, 'position': [0.1, None, None],
                   'candidates': [{'cosine': None, 'box': [1.0, 2.0, 3.0, 4.0]}],
                   'status': 'found', 'proposals': 3, 'chosen': None, 'ok': True}
    with pytest.raises(ValueError):
        _strict(json.dumps({'x': math.nan}))  # what json.dumps alone writes
    with pytest.raises(TypeError):
        json_text({'x': object()})
