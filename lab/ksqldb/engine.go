package ksqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	"github.com/ctalab/ctalab/srclient"
)

// execCtx is how a statement is executed: against a sandbox (validation),
// live (side effects + command topic), or while replaying the command topic.
type execCtx struct {
	ms           *metastore.Store
	sandbox      bool
	replay       bool
	offset       int64
	props        map[string]string
	topicDeleted bool
	topics       map[string]*topicMeta // sandbox view of topics created or deleted earlier in the request
	// missing are the topics this request found missing after the second
	// look (shared by a request's sandbox and live passes): one look is
	// enough for them later in the request
	missing map[string]bool
	// vars are the request's variables (DEFINE, sessionVariables)
	vars *sessionVars
}

var reservedColumns = map[string]bool{"ROWTIME": true, "ROWPARTITION": true, "ROWOFFSET": true, "WINDOWSTART": true, "WINDOWEND": true}

func (s *Server) execute(ctx context.Context, ec *execCtx, p sql.Parsed) (any, error) {
	resolveCustomTypes(p.Stmt, ec.ms.Types)
	switch st := p.Stmt.(type) {
	case *sql.CreateType:
		return s.execCreateType(ctx, ec, p, st)
	case *sql.DropType:
		return s.execDropType(ctx, ec, p, st)
	case *sql.AlterSystem:
		// ValidatedCommandFactory.createForAlterSystemQuery: system
		// properties need ksql.runtime.feature.shared.enabled, which is
		// false by default and which this server does not run
		return nil, badRequest("Cannot alter system configs when KSQL_SHARED_RUNTIME_ENABLED is turned off.")
	case *sql.Pause:
		return s.execPause(ctx, ec, p, st)
	case *sql.AssertTopic:
		return s.execAssertTopic(ctx, ec, p, st)
	case *sql.AssertSchema:
		return s.execAssertSchema(ctx, ec, p, st)
	case *sql.CreateSource:
		if st.Query != nil {
			return s.execCreateAs(ctx, ec, p, st)
		}
		return s.execCreate(ctx, ec, p, st)
	case *sql.InsertInto:
		return s.execInsert(ctx, ec, p, st)
	case *sql.InsertValues:
		return s.execInsertValues(ctx, ec, st)
	case *sql.Drop:
		return s.execDrop(ctx, ec, p, st)
	case *sql.AlterSource:
		return s.execAlter(ctx, ec, p, st)
	case *sql.Terminate:
		return s.execTerminate(ctx, ec, p, st)
	case *sql.SetProperty:
		if err := checkProperty(st.Name, st.Value); err != nil {
			return nil, err
		}
		ec.props[st.Name] = st.Value
		return nil, nil
	case *sql.UnsetProperty:
		delete(ec.props, st.Name)
		return nil, nil
	case *sql.DefineVariable, *sql.UndefineVariable:
		return ec.execVariable(p)
	case *sql.Show:
		return s.execShow(ctx, ec, p, st)
	case *sql.Describe:
		return s.execDescribe(ctx, ec, p, st)
	case *sql.DescribeFunction:
		d, err := describeFunction(p, st)
		if err != nil {
			return nil, err
		}
		return d, nil
	case *sql.Explain:
		return s.execExplain(ctx, ec, p, st)
	case *sql.CreateConnector:
		return s.execCreateConnector(ctx, ec, st)
	case *sql.DropConnector:
		return s.execDropConnector(ctx, ec, p, st)
	case *sql.DescribeConnector:
		return s.execDescribeConnector(ctx, ec, p, st)
	case *sql.ListConnectors:
		return s.execListConnectors(ctx, ec, p, st)
	case *sql.ListConnectorPlugins:
		return s.execListConnectorPlugins(ctx, ec, p)
	case *sql.QueryStatement, *sql.Print:
		return nil, &stmterr.Error{Code: stmterr.CodeQueryEndpoint, Msg: "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT"}
	}
	return nil, stmterr.Unsupported("this statement")
}

func checkProperty(name, value string) error {
	switch name {
	case "auto.offset.reset", "ksql.streams.auto.offset.reset":
		if value != "earliest" && value != "latest" {
			return stmterr.Bad("Invalid value %s for configuration %s: String must be one of: latest, earliest, none", value, name)
		}
	}
	return checkGuaranteeProperty(name, value)
}

// checkGuaranteeProperty refuses a processing guarantee this server does
// not run; other names pass.
func checkGuaranteeProperty(name, value string) error {
	switch name {
	case "processing.guarantee", "ksql.streams.processing.guarantee":
		return checkGuarantee(name, value)
	}
	return nil
}

func (s *Server) offsetReset(props map[string]string) string {
	for _, k := range []string{"ksql.streams.auto.offset.reset", "auto.offset.reset", "ksql.streams.consumer.auto.offset.reset"} {
		if v, ok := props[k]; ok {
			return v
		}
	}
	return s.cfg.offsetReset
}

