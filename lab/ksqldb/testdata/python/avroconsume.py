"""Consume records of a topic with confluent-kafka-python's AvroConsumer,
which decodes keys and values in the Confluent wire format with the schema
the Schema Registry holds for their ids, and print them as JSON.

usage:
  avroconsume.py BOOTSTRAP REGISTRY_URL TOPIC COUNT
      print {"records": [{"key": ..., "value": ..., "key_schema": ...,
      "value_schema": ...}]} for the first COUNT records of TOPIC; each
      schema is the registry's text for the record's id, parsed
"""
import json
import sys
import time
import uuid

from confluent_kafka.avro import AvroConsumer
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient

DEADLINE_SECONDS = 30


def main():
    bootstrap, url, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    consumer = AvroConsumer({
        "bootstrap.servers": bootstrap,
        "schema.registry.url": url,
        "group.id": "avroconsume-" + uuid.uuid4().hex,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
    })
    raw = CachedSchemaRegistryClient({"url": url})
    consumer.subscribe([topic])
    records = []
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        while len(records) < count and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                raise RuntimeError(str(msg.error()))
            records.append({"key": msg.key(), "value": msg.value()})
    finally:
        consumer.close()
    if len(records) < count:
        sys.exit("read %d of %d records of %s" % (len(records), count, topic))
    # the records were written under the subjects' latest schemas
    for field in ("key", "value"):
        _, schema, _ = raw.get_latest_schema(topic + "-" + field)
        for r in records:
            r[field + "_schema"] = json.loads(str(schema)) if schema is not None else None
    print(json.dumps({"records": records}))


if __name__ == "__main__":
    main()
