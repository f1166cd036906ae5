"""Describes a broker's configs with confluent-kafka's AdminClient
(librdkafka) and prints, as one JSON object, how many it lists and, for
each config named on the command line, what librdkafka reports:
{"count": n, "configs": {name: [value, source, read_only, sensitive,
[[synonym, value, source], ...]]}}, sources by ConfigSource's name;
confluent-kafka keeps the synonyms in a dict by name, so a name's last
synonym stands for it.

usage: python3 broker_configs.py <broker> <broker id> <config>...
"""
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource

broker, node, names = sys.argv[1], sys.argv[2], sys.argv[3:]
admin = AdminClient({"bootstrap.servers": broker})
resource = ConfigResource(ConfigResource.Type.BROKER, node)
configs = admin.describe_configs([resource], request_timeout=10)[resource].result(15)
out = {"count": len(configs), "configs": {}}
for name in names:
    c = configs[name]
    out["configs"][name] = [
        c.value,
        ConfigSource(c.source).name,
        c.is_read_only,
        c.is_sensitive,
        [[s.name, s.value, ConfigSource(s.source).name] for s in c.synonyms.values()],
    ]
print(json.dumps(out, separators=(",", ":")))
