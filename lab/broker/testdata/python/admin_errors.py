"""Asks for topics the broker refuses with confluent-kafka's AdminClient
(librdkafka) and prints, as one JSON object, what librdkafka reports for
each: {topic: str(KafkaError)}.

usage: python3 admin_errors.py <broker> <existing topic>
"""
import json
import sys

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

broker, existing = sys.argv[1], sys.argv[2]
admin = AdminClient({"bootstrap.servers": broker})
asks = [
    NewTopic(existing, 1, 1),
    NewTopic("py-three-replicas", 1, 3),
    NewTopic("py-bad-config", 1, 1, config={"retention.ms": "soon"}),
]
out = {}
for name, fut in admin.create_topics(asks, request_timeout=10).items():
    try:
        fut.result(15)
        out[name] = "created"
    except KafkaException as e:
        out[name] = str(e.args[0].str())
print(json.dumps(out))
