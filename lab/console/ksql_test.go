package console

import (
	"fmt"
	"strings"
	"testing"
)

func runKsql(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb syncBuffer
	code := Main(timeout(t), "ksql", append(args, "--ksqldb", lab.ksqldb), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// lab ksql -e runs each statement and prints the answers as the ksql CLI's
// tables (ksqldb-cli Table.print and CommandStatusTableBuilder): columns
// as wide as their widest cell, a dashed line under the header and after
// the rows.
func TestKsqlExecutePrintsAnswersAsTheCLITables(t *testing.T) {
	name := fmt.Sprintf("CLI_S%d", topicSeq.Add(1))
	topic := strings.ToLower(name)
	stdout, stderr, code := runKsql(t, "", "-e", fmt.Sprintf("CREATE STREAM %s (id INT, name VARCHAR)\n WITH (kafka_topic='%s', value_format='JSON', partitions=1);", name, topic))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := " Message        \n----------------\n Stream created \n----------------\n"
	if stdout != want {
		t.Errorf("CREATE STREAM:\n%q\nwant\n%q", stdout, want)
	}
	// Columns are as wide as the widest cell of every stream the server
	// has, so the row is compared cell by cell. A stream without key
	// columns keeps the default key format, KAFKA (CreateSourceFactory).
	stdout, _, code = runKsql(t, "", "-e", "SHOW STREAMS;")
	found := false
	for _, l := range strings.Split(stdout, "\n") {
		cells := strings.Split(l, " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		found = found || strings.Join(cells, "|") == name+"|"+topic+"|KAFKA|JSON|false"
	}
	if code != 0 || !found || !strings.Contains(stdout, " Stream Name ") {
		t.Errorf("SHOW STREAMS: exit %d:\n%s\nwant a row %s | %s | KAFKA | JSON | false", code, stdout, name, topic)
	}
}

// SELECT rows print as the CLI's TabularRow: cells of width/columns - 2
// (80 columns: 38 for two), "|" between, a "+---+" line above and below
// the header.
func TestKsqlSelectPrintsRowsAsTabularRows(t *testing.T) {
	name := fmt.Sprintf("CLI_Q%d", topicSeq.Add(1))
	script := fmt.Sprintf(`CREATE STREAM %s (id INT, name VARCHAR) WITH (kafka_topic='%s', value_format='JSON', partitions=1);
INSERT INTO %s (id, name) VALUES (7, 'Clark/Lake');
SET 'auto.offset.reset'='earliest';
SELECT id, name FROM %s EMIT CHANGES LIMIT 1;`, name, strings.ToLower(name), name, name)
	stdout, stderr, code := runKsql(t, "", "-e", script)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	sep := "+" + strings.Repeat("-", 38) + "+" + strings.Repeat("-", 38) + "+"
	want := sep + "\n|ID" + strings.Repeat(" ", 36) + "|NAME" + strings.Repeat(" ", 34) + "|\n" + sep + "\n" +
		"|7" + strings.Repeat(" ", 37) + "|Clark/Lake" + strings.Repeat(" ", 28) + "|\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("stdout:\n%s\nwant to contain:\n%s", stdout, want)
	}
	if !strings.Contains(stdout, "Successfully changed local property 'auto.offset.reset' to 'earliest'.") {
		t.Errorf("SET not acknowledged:\n%s", stdout)
	}
}

// A statement the server refuses is its message on stderr, exit 1; in the
// shell it is printed and the shell goes on to the next statement, which
// may span lines.
func TestKsqlRefusedStatementIsItsMessageAndTheShellGoesOn(t *testing.T) {
	_, stderr, code := runKsql(t, "", "-e", "DROP STREAM NO_SUCH_STREAM_X;")
	if code != 1 || !strings.Contains(stderr, "NO_SUCH_STREAM_X") {
		t.Errorf("exit %d, stderr %q; want 1 and the server's message", code, stderr)
	}
	stdout, stderr, code := runKsql(t, "DROP STREAM NO_SUCH_STREAM_X;\nSHOW\nSTREAMS\n;\nexit\n")
	if code != 0 || !strings.Contains(stdout, "NO_SUCH_STREAM_X") || !strings.Contains(stdout, " Stream Name ") || !strings.HasPrefix(stdout, "ksql> ") || !strings.Contains(stdout, "\nksql> >>") {
		t.Errorf("shell: exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
}

// SET checks a property as the ksql CLI does before it keeps it
// (ksqldb-cli Cli.setProperty, confluentinc/ksql v7.9.0): the server's
// /is_valid_property first, then LocalProperties.set, whose
// LocalPropertyParser refuses a name KsqlConfigResolver does not know and a
// value its type does not take; a refused SET keeps nothing, so the
// statements after it run. A first SET of a name says how to revert it, a
// later one names the value it replaces; UNSET of a name never set is
// refused.
func TestKsqlSetRefusesWhatTheCLIRefusesAndKeepsNothing(t *testing.T) {
	stdout, stderr, code := runKsql(t, "SET 'no.such.setting'='1';\nSET 'ksql.streams.num.stream.threads'='two';\nSET 'ksql.service.id'='x';\nSHOW STREAMS;\nexit\n")
	for _, want := range []string{
		"Not recognizable as ksql, streams, consumer, or producer property: 'no.such.setting'",
		"Invalid value two for configuration num.stream.threads: Not a number of type INT",
		"One or more properties overrides set locally are prohibited by the KSQL server (use UNSET to reset their default value): [ksql.service.id]",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the shell's output lacks %q:\n%s", want, stdout)
		}
	}
	if code != 0 || !strings.Contains(stdout, " Stream Name ") || strings.Contains(stdout, "Successfully changed") {
		t.Errorf("exit %d, stderr %q; the shell kept a refused SET or the SHOW STREAMS after them failed:\n%s", code, stderr, stdout)
	}
	stdout, stderr, _ = runKsql(t, "", "-e", "SET 'auto.offset.reset'='earliest';\nSET 'auto.offset.reset'='latest';\nUNSET 'commit.interval.ms';")
	for _, want := range []string{
		"Successfully changed local property 'auto.offset.reset' to 'earliest'. Use the UNSET command to revert your change.\n",
		"Successfully changed local property 'auto.offset.reset' from 'earliest' to 'latest'.\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if want := "Cannot unset local property 'commit.interval.ms' which was never set in the first place"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}