// existsWarning is ksqlDB's answer to CREATE ... IF NOT EXISTS of a name
// already taken (DistributingExecutor.checkIfNotExistsResponse): a warning,
// with the statement's kind twice whatever the existing source's kind, and
// nothing written to the command topic.
func existsWarning(p sql.Parsed, kind, name string) *restapi.WarningEntity {
	return &restapi.WarningEntity{Type: "warning_entity", StatementText: p.Text,
		Message:  fmt.Sprintf("Cannot add %s `%s`: A %s with the same name already exists.", kind, name, kind),
		Warnings: []restapi.Warning{}}
}

func status(p sql.Parsed, commandID, msg string, seq int64, queryID string) *restapi.CurrentStatus {
	cs := &restapi.CurrentStatus{Type: "currentStatus", StatementText: p.Text, CommandID: commandID,
		CommandStatus: restapi.CommandStatus{Status: "SUCCESS", Message: msg}, CommandSequenceNumber: seq, Warnings: []restapi.Warning{}}
	if queryID != "" {
		cs.CommandStatus.QueryID = &queryID
	}
	return cs
}

func sourceCommandID(table bool, name, action string) string {
	kind := "stream"
	if table {
		kind = "table"
	}
	return kind + "/`" + name + "`/" + action
}

// commit writes a live command and returns its sequence number (offset).
func (s *Server) commit(ctx context.Context, ec *execCtx, p sql.Parsed, commandID string, topicDeleted bool) (int64, error) {
	switch {
	case ec.sandbox:
		return 0, nil
	case ec.replay:
		return ec.offset, nil
	}
	return s.appendCommand(ctx, commandID, command{Statement: p.Text, StreamsProperties: maps.Clone(ec.props),
		OriginalProps: map[string]string{}, TopicDeleted: topicDeleted})
}

type topicMeta struct {
	exists     bool
	partitions int
	replicas   int
}

// topicMetaIn is topicMetaOnce as seen by a statement: a sandbox sees the
// topics that earlier statements of the same request would create or
// delete. A topic found missing is looked up once: where a statement goes
// on to create it, a topic that exists after all (a broker's metadata
// lagging behind its creation) makes the creation a no-op.
func (s *Server) topicMetaIn(ctx context.Context, ec *execCtx, topic string) (topicMeta, error) {
	if tm, ok := ec.topics[topic]; ok {
		return *tm, nil
	}
	return s.topicMetaOnce(ctx, topic)
}

// topicMetaBeforeRefusing is topicMetaIn for a statement that a missing
// topic refuses: before it is refused, the topic is looked up once more
// after a pause (topicMeta), once per request.
func (s *Server) topicMetaBeforeRefusing(ctx context.Context, ec *execCtx, topic string) (topicMeta, error) {
	tm, err := s.topicMetaIn(ctx, ec, topic)
	if err != nil || tm.exists || ec.missing[topic] {
		return tm, err
	}
	tm, err = s.topicMeta(ctx, topic)
	if err == nil && !tm.exists && ec.missing != nil {
		ec.missing[topic] = true
	}
	return tm, err
}

func (ec *execCtx) noteTopic(topic string, tm topicMeta) {
	if ec.topics == nil {
		ec.topics = map[string]*topicMeta{}
	}
	ec.topics[topic] = &tm
}

func (s *Server) topicMeta(ctx context.Context, topic string) (topicMeta, error) {
	tm, err := s.topicMetaOnce(ctx, topic)
	if err != nil || tm.exists {
		return tm, err
	}
	// the client's metadata cache may predate a topic created moments ago: look once more
	s.secondLooks.Add(1)
	select {
	case <-ctx.Done():
		return tm, ctx.Err()
	case <-time.After(150 * time.Millisecond):
	}
	return s.topicMetaOnce(ctx, topic)
}

func (s *Server) topicMetaOnce(ctx context.Context, topic string) (topicMeta, error) {
	td, err := s.liveTopics(ctx, topic)
	if err != nil {
		return topicMeta{}, fmt.Errorf("describe topic %s: %w", topic, err)
	}
	d, ok := td[topic]
	if !ok || errors.Is(d.err, kerr.UnknownTopicOrPartition) {
		return topicMeta{}, nil
	}
	if d.err != nil {
		return topicMeta{}, fmt.Errorf("describe topic %s: %w", topic, d.err)
	}
	m := topicMeta{exists: true, partitions: len(d.partitions)}
	if len(d.partitions) > 0 {
		m.replicas = d.partitions[0]
	}
	return m, nil
}

func (s *Server) requireRegistry(format, topic string) error {
	if formats.RegistryFormat(format) && !s.reg.Configured() {
		return &stmterr.Error{Code: stmterr.CodeSchemaRegistryUnset, Msg: fmt.Sprintf("Cannot create topic '%s' with format %s without configuring 'ksql.schema.registry.url'", topic, format)}
	}
	return nil
}

