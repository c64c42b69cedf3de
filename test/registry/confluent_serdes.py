"""The independent peer of the registry-format tests: Confluent's own Python serdes.

produce:  confluent_serdes.py produce <bootstrap> <registry> <topic> <protobuf|jsonschema> <schema-dir> < records.jsonl
consume:  confluent_serdes.py consume <bootstrap> <registry> <topic> <protobuf|jsonschema> <schema-dir> <count> [<schema>]

consume reads and decodes <count> records and prints them as one JSON array. <schema> names the
schema files it reads with: reading (the default: reading.proto / reading.json as below) or another
<schema>.proto (its first message, Confluent's default) / <schema>.json without references, such as
sensor (the sensors simulator's reading, written by the embedded producer tests).

Protobuf uses the message classes protoc (grpcio-tools) generates from reading.proto + common.proto
in <schema-dir>; JSON Schema uses reading.json, whose $ref "location.json" is registered as the
subject of that name and passed as a reference (Apicurio 2.1 does not return references by id, so
the app finds a reference by its name). Records are JSON lines in and out.

Protobuf is framed with confluent-kafka's own wire code (SchemaId.id_to_bytes, _create_index_array)
rather than its ProtobufSerializer: that serializer registers and reads schemas as base64
FileDescriptorProtos (`?format=serialized`), which the test registry (Apicurio 2.1's ccompat API)
refuses ("Failed to discover artifact type from content", Apicurio issue #2440). The .proto text is
registered instead, with common.proto as a reference, as Confluent's Java serializer does.
"""
import importlib
import json
import os
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext

mode, bootstrap, registry_url, topic, fmt, schema_dir = sys.argv[1:7]
registry = SchemaRegistryClient({"url": registry_url})
ctx = SerializationContext(topic, MessageField.VALUE)


def protobuf_classes(name="reading"):
    from grpc_tools import protoc

    out = os.path.join(schema_dir, "gen")
    os.makedirs(out, exist_ok=True)  # <schema-dir> is the test's temp copy
    protos = sorted(f for f in os.listdir(schema_dir) if f.endswith(".proto"))
    code = protoc.main(["protoc", f"-I{schema_dir}", f"--python_out={out}", *protos])
    assert code == 0, f"protoc failed with {code}"
    sys.path.insert(0, out)
    return importlib.import_module(f"{name}_pb2")


def first_message(module):
    """The file's first message: what Confluent's serializers write when no message is named."""
    return getattr(module, next(iter(module.DESCRIPTOR.message_types_by_name)))


def json_schema():
    location = open(os.path.join(schema_dir, "location.json")).read()
    reading = open(os.path.join(schema_dir, "reading.json")).read()
    registry.register_schema("location.json", Schema(location, "JSON"))
    subject = registry.lookup_schema("location.json", Schema(location, "JSON"))
    return Schema(reading, "JSON", [SchemaReference("location.json", "location.json", subject.version)])


if mode == "produce":
    producer = Producer({"bootstrap.servers": bootstrap})
    if fmt == "protobuf":
        from confluent_kafka.schema_registry.common.protobuf import _create_index_array
        from confluent_kafka.schema_registry.common.serde import SchemaId
        from google.protobuf.json_format import ParseDict

        pb = protobuf_classes()
        common = Schema(open(os.path.join(schema_dir, "common.proto")).read(), "PROTOBUF")
        registry.register_schema("common.proto", common)
        ref = SchemaReference("common.proto", "common.proto", registry.lookup_schema("common.proto", common).version)
        reading = Schema(open(os.path.join(schema_dir, "reading.proto")).read(), "PROTOBUF", [ref])
        schema_id = registry.register_schema(f"{topic}-value", reading)
        header = SchemaId("PROTOBUF", schema_id, None, _create_index_array(pb.Reading.DESCRIPTOR)).id_to_bytes()
        to_bytes = lambda record: header + ParseDict(record, pb.Reading()).SerializeToString()
    else:
        from confluent_kafka.schema_registry.json_schema import JSONSerializer

        schema = json_schema()
        serializer = JSONSerializer(schema, registry, conf={"auto.register.schemas": True})
        to_bytes = lambda record: serializer(record, ctx)
    for line in sys.stdin:
        if line.strip():
            producer.produce(topic, value=to_bytes(json.loads(line)), partition=0)
    assert producer.flush(30) == 0, "records left unsent"
else:
    count = int(sys.argv[7])
    name = sys.argv[8] if len(sys.argv) > 8 else "reading"
    if fmt == "protobuf":
        from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
        from google.protobuf.json_format import MessageToDict

        deserializer = ProtobufDeserializer(first_message(protobuf_classes(name)), {"use.deprecated.format": False})
        to_json = lambda data: MessageToDict(
            deserializer(data, ctx), preserving_proto_field_name=True, always_print_fields_with_no_presence=True
        )
    else:
        from confluent_kafka.schema_registry.json_schema import JSONDeserializer

        schema = json_schema() if name == "reading" else Schema(open(os.path.join(schema_dir, f"{name}.json")).read(), "JSON")
        deserializer = JSONDeserializer(schema, schema_registry_client=registry)
        to_json = lambda data: deserializer(data, ctx)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"peer-{os.getpid()}", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    seen = []
    while len(seen) < count:
        message = consumer.poll(30)
        if message is None:
            raise SystemExit(f"only {len(seen)} of {count} records within 30 s")
        if message.error():
            raise SystemExit(str(message.error()))
        seen.append(to_json(message.value()))
    consumer.close()
    print(json.dumps(seen))
