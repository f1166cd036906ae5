"""Write or read one record with confluent-kafka-python's JSON Schema serdes
against a Schema Registry, and print what happened as JSON.

usage:
  jsonsr.py write REGISTRY_URL TOPIC   serialise {"run": 801, "line": "red"}
                                       under a draft-07 schema; print the
                                       wire bytes as hex
  jsonsr.py write REGISTRY_URL TOPIC SCHEMA RECORD
                                       serialise the JSON text RECORD under
                                       the JSON Schema text SCHEMA
  jsonsr.py read REGISTRY_URL TOPIC HEX
                                       deserialise the wire bytes with the
                                       schema their id names; print the
                                       record and that schema
"""
import json
import struct
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

TRAIN = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Train",
    "type": "object",
    "properties": {"run": {"type": "integer"}, "line": {"type": "string"}},
    "required": ["run"],
})


def main():
    mode, url, topic = sys.argv[1], sys.argv[2], sys.argv[3]
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(topic, MessageField.VALUE)
    if mode == "write":
        schema, record = TRAIN, {"run": 801, "line": "red"}
        if len(sys.argv) > 5:
            schema, record = sys.argv[4], json.loads(sys.argv[5])
        data = JSONSerializer(schema, client)(record, ctx)
        print(json.dumps({"wire": data.hex()}))
        return
    wire = bytes.fromhex(sys.argv[4])
    magic, schema_id = struct.unpack(">bI", wire[:5])
    schema = client.get_schema(schema_id)
    back = JSONDeserializer(schema.schema_str)(wire, ctx)
    print(json.dumps({
        "magic": magic,
        "schema_id": schema_id,
        "schema_type": schema.schema_type,
        "schema": json.loads(schema.schema_str),
        "record": back,
    }))


if __name__ == "__main__":
    main()