func (s *Server) execCreate(ctx context.Context, ec *execCtx, p sql.Parsed, cs *sql.CreateSource) (any, error) {
	kind := "stream"
	if cs.Table {
		kind = "table"
	}
	if err := checkDuplicateColumns(cs.Columns); err != nil {
		return nil, err
	}
	if err := checkReplaceOfSource(ec.ms, cs); err != nil {
		return nil, err
	}
	w, err := parseWith(cs.Props)
	if err != nil {
		return nil, err
	}
	replaced := ec.ms.Sources[cs.Name]
	if !cs.OrReplace {
		replaced = nil
	}
	if existing := ec.ms.Sources[cs.Name]; existing != nil && replaced == nil {
		if cs.IfNotExists {
			return existsWarning(p, kind, cs.Name), nil
		}
		return nil, stmterr.Bad("Cannot add %s '%s': A %s with the same name already exists", kind, cs.Name, strings.ToLower(existing.Kind()))
	}
	if w.topic == "" {
		return nil, stmterr.Bad("Missing required property \"KAFKA_TOPIC\" which has no default value.")
	}
	if w.valueFormat == "" {
		w.valueFormat = ec.defaultValueFormat()
	}
	if w.valueFormat == "" {
		return nil, stmterr.Bad("Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the '%s' config.", propDefaultValueFormat)
	}
	if w.keyFormat == "" {
		w.keyFormat = ec.defaultKeyFormat()
	}
	for _, f := range []string{w.keyFormat, w.valueFormat} {
		if !formats.Known(f) { // FormatFactory.of, before any schema inference
			return nil, stmterr.Bad("Unknown format: %s", f)
		}
	}
	if err := checkFormatProperties(w, w.keyFormat, w.valueFormat); err != nil {
		return nil, err
	}
	if err := checkReservedColumns(cs.Columns); err != nil {
		return nil, err
	}
	var sch types.Schema
	seen := map[string]bool{}
	for _, c := range cs.Columns {
		seen[c.Name] = true
		if cs.Table && c.Key {
			return nil, stmterr.Bad("Line: %d, Col: %d: Column `%s` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", c.Pos.Line, c.Pos.Col, c.Name)
		}
		if !cs.Table && c.PrimaryKey {
			return nil, stmterr.Bad("Line: %d, Col: %d: Column `%s` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", c.Pos.Line, c.Pos.Col, c.Name)
		}
		t, err := types.FromSQLColumn(c.Type)
		if err != nil {
			return nil, err
		}
		col := types.Column{Name: c.Name, Type: t, Key: c.Key || c.PrimaryKey, Header: c.Headers, OneHeader: c.OneHeader, HeaderKey: c.HeaderKey}
		if err := checkHeaderColumn(col); err != nil {
			return nil, err
		}
		sch.Cols = append(sch.Cols, col)
	}
	var given []givenSchema // registered last, key first
	if w.keySchemaID != 0 {
		keys, g, err := s.keyColumnsBySchemaID(ctx, w, cs, seen)
		if err != nil {
			return nil, err
		}
		given = append(given, g)
		sch.Cols = append(keys, sch.Cols...)
	} else if !declaresKey(cs) && formats.Inferable(w.keyFormat) {
		if err := s.requireRegistry(w.keyFormat, w.topic); err != nil {
			return nil, err
		}
		keys, err := s.inferKeyColumns(ctx, w.topic, w.keyFormat, seen, w.keySchemaName())
		if err != nil {
			return nil, err
		}
		sch.Cols = append(keys, sch.Cols...)
	}
	// keys first, header columns last
	sch = types.Schema{Cols: append(append(sch.Keys(), sch.Values()...), sch.Headers()...)}
	if cs.Table && len(sch.Keys()) == 0 {
		return nil, stmterr.Bad("Tables require a PRIMARY KEY. Please define the PRIMARY KEY.\nUse a partial schema to define the primary key and still load the value columns from the Schema Registry, for example:\n\tCREATE TABLE %s (ID INT PRIMARY KEY) WITH (...);", cs.Name)
	}
	if err := s.requireRegistry(w.valueFormat, w.topic); err != nil {
		return nil, err
	}
	if err := s.requireRegistry(w.keyFormat, w.topic); err != nil {
		return nil, err
	}
	noColumns := false
	switch {
	case w.valueSchemaID != 0:
		vals, g, err := s.valueColumnsBySchemaID(ctx, w, cs, seen)
		if err != nil {
			return nil, err
		}
		given = append(given, g)
		sch.Cols = append(sch.Cols, vals...)
	case len(sch.Values()) > 0:
	case formats.Inferable(w.valueFormat):
		vals, err := s.inferValueColumns(ctx, w.topic, w.valueFormat, seen, w.valueSchemaName(), w.wrapSingle != nil && !*w.wrapSingle)
		if err != nil {
			return nil, err
		}
		sch.Cols = append(sch.Cols, vals...)
	case len(cs.Columns) == 0:
		// refused once the topic is known, by SchemaRegisterInjector
		// (TableElements.toLogicalSchema), which runs after the topic's
		// injector
		noColumns = true
		// otherwise key columns only, in a format that infers nothing:
		// the value holds no column (DefaultSchemaInjector)
	}
	// a source without key columns keeps its key format
	// (CreateSourceFactory.buildFormats)
	keyFormat := w.keyFormat
	if err := formats.Check(keyFormat, sch.Keys(), true, formats.KeyFeatures(keyFormat, len(sch.Keys()))); err != nil {
		return nil, err
	}
	valFeatures, unwrap, err := ec.valueWrapping(w, w.valueFormat, sch.Values())
	if err != nil {
		return nil, err
	}
	if err := formats.Check(w.valueFormat, sch.Values(), false, valFeatures); err != nil {
		return nil, err
	}
	src := &metastore.Source{Name: cs.Name, Table: cs.Table, Topic: w.topic, KeyFormat: keyFormat, ValueFormat: w.valueFormat,
		KeyDelimiter: w.keyDelimiter, ValueDelimiter: w.valueDelimiter, ValueAvroName: w.avroName(),
		KeyFullName: w.keySchemaName(), ValueFullName: w.valueSchemaName(),
		KeyProtoNullable: w.keyProtoNullable, ValueProtoNullable: w.valueProtoNullable,
		Schema: sch, Statement: createText(cs, sch, w.keyFormat), UnwrapValue: unwrap, WrapValue: w.wrapsSingle(), Window: w.window(),
		ValueSchemaID: w.valueSchemaID, KeySchemaID: w.keySchemaID, SourceOnly: cs.SourceOnly}
	if src.Window != nil && len(sch.Keys()) == 0 {
		return nil, stmterr.Bad("Windowed sources require a key column.")
	}
	if err := checkTimestampColumn(src, w.timestamp, w.tsFormat); err != nil {
		return nil, err
	}
	if replaced != nil {
		if err := checkSourceUpgrade(replaced, src); err != nil {
			return nil, err
		}
	}
	if !ec.replay {
		tm, err := s.topicMetaIn(ctx, ec, w.topic)
		if err == nil && !tm.exists && w.partitions == 0 {
			tm, err = s.topicMetaBeforeRefusing(ctx, ec, w.topic)
		}
		if err != nil {
			return nil, err
		}
		if err := s.checkDeclaredRetention(ctx, w, tm, cs.Table); err != nil {
			return nil, err
		}
		switch {
		case !tm.exists && w.partitions == 0:
			return nil, stmterr.Bad("Topic '%s' does not exist. If you want to create a new topic for the %s please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: CREATE %s %s (...) WITH (KAFKA_TOPIC='%s', PARTITIONS=1, ...);",
				w.topic, kind, strings.ToUpper(kind), cs.Name, w.topic)
		case tm.exists && w.partitions != 0 && (tm.partitions != w.partitions || (w.replicas != 0 && tm.replicas != w.replicas)):
			return nil, stmterr.Bad("A Kafka topic with the name '%s' already exists, with different partition/replica configuration than required. KSQL expects %d partitions (topic has %d), %d replication factor (topic has %d).",
				w.topic, w.partitions, tm.partitions, max(w.replicas, 1), tm.replicas)
		case noColumns: // before the topic is created
			return nil, stmterr.Bad("No columns supplied.")
		case !tm.exists && ec.sandbox:
			ec.noteTopic(w.topic, topicMeta{exists: true, partitions: w.partitions, replicas: max(w.replicas, 1)})
		case !tm.exists:
			if err := s.ensureTopic(ctx, w.topic, int32(w.partitions), int16(max(w.replicas, 1)), retentionConfig(w)); err != nil {
				return nil, err
			}
			ec.noteTopic(w.topic, topicMeta{exists: true, partitions: w.partitions, replicas: max(w.replicas, 1)})
		}
	}
	if !ec.sandbox && !ec.replay {
		if err := s.registerDeclaredSchemas(ctx, src); err != nil {
			return nil, err
		}
		if err := s.registerGivenSchemas(ctx, w.topic, given); err != nil {
			return nil, err
		}
	}
	cmdID := sourceCommandID(cs.Table, cs.Name, "create")
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	if replaced != nil { // MetaStoreImpl.putSource keeps the replaced source's references
		src.References = replaced.References
	}
	ec.ms.Sources[cs.Name] = src
	if src.SourceOnly && src.Table {
		id, err := s.addSourceTableQuery(ec, p, src, seq)
		if err != nil {
			return nil, err
		}
		return status(p, cmdID, "Created query with ID "+id, seq, id), nil
	}
	msg := "Stream created"
	if cs.Table {
		msg = "Table created"
	}
	return status(p, cmdID, msg, seq, ""), nil
}

