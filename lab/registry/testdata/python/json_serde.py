"""Serialise and deserialise a record with confluent-kafka-python's JSON
Schema serdes against a Schema Registry, and report what happened as JSON.

usage: json_serde.py REGISTRY_URL TOPIC
"""
import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

SCHEMA = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Train",
    "type": "object",
    "properties": {"run": {"type": "integer"}, "line": {"type": "string"}},
    "required": ["run"],
})


def main():
    url, topic = sys.argv[1], sys.argv[2]
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(topic, MessageField.VALUE)
    ser = JSONSerializer(SCHEMA, client)
    data = ser({"run": 801, "line": "red"}, ctx)
    back = JSONDeserializer(SCHEMA)(data, ctx)
    latest = client.get_latest_version(topic + "-value")
    print(json.dumps({
        "wire": data.hex(),
        "back": back,
        "schema_id": latest.schema_id,
        "schema_type": latest.schema.schema_type,
        "schema": latest.schema.schema_str,
    }))


if __name__ == "__main__":
    main()
