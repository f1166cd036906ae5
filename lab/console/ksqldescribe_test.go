package console

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// DESCRIBE prints as the ksql CLI's Console.printSourceDescription does
// (confluentinc/ksql v7.9.0 ksqldb-cli .../cli/console/Console.java): the
// name padded to 20, a Field | Type table whose key column reads
// String.format("%-16s %s", type, "(key)") with types as
// SchemaInfo.toTypeString names them (VARCHAR(STRING) for STRING), then the
// hint about EXTENDED.
func TestKsqlDescribePrintsTheCLISourceDescription(t *testing.T) {
	name := fmt.Sprintf("CLI_D%d", topicSeq.Add(1))
	stdout, stderr, code := runKsql(t, "", "-e", fmt.Sprintf(`CREATE STREAM %s (id INT KEY, name VARCHAR) WITH (kafka_topic='%s', value_format='JSON', partitions=1);
DESCRIBE %s;`, name, strings.ToLower(name), name))
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	want := fmt.Sprintf("%-20s : %s\n", "Name", name) +
		" Field | Type                   \n" +
		strings.Repeat("-", 32) + "\n" +
		" ID    | INTEGER          (key) \n" +
		" NAME  | VARCHAR(STRING)        \n" +
		strings.Repeat("-", 32) + "\n" +
		"For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("DESCRIBE printed:\n%s\nwant it to contain:\n%s", stdout, want)
	}
}

// DESCRIBE ... EXTENDED adds the type, timestamp field, formats, topic with
// partitions and replication, the statement, the queries that write to the
// source ("Queries that write from this TABLE", as the CLI words it), and
// the local runtime statistics block; a table's key reads "(primary key)".
func TestKsqlDescribeExtendedPrintsTopicQueriesAndStatistics(t *testing.T) {
	src := fmt.Sprintf("CLI_E%d", topicSeq.Add(1))
	tbl := src + "_COUNTS"
	stdout, stderr, code := runKsql(t, "", "-e", fmt.Sprintf(`CREATE STREAM %s (id INT KEY, name VARCHAR) WITH (kafka_topic='%s', value_format='JSON', partitions=1);
CREATE TABLE %s AS SELECT id, COUNT(*) AS n FROM %s GROUP BY id EMIT CHANGES;
DESCRIBE %s EXTENDED;`, src, strings.ToLower(src), tbl, src, tbl))
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{
		fmt.Sprintf("%-20s : %s\n", "Name", tbl),
		fmt.Sprintf("%-20s : %s\n", "Type", "TABLE"),
		fmt.Sprintf("%-20s : %s\n", "Timestamp field", "Not set - using <ROWTIME>"),
		fmt.Sprintf("%-20s : %s\n", "Key format", "KAFKA"),
		fmt.Sprintf("%-20s : %s\n", "Value format", "JSON"),
		fmt.Sprintf("%-20s : %s (partitions: 1, replication: 1)\n", "Kafka topic", tbl),
		fmt.Sprintf("%-20s : CREATE TABLE %s", "Statement", tbl),
		" ID    | INTEGER          (primary key) \n",
		"\nQueries that write from this TABLE\n-----------------------------------\nCTAS_" + tbl + "_",
		"\nFor query topology and execution plan please run: EXPLAIN <QueryId>\n",
		"\nLocal runtime statistics\n------------------------\n",
		"(Statistics of the local KSQL server interaction with the Kafka topic " + tbl + ")\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("DESCRIBE EXTENDED printed:\n%s\nwant it to contain:\n%q", stdout, want)
		}
	}
	if strings.Contains(stdout, `"@type"`) {
		t.Errorf("DESCRIBE EXTENDED printed JSON:\n%s", stdout)
	}
}

// EXPLAIN prints as Console.printQueryDescription does: ID, query type and
// SQL padded to 20, the schema, then the sources and sinks under their
// dashed headings, the execution plan and the processing topology under
// headings padded to 20.
func TestKsqlExplainPrintsTheCLIQueryDescription(t *testing.T) {
	src := fmt.Sprintf("CLI_X%d", topicSeq.Add(1))
	sink := src + "_OUT"
	stdout, stderr, code := runKsql(t, "", "-e", fmt.Sprintf(`CREATE STREAM %s (id INT KEY, name VARCHAR) WITH (kafka_topic='%s', value_format='JSON', partitions=1);
CREATE STREAM %s AS SELECT id, UCASE(name) AS name FROM %s EMIT CHANGES;`, src, strings.ToLower(src), sink, src))
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	id := "CSAS_" + sink + "_"
	stdout, stderr, code = runKsql(t, "", "-e", "SHOW QUERIES;")
	i := strings.Index(stdout, id)
	if code != 0 || i < 0 {
		t.Fatalf("SHOW QUERIES: exit %d: %s\n%s", code, stderr, stdout)
	}
	id = strings.Fields(stdout[i:])[0]
	stdout, stderr, code = runKsql(t, "", "-e", "EXPLAIN "+id+";")
	if code != 0 {
		t.Fatalf("EXPLAIN: exit %d: %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{
		fmt.Sprintf("%-20s : %s\n", "ID", id),
		fmt.Sprintf("%-20s : %s\n", "Query Type", "PERSISTENT"),
		fmt.Sprintf("%-20s : CREATE STREAM %s", "SQL", sink),
		" ID    | INTEGER          (key) \n",
		"\nSources that this query reads from: \n-----------------------------------\n" + src + "\n\nFor source description please run: DESCRIBE [EXTENDED] <SourceId>\n",
		"\nSinks that this query writes to: \n-----------------------------------\n" + sink + "\n\nFor sink description please run: DESCRIBE [EXTENDED] <SinkId>\n",
		"\nExecution plan      \n--------------      \n",
		"\nProcessing topology \n------------------- \nTopologies:\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("EXPLAIN printed:\n%s\nwant it to contain:\n%q", stdout, want)
		}
	}
}

// SHOW PROPERTIES prints PropertiesListTableBuilder's table: sorted by
// name, with SESSION in the override column for what the session SET.
func TestKsqlShowPropertiesPrintsTheCLITable(t *testing.T) {
	stdout, stderr, code := runKsql(t, "", "-e", "SET 'auto.offset.reset'='earliest';\nSHOW PROPERTIES;")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	lines := strings.Split(stdout, "\n")
	var header, session string
	var names []string
	for _, l := range lines {
		cells := strings.Split(l, " | ")
		if len(cells) != 4 {
			continue
		}
		if strings.TrimSpace(cells[0]) == "Property" {
			header = l
			continue
		}
		names = append(names, strings.TrimSpace(cells[0]))
		if strings.TrimSpace(cells[2]) == "SESSION" {
			session = l
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(header), "Property") || !strings.Contains(header, " | Scope ") || !strings.Contains(header, " | Default override | ") || !strings.HasSuffix(strings.TrimSpace(header), "Effective Value") {
		t.Fatalf("no Property | Scope | Default override | Effective Value header:\n%s", stdout)
	}
	if !sort.StringsAreSorted(names) || len(names) == 0 {
		t.Errorf("properties not sorted by name: %v", names)
	}
	if !strings.Contains(session, "auto.offset.reset") || !strings.Contains(session, "earliest") {
		t.Errorf("no SESSION row for auto.offset.reset=earliest:\n%s", stdout)
	}
}