// inferValueColumns reads the latest value schema of topic from the
// registry; unwrap (WRAP_SINGLE_VALUE=false) makes the whole schema the
// one column.
func (s *Server) inferValueColumns(ctx context.Context, topic, format string, taken map[string]bool, fullName string, unwrap bool) ([]types.Column, error) {
	subject := topic + "-value"
	text, typ, id, err := s.reg.LatestTyped(ctx, subject)
	if err != nil {
		if srclient.IsNotFound(err) {
			return nil, stmterr.Bad("%s", schemaNotFound(topic, 0, false))
		}
		return nil, stmterr.Bad("Failed to fetch schema for message values on topic '%s' from the Schema Registry: %v", topic, err)
	}
	if unwrap && format != formats.Protobuf {
		return unwrappedValueColumn(topic, format, text, typ)
	}
	if format == formats.JSONSR {
		if anonymousJSONSRValue(text, typ) {
			return nil, valueNotCompatible(topic, text, errAnonymousValue)
		}
		return formats.InferJSONSRValueColumns(formats.SchemaSource(topic, 0), text, typ, taken, false)
	}
	if format == formats.Protobuf {
		return s.inferProtobufValueColumns(ctx, topic, text, id, typ, taken, fullName)
	}
	var rec struct {
		Type   any `json:"type"`
		Fields []struct {
			Name string `json:"name"`
			Type any    `json:"type"`
		} `json:"fields"`
	}
	var sch any
	if err := json.Unmarshal([]byte(text), &sch); err != nil {
		return nil, valueNotCompatible(topic, text, err)
	}
	if m, ok := sch.(map[string]any); !ok || m["type"] != "record" {
		return nil, valueNotCompatible(topic, text, errAnonymousValue)
	}
	if err := json.Unmarshal([]byte(text), &rec); err != nil {
		return nil, valueNotCompatible(topic, text, err)
	}
	var cols []types.Column
	for _, f := range rec.Fields {
		st, err := formats.AvroColumnType(f.Type)
		if err != nil {
			var se *stmterr.Error
			if errors.As(err, &se) {
				se.Msg = "column " + f.Name + ": " + se.Msg
			}
			return nil, err
		}
		name := strings.ToUpper(f.Name)
		if taken[name] {
			continue
		}
		cols = append(cols, types.Column{Name: name, Type: st})
	}
	return cols, nil
}

