"""Serialise a record with confluent-kafka-python's ProtobufSerializer
(which registers its schema as a base64 FileDescriptorProto) against a
Schema Registry, and report what happened as JSON.

usage: protobuf_serde.py REGISTRY_URL TOPIC
"""
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def train_class():
    # The descriptor protoc writes for:
    #   syntax = "proto3"; package cta;
    #   message Train { string run = 1; int32 next_station = 2; }
    fdp = descriptor_pb2.FileDescriptorProto(name="trains.proto", package="cta", syntax="proto3")
    msg = fdp.message_type.add(name="Train")
    msg.field.add(name="run", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL, json_name="run")
    msg.field.add(name="next_station", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL, json_name="nextStation")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("cta.Train"))


def main():
    url, topic = sys.argv[1], sys.argv[2]
    Train = train_class()
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(topic, MessageField.VALUE)
    data = ProtobufSerializer(Train, client)(Train(run="801", next_station=40380), ctx)
    back = ProtobufDeserializer(Train)(data, ctx)
    latest = client.get_latest_version(topic + "-value")
    print(json.dumps({
        "wire": data.hex(),
        "back": {"run": back.run, "next_station": back.next_station},
        "schema_id": latest.schema_id,
        "schema_type": latest.schema.schema_type,
        "schema": latest.schema.schema_str,
    }))


if __name__ == "__main__":
    main()
