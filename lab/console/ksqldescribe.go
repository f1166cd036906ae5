package console

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The DESCRIBE and EXPLAIN answers, laid out as the ksql CLI's Console
// prints them (confluentinc/ksql v7.9.0 ksqldb-cli
// src/main/java/io/confluent/ksql/cli/console/Console.java:
// printSourceDescription, printQueryDescription and their helpers).

type ksqlSchema struct {
	Type         string         `json:"type"`
	Fields       []ksqlField    `json:"fields"`
	MemberSchema *ksqlSchema    `json:"memberSchema"`
	Parameters   map[string]any `json:"parameters"`
}

type ksqlField struct {
	Name      string     `json:"name"`
	Schema    ksqlSchema `json:"schema"`
	Type      string     `json:"type"` // KEY, HEADER or empty for a value column
	HeaderKey *string    `json:"headerKey"`
}

type ksqlRunningQuery struct {
	ID          string `json:"id"`
	QueryString string `json:"queryString"`
	State       string `json:"state"`
}

type ksqlSourceDescription struct {
	Name              string             `json:"name"`
	WindowType        *string            `json:"windowType"`
	ReadQueries       []ksqlRunningQuery `json:"readQueries"`
	WriteQueries      []ksqlRunningQuery `json:"writeQueries"`
	Fields            []ksqlField        `json:"fields"`
	Type              string             `json:"type"`
	Timestamp         string             `json:"timestamp"`
	Statistics        string             `json:"statistics"`
	ErrorStats        string             `json:"errorStats"`
	Extended          bool               `json:"extended"`
	KeyFormat         string             `json:"keyFormat"`
	ValueFormat       string             `json:"valueFormat"`
	Topic             string             `json:"topic"`
	Partitions        int                `json:"partitions"`
	Replication       int                `json:"replication"`
	Statement         string             `json:"statement"`
	SourceConstraints []string           `json:"sourceConstraints"`
}

type ksqlQueryError struct {
	Timestamp    int64  `json:"timestamp"`
	ErrorMessage string `json:"errorMessage"`
	Type         string `json:"type"`
}

type ksqlQueryDescription struct {
	ID                   string            `json:"id"`
	StatementText        string            `json:"statementText"`
	WindowType           *string           `json:"windowType"`
	Fields               []ksqlField       `json:"fields"`
	Sources              []string          `json:"sources"`
	Sinks                []string          `json:"sinks"`
	Topology             string            `json:"topology"`
	ExecutionPlan        string            `json:"executionPlan"`
	OverriddenProperties map[string]any    `json:"overriddenProperties"`
	KsqlHostQueryStatus  map[string]string `json:"ksqlHostQueryStatus"`
	QueryType            string            `json:"queryType"`
	QueryErrors          []ksqlQueryError  `json:"queryErrors"`
}

