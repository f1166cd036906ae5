"""Write or read one record with confluent-kafka-python's Protobuf serdes
against a Schema Registry, and print what happened as JSON.

usage:
  protobuf.py write REGISTRY_URL TOPIC   serialise cta.Train(run="801",
                                         next_station=40380); print the wire
                                         bytes as hex
  protobuf.py read REGISTRY_URL TOPIC HEX
                                         deserialise the wire bytes as the
                                         message ConnectDefault1 { string
                                         LINE = 1; double DELAY = 2; int64
                                         CARS = 3; bool LATE = 4; repeated
                                         string STOPS = 5; } that protoc
                                         would describe; print the fields
                                         and the schema the id names
"""
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.json_format import MessageToDict

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

F = descriptor_pb2.FieldDescriptorProto


def message_class(fdp, full_name):
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName(full_name))


def train_class():
    fdp = descriptor_pb2.FileDescriptorProto(name="trains.proto", package="cta", syntax="proto3")
    msg = fdp.message_type.add(name="Train")
    msg.field.add(name="run", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    msg.field.add(name="next_station", number=2, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
    return message_class(fdp, "cta.Train")


def ksql_class():
    fdp = descriptor_pb2.FileDescriptorProto(name="ksql.proto", syntax="proto3")
    msg = fdp.message_type.add(name="ConnectDefault1")
    msg.field.add(name="LINE", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    msg.field.add(name="DELAY", number=2, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
    msg.field.add(name="CARS", number=3, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    msg.field.add(name="LATE", number=4, type=F.TYPE_BOOL, label=F.LABEL_OPTIONAL)
    msg.field.add(name="STOPS", number=5, type=F.TYPE_STRING, label=F.LABEL_REPEATED)
    return message_class(fdp, "ConnectDefault1")


def main():
    mode, url, topic = sys.argv[1], sys.argv[2], sys.argv[3]
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(topic, MessageField.VALUE)
    if mode == "write":
        Train = train_class()
        data = ProtobufSerializer(Train, client)(Train(run="801", next_station=40380), ctx)
        print(json.dumps({"wire": data.hex()}))
        return
    wire = bytes.fromhex(sys.argv[4])
    magic, schema_id = struct.unpack(">bI", wire[:5])
    schema = client.get_schema(schema_id)
    msg = ProtobufDeserializer(ksql_class())(wire, ctx)
    print(json.dumps({
        "magic": magic,
        "schema_type": schema.schema_type,
        "schema": schema.schema_str,
        "record": MessageToDict(msg, preserving_proto_field_name=True, including_default_value_fields=True),
    }))


if __name__ == "__main__":
    main()
