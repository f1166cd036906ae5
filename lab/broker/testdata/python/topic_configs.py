"""Describes a topic's configs with confluent-kafka's AdminClient
(librdkafka) and prints their names, as one JSON list, in the order the
result holds them (librdkafka keeps the response's order and
confluent-kafka's dict keeps librdkafka's).

usage: python3 topic_configs.py <broker> <topic>
"""
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource

broker, topic = sys.argv[1], sys.argv[2]
admin = AdminClient({"bootstrap.servers": broker})
resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
configs = admin.describe_configs([resource], request_timeout=10)[resource].result(15)
print(json.dumps(list(configs), separators=(",", ":")))