// typeString names a column type as SchemaInfo.toTypeString does.
func (s ksqlSchema) typeString() string {
	switch s.Type {
	case "STRING":
		return "VARCHAR(STRING)"
	case "ARRAY":
		if s.MemberSchema != nil {
			return "ARRAY<" + s.MemberSchema.typeString() + ">"
		}
	case "MAP":
		if s.MemberSchema != nil {
			return "MAP<STRING, " + s.MemberSchema.typeString() + ">"
		}
	case "STRUCT":
		parts := make([]string, len(s.Fields))
		for i, f := range s.Fields {
			parts[i] = f.Name + " " + f.Schema.typeString()
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	case "DECIMAL":
		if len(s.Parameters) > 0 {
			return fmt.Sprintf("DECIMAL(%v, %v)", s.Parameters["precision"], s.Parameters["scale"])
		}
	}
	return s.Type
}

// fieldType is the Type cell of a schema table (Console.formatFieldType).
func fieldType(f ksqlField, windowType *string, isTable bool) string {
	switch f.Type {
	case "HEADER":
		h := "(headers)"
		if f.HeaderKey != nil {
			h = "(header('" + *f.HeaderKey + "'))"
		}
		return fmt.Sprintf("%-16s %s", f.Schema.typeString(), h)
	case "KEY":
		k := "(key)"
		if isTable {
			k = "(primary key)"
		}
		wt := ""
		if windowType != nil {
			wt = " (Window type: " + *windowType + ")"
		}
		return fmt.Sprintf("%-16s %s%s", f.Schema.typeString(), k, wt)
	}
	return f.Schema.typeString()
}

func (sh *ksqlShell) println(a ...any)               { fmt.Fprintln(sh.c.stdout, a...) }
func (sh *ksqlShell) printf(format string, a ...any) { fmt.Fprintf(sh.c.stdout, format, a...) }

// field prints "Label               : value", the CLI's "%-20s : %s".
func (sh *ksqlShell) field(label string, value any) { sh.printf("%-20s : %v\n", label, value) }

func (sh *ksqlShell) printSchema(windowType *string, fields []ksqlField, isTable bool) {
	if len(fields) == 0 {
		return
	}
	rows := make([][]string, len(fields))
	for i, f := range fields {
		rows[i] = []string{f.Name, fieldType(f, windowType, isTable)}
	}
	sh.printTable([]string{"Field", "Type"}, rows)
}

func (sh *ksqlShell) printSourceDescription(s ksqlSourceDescription) {
	isTable := strings.EqualFold(s.Type, "TABLE")
	sh.field("Name", s.Name)
	if !s.Extended {
		sh.printSchema(s.WindowType, s.Fields, isTable)
		sh.println("For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;")
		return
	}
	sh.field("Type", s.Type)
	ts := s.Timestamp
	if ts == "" {
		ts = "Not set - using <ROWTIME>"
	}
	sh.field("Timestamp field", ts)
	sh.field("Key format", s.KeyFormat)
	sh.field("Value format", s.ValueFormat)
	if s.Topic != "" {
		topic := fmt.Sprintf("%-20s : %s", "Kafka topic", s.Topic)
		// Partitions and replication of 0 mean the topic could not be
		// described: the CLI leaves them out.
		if s.Partitions != 0 {
			topic += fmt.Sprintf(" (partitions: %d, replication: %d)", s.Partitions, s.Replication)
		}
		sh.println(topic)
	}
	sh.field("Statement", s.Statement)
	sh.println()
	sh.printSchema(s.WindowType, s.Fields, isTable)
	if len(s.SourceConstraints) > 0 {
		sh.printf("\n%-20s\n%-20s\n", "Sources that have a DROP constraint on this source", "--------------------------------------------------")
		for _, c := range s.SourceConstraints {
			sh.println(c)
		}
	}
	sh.printQueries(s.ReadQueries, s.Type, "read")
	sh.printQueries(s.WriteQueries, s.Type, "write")
	sh.printf("\n%-20s\n%s\n", "Local runtime statistics", "------------------------")
	sh.println(s.Statistics)
	sh.println(s.ErrorStats)
	sh.printf("(Statistics of the local KSQL server interaction with the Kafka topic %s)\n", s.Topic)
}

func (sh *ksqlShell) printQueries(qs []ksqlRunningQuery, typ, operation string) {
	if len(qs) == 0 {
		return
	}
	sh.printf("\n%-20s\n%-20s\n", "Queries that "+operation+" from this "+typ, "-----------------------------------")
	for _, q := range qs {
		state := q.State
		if state == "" {
			state = "N/A"
		}
		sh.printf("%s (%s) : %s\n", q.ID, state, strings.ReplaceAll(q.QueryString, "\n", " "))
	}
	sh.println("\nFor query topology and execution plan please run: EXPLAIN <QueryId>")
}

func (sh *ksqlShell) printQueryDescription(q ksqlQueryDescription) {
	sh.field("ID", q.ID)
	sh.field("Query Type", q.QueryType)
	if q.StatementText != "" {
		sh.field("SQL", q.StatementText)
	}
	if len(q.KsqlHostQueryStatus) > 0 {
		// Java's Map.toString: {host:port=STATE, ...}.
		hosts := make([]string, 0, len(q.KsqlHostQueryStatus))
		for h, st := range q.KsqlHostQueryStatus {
			hosts = append(hosts, h+"="+st)
		}
		sort.Strings(hosts)
		sh.field("Host Query Status", "{"+strings.Join(hosts, ", ")+"}")
	}
	sh.println()
	sh.printSchema(q.WindowType, q.Fields, false)
	if len(q.Sources) > 0 {
		sh.printf("\n%-20s\n%-20s\n", "Sources that this query reads from: ", "-----------------------------------")
		for _, s := range q.Sources {
			sh.println(s)
		}
		sh.println("\nFor source description please run: DESCRIBE [EXTENDED] <SourceId>")
	}
	if len(q.Sinks) > 0 {
		sh.printf("\n%-20s\n%-20s\n", "Sinks that this query writes to: ", "-----------------------------------")
		for _, s := range q.Sinks {
			sh.println(s)
		}
		sh.println("\nFor sink description please run: DESCRIBE [EXTENDED] <SinkId>")
	}
	if q.ExecutionPlan != "" {
		sh.printf("\n%-20s\n%-20s\n%s\n", "Execution plan", "--------------", q.ExecutionPlan)
	}
	if q.Topology != "" {
		sh.printf("\n%-20s\n%-20s\n%s\n", "Processing topology", "-------------------", q.Topology)
	}
	if len(q.OverriddenProperties) > 0 {
		sh.printf("\n%-20s\n%-20s\n", "Overridden Properties", "---------------------")
		names := make([]string, 0, len(q.OverriddenProperties))
		for n := range q.OverriddenProperties {
			names = append(names, n)
		}
		sort.Strings(names)
		rows := make([][]string, len(names))
		for i, n := range names {
			rows[i] = []string{n, fmt.Sprint(q.OverriddenProperties[n])}
		}
		sh.printTable([]string{"Property", "Value"}, rows)
	}
	sh.println()
	for _, e := range q.QueryErrors {
		sh.field("Error Date", e.Timestamp)
		sh.field("Error Details", e.ErrorMessage)
		sh.field("Error Type", e.Type)
	}
}

// printDescriptions prints the DESCRIBE and EXPLAIN entities; it reports
// whether e was one.
func (sh *ksqlShell) printDescriptions(typ string, e map[string]json.RawMessage) (bool, error) {
	switch typ {
	case "sourceDescription":
		var s ksqlSourceDescription
		if err := json.Unmarshal(e["sourceDescription"], &s); err != nil {
			return true, fmt.Errorf("read the DESCRIBE answer: %w", err)
		}
		sh.printSourceDescription(s)
	case "source_descriptions":
		var list []ksqlSourceDescription
		if err := json.Unmarshal(e["sourceDescriptions"], &list); err != nil {
			return true, fmt.Errorf("read the DESCRIBE answer: %w", err)
		}
		for _, s := range list {
			sh.printSourceDescription(s)
			sh.println()
		}
	case "queryDescription":
		var q ksqlQueryDescription
		if err := json.Unmarshal(e["queryDescription"], &q); err != nil {
			return true, fmt.Errorf("read the EXPLAIN answer: %w", err)
		}
		sh.printQueryDescription(q)
	case "query_descriptions":
		var list []ksqlQueryDescription
		if err := json.Unmarshal(e["queryDescriptions"], &list); err != nil {
			return true, fmt.Errorf("read the EXPLAIN answer: %w", err)
		}
		for _, q := range list {
			sh.printQueryDescription(q)
			sh.println()
		}
	default:
		return false, nil
	}
	return true, nil
}
