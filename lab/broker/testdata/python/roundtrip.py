"""Lists topics, creates one, produces gzip batches and consumes them back
as a group member with confluent-kafka (librdkafka). Prints one JSON object.

usage: python3 roundtrip.py <broker> <topic>
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

broker, topic = sys.argv[1], sys.argv[2]
admin = AdminClient({"bootstrap.servers": broker})
listed = admin.list_topics(timeout=10).topics
offsets = listed.get("__consumer_offsets")
for fut in admin.create_topics([NewTopic(topic, 1, 1)]).values():
    fut.result(10)

errors = []
producer = Producer({"bootstrap.servers": broker, "acks": "all", "compression.type": "gzip"})
for i in range(3):
    producer.produce(topic, key=str(i), value="value-%d " % i * 50,
                     on_delivery=lambda err, msg: err and errors.append(str(err)))
producer.flush(10)

consumer = Consumer({"bootstrap.servers": broker, "group.id": "py-spec",
                     "auto.offset.reset": "earliest", "session.timeout.ms": 6000})
consumer.subscribe([topic])
got = []
deadline = time.time() + 20
while len(got) < 3 and time.time() < deadline:
    msg = consumer.poll(0.5)
    if msg is None:
        continue
    if msg.error():
        errors.append(str(msg.error()))
        break
    got.append(msg.key().decode())
consumer.close()
print(json.dumps({
    "consumer_offsets_partitions": len(offsets.partitions) if offsets else 0,
    "keys": got,
    "errors": errors,
}))
