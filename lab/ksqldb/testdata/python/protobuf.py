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
  protobuf.py read-type REGISTRY_URL TOPIC HEX FIELD KIND
                                         deserialise the wire bytes as the
                                         message ConnectDefault1 { T FIELD = 1; }
                                         where T is google.type.Date (KIND
                                         date), google.type.TimeOfDay (time)
                                         or confluent.type.Decimal (decimal),
                                         as googleapis and schema-registry
                                         declare them; print the value as
                                         text and the schema type
  protobuf.py read-nullable REGISTRY_URL TOPIC HEX REP
                                         deserialise the wire bytes as the
                                         message ConnectDefault1 { I = 1;
                                         L = 2; D = 3; B = 4; S = 5 } of
                                         int32, int64, double, bool and
                                         string, as google.protobuf
                                         wrappers (REP wrapper) or proto3
                                         optional fields (REP optional);
                                         print each field that is set
"""
import decimal
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, wrappers_pb2
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


TYPE_FILES = {
    # kind: (file, package, message, fields (name, number, type))
    "date": ("google/type/date.proto", "google.type", "Date",
             [("year", 1, F.TYPE_INT32), ("month", 2, F.TYPE_INT32), ("day", 3, F.TYPE_INT32)]),
    "time": ("google/type/timeofday.proto", "google.type", "TimeOfDay",
             [("hours", 1, F.TYPE_INT32), ("minutes", 2, F.TYPE_INT32),
              ("seconds", 3, F.TYPE_INT32), ("nanos", 4, F.TYPE_INT32)]),
    "decimal": ("confluent/type/decimal.proto", "confluent.type", "Decimal",
                [("value", 1, F.TYPE_BYTES), ("precision", 2, F.TYPE_UINT32), ("scale", 3, F.TYPE_INT32)]),
}


def typed_class(field, kind):
    name, package, message, fields = TYPE_FILES[kind]
    pool = descriptor_pool.DescriptorPool()
    dep = descriptor_pb2.FileDescriptorProto(name=name, package=package, syntax="proto3")
    msg = dep.message_type.add(name=message)
    for fname, number, ftype in fields:
        msg.field.add(name=fname, number=number, type=ftype, label=F.LABEL_OPTIONAL)
    pool.Add(dep)
    fdp = descriptor_pb2.FileDescriptorProto(name="ksql.proto", syntax="proto3", dependency=[name])
    top = fdp.message_type.add(name="ConnectDefault1")
    top.field.add(name=field, number=1, type=F.TYPE_MESSAGE, type_name="." + package + "." + message,
                  label=F.LABEL_OPTIONAL)
    pool.Add(fdp)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("ConnectDefault1"))


NULLABLE_FIELDS = [("I", F.TYPE_INT32, "Int32Value"), ("L", F.TYPE_INT64, "Int64Value"),
                   ("D", F.TYPE_DOUBLE, "DoubleValue"), ("B", F.TYPE_BOOL, "BoolValue"),
                   ("S", F.TYPE_STRING, "StringValue")]


def nullable_class(rep):
    pool = descriptor_pool.DescriptorPool()
    fdp = descriptor_pb2.FileDescriptorProto(name="ksql.proto", syntax="proto3")
    if rep == "wrapper":
        wrappers = descriptor_pb2.FileDescriptorProto()
        wrappers_pb2.DESCRIPTOR.CopyToProto(wrappers)
        pool.Add(wrappers)
        fdp.dependency.append(wrappers.name)
    msg = fdp.message_type.add(name="ConnectDefault1")
    for number, (name, ftype, wrapper) in enumerate(NULLABLE_FIELDS, start=1):
        if rep == "wrapper":
            msg.field.add(name=name, number=number, type=F.TYPE_MESSAGE,
                          type_name=".google.protobuf." + wrapper, label=F.LABEL_OPTIONAL)
        else:
            msg.oneof_decl.add(name="_" + name)
            msg.field.add(name=name, number=number, type=ftype, label=F.LABEL_OPTIONAL,
                          proto3_optional=True, oneof_index=len(msg.oneof_decl) - 1)
    pool.Add(fdp)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("ConnectDefault1"))


def set_fields(msg, rep):
    out = {}
    for name, _, _ in NULLABLE_FIELDS:
        if msg.HasField(name):
            value = getattr(msg, name)
            out[name] = value.value if rep == "wrapper" else value
    return out


def typed_text(value, kind):
    if kind == "date":
        return "%04d-%02d-%02d" % (value.year, value.month, value.day)
    if kind == "time":
        return "%02d:%02d:%02d.%03d" % (value.hours, value.minutes, value.seconds, value.nanos // 1000000)
    unscaled = int.from_bytes(value.value, "big", signed=True)
    return str(decimal.Decimal(unscaled).scaleb(-value.scale))


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
    if mode == "read-type":
        field, kind = sys.argv[5], sys.argv[6]
        msg = ProtobufDeserializer(typed_class(field, kind))(wire, ctx)
        print(json.dumps({"schema_type": schema.schema_type, "value": typed_text(getattr(msg, field), kind)}))
        return
    if mode == "read-nullable":
        rep = sys.argv[5]
        msg = ProtobufDeserializer(nullable_class(rep))(wire, ctx)
        print(json.dumps({"schema_type": schema.schema_type, "set": set_fields(msg, rep)}))
        return
    msg = ProtobufDeserializer(ksql_class())(wire, ctx)
    print(json.dumps({
        "magic": magic,
        "schema_type": schema.schema_type,
        "schema": schema.schema_str,
        "record": MessageToDict(msg, preserving_proto_field_name=True, including_default_value_fields=True),
    }))


if __name__ == "__main__":
    main()