func (s *Server) execCreateAs(ctx context.Context, ec *execCtx, p sql.Parsed, cs *sql.CreateSource) (any, error) {
	kind := "stream"
	prefix := "CSAS_"
	if cs.Table {
		kind, prefix = "table", "CTAS_"
	}
	if cs.Query.Limit != nil {
		// AstBuilder.disallowLimitClause, as the statement is prepared
		return nil, stmterr.Bad("Failed to prepare statement: CREATE %s AS SELECT statements don't support LIMIT clause.", strings.ToUpper(kind))
	}
	w, err := parseWith(cs.Props)
	if err != nil {
		return nil, err
	}
	if w.windowType != "" {
		return nil, stmterr.Unsupported("WITH property WINDOW_TYPE on CREATE ... AS SELECT")
	}
	var upgraded *metastore.Query
	var replaced *metastore.Source
	if existing := ec.ms.Sources[cs.Name]; existing != nil && cs.OrReplace {
		replaced = existing
		if upgraded, err = upgradeTarget(ec, existing, cs.Table); err != nil {
			return nil, err
		}
	} else if existing != nil {
		if cs.IfNotExists {
			return existsWarning(p, kind, cs.Name), nil
		}
		return nil, stmterr.Bad("Cannot add %s '%s': A %s with the same name already exists", kind, cs.Name, strings.ToLower(existing.Kind()))
	}
	if err := checkQueryPlanner(ec); err != nil {
		return nil, err
	}
	plan, err := planner.PlanQuery(ec.ms, cs.Query, planner.ModePersistent, cs.Name, planner.DefaultKeyFormat(ec.defaultKeyFormat()),
		planner.SuppressDisabled(suppressDisabled(ec.props)))
	if missing := (*planner.KeysMissingError)(nil); errors.As(err, &missing) {
		// the TIMESTAMP column is checked against the projection first
		projected := &metastore.Source{Schema: types.Schema{Cols: plan.ProjectedColumns()}}
		if terr := checkTimestampColumn(projected, w.timestamp, w.tsFormat); terr != nil {
			return nil, terr
		}
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkJoin(ctx, ec, plan); err != nil {
		return nil, err
	}
	if err := checkSinkRetention(w, cs.Table, cs.Query.Window); err != nil {
		return nil, err
	}
	if cs.Table && !plan.ResultTable {
		return nil, stmterr.Bad("Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.")
	}
	if !cs.Table && plan.ResultTable {
		return nil, stmterr.Bad("Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.")
	}
	src := plan.Source
	topic := w.topic
	if topic == "" {
		topic = ec.sinkTopic(cs.Name)
	}
	for _, other := range ec.ms.Sources {
		if other.Topic == topic && ec.ms.WriterOf(other.Name) != "" && (upgraded == nil || other.Name != cs.Name) {
			return nil, stmterr.Bad("Cannot add %s '%s': Another query is already writing to topic '%s'", kind, cs.Name, topic)
		}
	}
	valueFormat := w.valueFormat
	if valueFormat == "" {
		valueFormat = src.ValueFormat
	}
	keyFormat := w.keyFormat
	if keyFormat == "" {
		keyFormat = src.KeyFormat
	}
	if plan.Partition != nil && plan.Partition.Null && w.keyFormat != "" && w.keyFormat != formats.None {
		// Analyzer.keyFormatName
		return nil, stmterr.Bad("Key format specified for stream without key columns.")
	}
	if plan.Partition != nil && plan.Partition.Null {
		keyFormat = formats.None // Analyzer.keyFormatName
	}
	if keyFormat == formats.None && w.keyFormat == "" && len(plan.Out.Keys()) > 0 {
		// an inherited NONE gives way to the default key format
		// (LogicalPlanner.getSinkKeyFormat)
		keyFormat = ec.defaultKeyFormat()
	}
	valFeatures, unwrap, err := ec.valueWrapping(w, valueFormat, plan.Out.Values())
	if err != nil {
		return nil, err
	}
	if err := formats.Check(keyFormat, plan.Out.Keys(), true, formats.KeyFeatures(keyFormat, len(plan.Out.Keys()))); err != nil {
		return nil, err
	}
	if err := formats.Check(valueFormat, plan.Out.Values(), false, valFeatures); err != nil {
		return nil, err
	}
	if err := s.requireRegistry(valueFormat, topic); err != nil {
		return nil, err
	}
	if err := s.requireRegistry(keyFormat, topic); err != nil {
		return nil, err
	}
	if err := checkFormatProperties(w, keyFormat, valueFormat); err != nil {
		return nil, err
	}
	sink := &metastore.Source{Name: cs.Name, Table: cs.Table, Topic: topic, KeyFormat: keyFormat, ValueFormat: valueFormat,
		KeyDelimiter:       formats.InheritDelimiter(w.keyDelimiter, keyFormat, src.KeyFormat, src.KeyDelimiter),
		ValueDelimiter:     formats.InheritDelimiter(w.valueDelimiter, valueFormat, src.ValueFormat, src.ValueDelimiter),
		ValueAvroName:      w.avroName(),
		KeyFullName:        sinkFullName(w.keySchemaName(), keyFormat, src.KeyFormat, src.KeyFullName),
		ValueFullName:      sinkFullName(w.valueSchemaName(), valueFormat, src.ValueFormat, src.ValueFullName),
		KeyProtoNullable:   sinkProtoNullable(w.keyProtoNullable, keyFormat, src.KeyFormat, src.KeyProtoNullable),
		ValueProtoNullable: sinkProtoNullable(w.valueProtoNullable, valueFormat, src.ValueFormat, src.ValueProtoNullable),
		Schema:             plan.Out, Statement: p.Text, UnwrapValue: unwrap, WrapValue: w.wrapsSingle(), CasTarget: true}
	if plan.Agg != nil && plan.Agg.Window != nil {
		sink.Window = windowInfoOf(plan.Agg.Window)
	} else if plan.Agg == nil && plan.Source.Window != nil {
		// a projection of a windowed stream keeps each record's window
		w := *plan.Source.Window
		sink.Window = &w
	}
	if err := checkTimestampColumn(sink, w.timestamp, w.tsFormat); err != nil {
		return nil, err
	}
	sink.ValueSchemaID, sink.KeySchemaID = w.valueSchemaID, w.keySchemaID
	if err := checkSinkSchemas(sink); err != nil {
		return nil, err
	}
	var given []givenSchema
	if w.valueSchemaID != 0 || w.keySchemaID != 0 {
		sink.ValueSchemaID, sink.KeySchemaID = w.valueSchemaID, w.keySchemaID
		if given, err = s.sinkSchemaIDs(ctx, w, sink); err != nil {
			return nil, err
		}
	}
	if replaced != nil {
		if err := checkSourceUpgrade(replaced, sink); err != nil {
			return nil, err
		}
	}
	if upgraded != nil {
		if err := checkQueryUpgrade(ec.ms, upgraded, cs.Query, plan); err != nil {
			return nil, err
		}
	}
	if !ec.replay {
		if err := s.prepareSinkTopic(ctx, ec, plan.Source.Topic, topic, w, cs.Table, cs.Query.Window); err != nil {
			return nil, err
		}
	}
	if !ec.sandbox && !ec.replay {
		if err := s.registerSinkSchemas(ctx, sink); err != nil {
			return nil, err
		}
		if err := s.registerGivenSchemas(ctx, topic, given); err != nil {
			return nil, err
		}
	}
	if !ec.replay {
		// the topology is built last, once the sink topic and its
		// schemas are made (see sharedtopic.go)
		if err := checkSharedTopics(plan); err != nil {
			return nil, err
		}
	}
	cmdID := sourceCommandID(cs.Table, cs.Name, "create")
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	id := prefix + strings.ToUpper(cs.Name) + "_" + strconv.FormatInt(seq, 10)
	if upgraded != nil {
		id = upgraded.ID
	}
	sink.References = queryReferences(plan, replaced)
	ec.ms.Sources[cs.Name] = sink
	qi := &metastore.Query{ID: id, Statement: p.Text, Sink: cs.Name, SinkTopic: topic, Source: src.Name,
		Props: maps.Clone(ec.props), Seq: seq, Materialize: plan.ResultTable, Joined: plan.Joined(), Types: maps.Clone(ec.ms.Types)}
	pinInputs(ec.ms, qi, plan)
	ec.ms.Queries[id] = qi
	if !ec.sandbox && !ec.replay {
		start := s.startQuery
		if upgraded != nil {
			start = func(qi *metastore.Query) error { return s.upgradeQuery(upgraded, qi) }
		}
		if err := start(qi); err != nil {
			return nil, err
		}
	}
	return status(p, cmdID, "Created query with ID "+id, seq, id), nil
}

// queryReferences are the sources a CREATE ... AS SELECT's query reads,
// added to those of the source it replaces, if any
// (MetaStoreImpl.addSourceReferences adds).
func queryReferences(plan *planner.Plan, replaced *metastore.Source) []string {
	var refs []string
	if replaced != nil {
		refs = slices.Clone(replaced.References)
	}
	for _, name := range append([]string{plan.Source.Name}, plan.Joined()...) {
		if !slices.Contains(refs, name) {
			refs = append(refs, name)
		}
	}
	return refs
}

// createText is the statement text DESCRIBE shows for a CREATE with
// columns: normalised as ksqlDB's injectors leave it, with value columns
// read from the registry listed after the declared ones.
func createText(cs *sql.CreateSource, sch types.Schema, keyFormat string) string {
	var cols []string
	declared := map[string]bool{}
	for _, c := range cs.Columns {
		declared[c.Name] = true
	}
	for _, c := range cs.Columns {
		declared[c.Name] = true
		t := ""
		for _, sc := range sch.Cols {
			if sc.Name == c.Name {
				t = sc.Type.String()
			}
		}
		col := sql.QuoteIdent(c.Name) + " " + t
		switch {
		case c.PrimaryKey:
			col += " PRIMARY KEY"
		case c.Key:
			col += " KEY"
		case c.OneHeader:
			col += " HEADER(" + sql.Format(&sql.Literal{Kind: sql.StringLit, Text: c.HeaderKey}) + ")"
		case c.Headers:
			col += " HEADERS"
		}
		cols = append(cols, col)
	}
	for _, sc := range sch.Values() {
		if !declared[sc.Name] {
			cols = append(cols, sql.QuoteIdent(sc.Name)+" "+sc.Type.String())
		}
	}
	return sql.FormatCreateSource(cs, cols, keyFormat)
}

func (s *Server) execInsert(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.InsertInto) (any, error) {
	target, ok := ec.ms.Sources[st.Target]
	if !ok {
		// AstSanitizer: placed after "INSERT INTO" (UnknownSourceException)
		return nil, stmterr.Bad("Line: %d, Col: %d: Source `%s` does not exist.", st.Pos.Line, st.Pos.Col+len("INSERT INTO")+1, st.Target)
	}
	if target.Table {
		return nil, stmterr.Bad("INSERT INTO can only be used to insert into a stream. %s is a table.", st.Target)
	}
	if len(target.Schema.Headers()) > 0 {
		// AstSanitizer
		return nil, stmterr.Bad("Cannot insert into %s because it has header columns", st.Target)
	}
	if err := checkQueryPlanner(ec); err != nil {
		return nil, err
	}
	insertLiteralCasts(st.Query, target)
	plan, err := planner.PlanQuery(ec.ms, st.Query, planner.ModePersistent, st.Target, planner.DefaultKeyFormat(ec.defaultKeyFormat()),
		planner.SuppressDisabled(suppressDisabled(ec.props)))
	if err != nil {
		return nil, err
	}
	if err := s.checkJoin(ctx, ec, plan); err != nil {
		return nil, err
	}
	if plan.ResultTable {
		return nil, stmterr.Bad("Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.")
	}
	if err := checkWritable(target); err != nil {
		return nil, err
	}
	if plan.Source.Name == target.Name {
		return nil, stmterr.Bad("Cannot insert into %s as it is also the source of the query.", target.Name)
	}
	if plan.Source.Window != nil {
		return nil, stmterr.Unsupported("INSERT INTO ... SELECT from a windowed stream")
	}
	if !insertCompatible(plan.Out, target.Schema) {
		return nil, stmterr.Bad("Incompatible schema between results and sink.\nResult schema is %s\nSink schema is %s", plan.Out, target.Schema)
	}
	id, err := insertQueryID(st.With, ec.ms.Queries)
	if err != nil {
		return nil, err
	}
	if !ec.replay {
		if err := checkSharedTopics(plan); err != nil {
			return nil, err
		}
	}
	cmdID := "stream/`" + target.Name + "`/create"
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = "INSERTQUERY_" + strconv.FormatInt(seq, 10)
	}
	qi := &metastore.Query{ID: id, Statement: p.Text, Sink: target.Name, SinkTopic: target.Topic, Source: plan.Source.Name,
		Props: maps.Clone(ec.props), Seq: seq, Insert: true, Joined: plan.Joined(), Types: maps.Clone(ec.ms.Types)}
	pinInputs(ec.ms, qi, plan)
	ec.ms.Queries[id] = qi
	if !ec.sandbox && !ec.replay {
		if err := s.startQuery(qi); err != nil {
			return nil, err
		}
	}
	return status(p, cmdID, "Created query with ID "+id, seq, id), nil
}

