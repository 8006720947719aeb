import json

import pytest

from chalicelib import events
from chalicelib.errors import InputError


def s3_notification(*keys: str, event: str = "ObjectCreated:Put") -> str:
    return json.dumps(
        {
            "Records": [
                {
                    "eventVersion": "2.1",
                    "eventSource": "aws:s3",
                    "eventName": event,
                    "s3": {
                        "bucket": {"name": "presslift-ingest"},
                        "object": {"key": key, "size": 10, "eTag": "abc"},
                    },
                }
                for key in keys
            ]
        }
    )


def test_s3_keys_are_url_decoded():
    created = events.s3_objects_created(s3_notification("imports/my-site/My+Export%C3%A9.xml"))
    assert [c.key for c in created] == ["imports/my-site/My Exporté.xml"]
    assert created[0].bucket == "presslift-ingest"


def test_s3_test_event_gives_nothing():
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "presslift-ingest"})
    assert events.s3_objects_created(body) == []


def test_s3_removals_are_ignored():
    assert events.s3_objects_created(s3_notification("imports/a/x.xml", event="ObjectRemoved:Delete")) == []


@pytest.mark.parametrize(
    "body", ["not json", "[1, 2]", json.dumps({"Records": [{"eventName": "ObjectCreated:Put"}]})]
)
def test_unreadable_notifications_are_input_errors(body):
    with pytest.raises(InputError):
        events.s3_objects_created(body)


@pytest.mark.parametrize(
    "message",
    [events.BuildRequest("r1", "demo", "sources/demo/r1.tar.gz"), events.DeployRequest("r1", "demo", "prod")],
)
def test_pipeline_messages_round_trip(message):
    assert events.decode(events.encode(message)) == message


@pytest.mark.parametrize("body", ["{}", '{"type": "nope"}', '{"type": "build", "run_id": "x"}', "]["])
def test_unknown_messages_are_input_errors(body):
    with pytest.raises(InputError, match="not a Presslift pipeline message"):
        events.decode(body)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"Records": 5}', "Records is not a list"),
        ('{"Records": [5]}', "record is not a JSON object"),
        (
            '{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, '
            '"object": {"key": "imports/x.xml", "size": "abc"}}}]}',
            "lacks or garbles",
        ),
        ('{"Records": [{"eventName": "ObjectCreated:Put", "s3": "b"}]}', "lacks or garbles"),
    ],
)
def test_an_s3_notification_of_another_shape_is_an_input_error(body: str, words: str) -> None:
    # These raised TypeError, AttributeError and ValueError: an ingest message retried to its dead end
    # without saying what was wrong with it.
    with pytest.raises(InputError, match=words):
        events.s3_objects_created(body)
