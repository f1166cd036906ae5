package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	"github.com/ctalab/ctalab/srclient"
)

// registerDeclaredSchemas registers the key and value schemas of a
// declared stream or table at CREATE, as ksqlDB's SchemaRegisterInjector
// does for a CreateSource: a key or value in a registry format, with
// columns and no KEY_SCHEMA_ID or VALUE_SCHEMA_ID (those register their
// own schema), is registered under <topic>-key or <topic>-value unless
// that subject already holds a schema, which is then kept as it is. The
// schemas are the ones a write registers (prepareSink).
func (s *Server) registerDeclaredSchemas(ctx context.Context, src *metastore.Source) error {
	keySerde := formats.NewSerde(src.KeyFormat, src.Schema.Keys(), true, src.Topic, s.reg).AvroKeyFor(src.Name).WithSchemaFullName(src.KeyFullName).WithProtobufNullable(src.KeyProtoNullable)
	valSerde := formats.NewSerde(src.ValueFormat, src.Schema.Values(), false, src.Topic, s.reg).UnwrapSingle(src.UnwrapValue).WithAvroFullName(src.ValueAvroName).WithSchemaFullName(src.ValueFullName).WithProtobufNullable(src.ValueProtoNullable)
	if src.KeySchemaID == 0 {
		if err := s.registerDeclared(ctx, keySerde, src.Topic+"-key"); err != nil {
			return err
		}
	}
	if src.ValueSchemaID == 0 {
		if err := s.registerDeclared(ctx, valSerde, src.Topic+"-value"); err != nil {
			return err
		}
	}
	return nil
}

// registerDeclared registers one serde's schema under subject when its
// format keeps schemas in the registry and the subject does not exist.
func (s *Server) registerDeclared(ctx context.Context, sd *formats.Serde, subject string) error {
	if !formats.RegistryFormat(sd.Format) || len(sd.Cols) == 0 {
		return nil
	}
	if _, _, _, err := s.reg.LatestTyped(ctx, subject); err == nil {
		return nil
	} else if !srclient.IsNotFound(err) {
		// SchemaRegistryUtil.getLatestSchema's KsqlException with its cause,
		// as ErrorMessageUtil joins them (without its wrapping at 80 columns)
		return stmterr.Bad("Could not get latest schema for subject %s\nCaused by: %s", subject, registryMessage(err))
	}
	if err := sd.PrepareSink(ctx); err != nil {
		return registerRefused(err)
	}
	return nil
}

// registerRefused is the statement error of a schema that could not be
// registered: the translator's KsqlException wrapped once by
// SchemaRegisterInjector.registerSchema, or SchemaRegistryUtil
// .registerSchema's, which names the registry's refusal, wrapped once
// more.
func registerRefused(err error) error {
	if errors.Is(err, formats.ErrAvroIncompatible) {
		return stmterr.Bad("Could not register schema for topic: %v", err)
	}
	return stmterr.Bad("Could not register schema for topic: Could not register schema for topic: %s", registryMessage(err))
}

// sinkSerdes are the key and value serdes a query writes its sink with,
// out being the columns it writes.
func sinkSerdes(sink *metastore.Source, out types.Schema, reg *formats.Registry) (key, value *formats.Serde) {
	key = formats.NewSerde(sink.KeyFormat, out.Keys(), true, sink.Topic, reg).AvroKeyFor(sink.Name).WithSchemaFullName(sink.KeyFullName).WithSchemaID(sink.KeySchemaID).WithDelimiter(sink.KeyDelimiter).WithProtobufNullable(sink.KeyProtoNullable)
	value = formats.NewSerde(sink.ValueFormat, out.Values(), false, sink.Topic, reg).UnwrapSingle(sink.UnwrapValue).WithSchemaID(sink.ValueSchemaID).WithDelimiter(sink.ValueDelimiter).WithAvroFullName(sink.ValueAvroName).WithSchemaFullName(sink.ValueFullName).WithProtobufNullable(sink.ValueProtoNullable)
	return key, value
}

// registerSinkSchemas registers the key schema and then the value schema
// of a CREATE ... AS SELECT's sink while the statement is handled, once
// its topic exists and before it is accepted, as SchemaRegisterInjector
// .registerForCreateAs does: whatever the subject already holds
// (registerIfSchemaExists), a keyless AVRO key as its empty record, and
// neither side whose schema KEY_SCHEMA_ID or VALUE_SCHEMA_ID gives (those
// are registered after, registerGivenSchemas). A refusal fails the
// statement; the query registers the same schemas again when it starts.
func (s *Server) registerSinkSchemas(ctx context.Context, sink *metastore.Source) error {
	key, value := sinkSerdes(sink, sink.Schema, s.reg)
	if sink.KeySchemaID == 0 {
		if err := key.PrepareSink(ctx); err != nil {
			return registerRefused(err)
		}
		if err := key.PrepareEmptyKey(ctx); err != nil {
			return registerRefused(err)
		}
	}
	if sink.ValueSchemaID == 0 {
		if err := value.PrepareSink(ctx); err != nil {
			return registerRefused(err)
		}
	}
	return nil
}

// checkSinkSchemas translates the key and value schemas a CREATE ... AS
// SELECT registers for its sink, as SchemaRegisterInjector.registerForCreateAs
// does before the statement is accepted: a schema Avro refuses fails the
// statement before anything is registered (registerSinkSchemas).
func checkSinkSchemas(sink *metastore.Source) error {
	keySerde := formats.NewSerde(sink.KeyFormat, sink.Schema.Keys(), true, sink.Topic, nil).AvroKeyFor(sink.Name).WithSchemaFullName(sink.KeyFullName).WithSchemaID(sink.KeySchemaID)
	valSerde := formats.NewSerde(sink.ValueFormat, sink.Schema.Values(), false, sink.Topic, nil).UnwrapSingle(sink.UnwrapValue).WithSchemaID(sink.ValueSchemaID).WithAvroFullName(sink.ValueAvroName).WithSchemaFullName(sink.ValueFullName)
	for _, sd := range []*formats.Serde{keySerde, valSerde} {
		if err := sd.AvroCompatible(); err != nil {
			return stmterr.Bad("Could not register schema for topic: %v", err)
		}
	}
	return nil
}

// registryMessage is what Confluent's client says of a registry error: a
// refusal as RestClientException prints it, "<message>; error code:
// <code>", a refused connection as java.net.ConnectException's message,
// anything else as it is.
func registryMessage(err error) string {
	var re *srclient.Error
	if errors.As(err, &re) {
		return fmt.Sprintf("%s; error code: %d", re.Message, re.ErrorCode)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return "Connection refused"
	}
	return err.Error()
}