func (s *Server) execDrop(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.Drop) (any, error) {
	kind := "STREAM"
	if st.Table {
		kind = "TABLE"
	}
	cmdID := sourceCommandID(st.Table, st.Name, "drop")
	src, ok := ec.ms.Sources[st.Name]
	if !ok {
		if st.IfExists {
			return status(p, cmdID, fmt.Sprintf("Source `%s` does not exist.", st.Name), 0, ""), nil
		}
		// DropSourceFactory: the statement's kind, capitalized
		return nil, stmterr.Bad("%s%s %s does not exist.%s", kind[:1], strings.ToLower(kind[1:]), st.Name, ec.ms.Alternatives(st.Name, kind))
	}
	if src.Table != st.Table {
		return nil, stmterr.Bad("Incompatible data source type is %s, but statement was DROP %s", strings.ToLower(src.Kind()), strings.ToLower(kind))
	}
	if err := checkDropOfSource(src, st.DeleteTopic); err != nil {
		return nil, err
	}
	// EngineContext.executeDdl: the INSERT INTO queries, then the
	// metastore's drop constraints; neither while the command topic is
	// read again at start (restoreInProgress), where a drop that was
	// accepted then is applied as it was
	if !ec.replay {
		if readers, writers := ec.ms.InsertReadersWriters(st.Name); len(readers)+len(writers) > 0 {
			return nil, stmterr.Bad("Cannot drop %s.\nThe following queries read from this source: [%s].\nThe following queries write into this source: [%s].\nYou need to terminate them before dropping %s.",
				st.Name, strings.Join(readers, ", "), strings.Join(writers, ", "), st.Name)
		}
		if by := ec.ms.Constraints(st.Name); len(by) > 0 {
			return nil, stmterr.Bad("Cannot drop %s.\nThe following streams and/or tables read from this source: [%s].\nYou need to drop them before dropping %s.",
				st.Name, strings.Join(by, ", "), st.Name)
		}
	}
	createdBy := ec.ms.CreateAsQueryOf(st.Name)
	if st.DeleteTopic {
		ec.noteTopic(src.Topic, topicMeta{})
	}
	if st.DeleteTopic && !ec.sandbox && !ec.replay {
		if err := s.deleteTopic(ctx, src.Topic); err != nil {
			return nil, err
		}
		if formats.RegistryFormat(src.ValueFormat) {
			s.deleteSubject(ctx, src.Topic+"-value")
		}
	}
	seq, err := s.commit(ctx, ec, p, cmdID, st.DeleteTopic)
	if err != nil {
		return nil, err
	}
	delete(ec.ms.Sources, st.Name)
	if createdBy != "" { // EngineContext.maybeTerminateCreateAsQuery
		qi := ec.ms.Queries[createdBy]
		delete(ec.ms.Queries, createdBy)
		if !ec.sandbox {
			s.terminateQuery(ctx, qi)
		}
	}
	return status(p, cmdID, fmt.Sprintf("Source `%s` (topic: %s) was dropped.", st.Name, src.Topic), seq, ""), nil
}

func (s *Server) deleteTopic(ctx context.Context, topic string) error {
	resp, err := s.adm.DeleteTopics(ctx, topic)
	if err != nil {
		return fmt.Errorf("delete topic %s: %w", topic, err)
	}
	for _, r := range resp {
		if r.Err != nil && !errors.Is(r.Err, kerr.UnknownTopicOrPartition) {
			return fmt.Errorf("delete topic %s: %w", topic, r.Err)
		}
	}
	return nil
}

func (s *Server) deleteSubject(ctx context.Context, subject string) {
	if err := s.reg.DeleteSubject(ctx, subject); err != nil {
		s.log.Warn("delete subject", "subject", subject, "err", err)
	}
}

// transientPrefix is in every push query's id (KsqlConfig's
// KSQL_TRANSIENT_QUERY_NAME_PREFIX_DEFAULT).
const transientPrefix = "transient_"

// terminatePush is TERMINATE of a push query (TerminateQueryExecutor): it
// is closed on this server and the answer is a terminate_query entity;
// no command is written. Validation accepts any id with the transient
// prefix (ValidatedCommandFactory.createForTerminateQuery), so a sandbox
// run does nothing; an id no push query has fails the request.
func (s *Server) terminatePush(ec *execCtx, p sql.Parsed, id string) (any, error) {
	if ec.sandbox {
		return nil, nil
	}
	if !s.push.terminate(id) {
		return nil, badRequest(fmt.Sprintf("Failed to terminate query with query ID: '%s'", id))
	}
	return &restapi.TerminateQueryEntity{Type: "terminate_query", StatementText: p.Text, QueryID: id, WasTerminated: true, Warnings: []restapi.Warning{}}, nil
}

func (s *Server) execTerminate(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.Terminate) (any, error) {
	var ids []string
	cmdID := "terminate/" + st.QueryID + "/execute"
	if st.All {
		cmdID = "terminate/ALL/execute"
		for _, q := range ec.ms.SortedQueries() {
			ids = append(ids, q.ID)
		}
	} else {
		if strings.Contains(strings.ToLower(st.QueryID), transientPrefix) {
			return s.terminatePush(ec, p, st.QueryID)
		}
		qi, ok := ec.ms.Queries[st.QueryID]
		if !ok {
			return nil, stmterr.Bad("Unknown queryId: %s", st.QueryID)
		}
		if err := checkTerminable(qi); err != nil {
			return nil, err
		}
		ids = []string{st.QueryID}
	}
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		qi := ec.ms.Queries[id]
		delete(ec.ms.Queries, id)
		if !ec.sandbox {
			s.terminateQuery(ctx, qi)
		}
	}
	return status(p, cmdID, "Query terminated.", seq, ""), nil
}
