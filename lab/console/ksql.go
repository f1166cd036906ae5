package console

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/ctalab/ctalab/lab/ksqldb"
)

type ksqlOpts struct {
	execute, file string
}

func (c *command) ksqlFlags() (func(context.Context) error, string) {
	var o ksqlOpts
	c.fs.StringVar(&o.execute, "e", "", "run the `statements` given and exit")
	c.fs.StringVar(&o.file, "f", "", "run the statements in `file.sql` and exit")
	return func(ctx context.Context) error { return c.ksql(ctx, o) }, "ksql [-e \"STATEMENTS;\" | -f FILE.sql]"
}

// ksqlShell is a session with a ksqlDB server, as the ksql CLI holds one:
// the local properties set with SET go with every statement.
type ksqlShell struct {
	c     *command
	url   string
	hc    *http.Client
	props map[string]string
	width int // the console width the CLI lays tables out for
}

// ksql runs statements against ksqlDB's REST API as the ksql CLI does
// (ksqldb-cli, io/confluent/ksql/cli/Cli.java): statements end with ';' and
// may span lines; SELECT runs on /query-stream and prints rows as they come
// (until Ctrl-C for a push query, which ends the query and not the shell);
// other statements go to /ksql and print as the CLI's tables.
func (c *command) ksql(ctx context.Context, o ksqlOpts) error {
	if len(c.args) != 0 {
		return usagef("unexpected argument %q", c.args[0])
	}
	if o.execute != "" && o.file != "" {
		return usagef("give -e or -f, not both")
	}
	hc, err := c.ep.cfg.KSQLDB.HTTPClient(0)
	if err != nil {
		return err
	}
	sh := &ksqlShell{c: c, url: c.ep.cfg.KSQLDB.URL, hc: hc, props: map[string]string{}, width: 80}
	switch {
	case o.execute != "":
		return sh.runScript(ctx, o.execute)
	case o.file != "":
		b, err := os.ReadFile(o.file)
		if err != nil {
			return err
		}
		return sh.runScript(ctx, string(b))
	}
	return sh.interactive(ctx)
}

func (sh *ksqlShell) runScript(ctx context.Context, text string) error {
	stmts, rest := splitStatements(text)
	if strings.TrimSpace(rest) != "" {
		return usagef("the last statement does not end with ';': %q", strings.TrimSpace(rest))
	}
	for _, s := range stmts {
		if err := sh.run(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// interactive reads statements from stdin, prompting "ksql> ", until EOF,
// exit or quit. Ctrl-C while a statement runs (a query streaming) ends that
// statement; at the prompt it ends the shell.
func (sh *ksqlShell) interactive(ctx context.Context) error {
	out := sh.c.stdout
	// The shell takes the interrupts itself: the first one must not end
	// the session while a query runs.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	ctx = context.WithoutCancel(ctx)

	lines := make(chan string)
	readErr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		sc := bufio.NewScanner(sh.c.stdin)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stop:
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()

	pending := ""
	fmt.Fprint(out, "ksql> ")
	for {
		var line string
		select {
		case <-sig:
			fmt.Fprintln(out)
			return nil
		case l, ok := <-lines:
			if !ok {
				fmt.Fprintln(out, "Exiting ksqlDB.")
				return <-readErr
			}
			line = l
		}
		if pending == "" {
			switch strings.ToLower(strings.TrimSuffix(strings.TrimSpace(line), ";")) {
			case "exit", "quit":
				return nil
			}
		}
		stmts, rest := splitStatements(pending + line + "\n")
		pending = rest
		if strings.TrimSpace(pending) == "" {
			pending = ""
		}
		for _, s := range stmts {
			qctx, cancel := context.WithCancel(ctx)
			go func() {
				select {
				case <-sig:
					cancel()
				case <-qctx.Done():
				}
			}()
			err := sh.run(qctx, s)
			cancel()
			if err != nil {
				fmt.Fprintln(out, err)
			}
		}
		if pending == "" {
			fmt.Fprint(out, "\nksql> ")
		} else {
			fmt.Fprint(out, ">")
		}
	}
}

// splitStatements cuts text at each ';' outside quotes and comments and
// returns the statements and the text after the last one.
func splitStatements(text string) (stmts []string, rest string) {
	start := 0
	inQuote, inBack, inComment := false, false, false
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case inComment:
			if ch == '\n' {
				inComment = false
			}
		case inQuote:
			if ch == '\'' {
				if i+1 < len(text) && text[i+1] == '\'' {
					i++
				} else {
					inQuote = false
				}
			}
		case inBack:
			if ch == '`' {
				inBack = false
			}
		case ch == '\'':
			inQuote = true
		case ch == '`':
			inBack = true
		case ch == '-' && i+1 < len(text) && text[i+1] == '-':
			inComment = true
		case ch == ';':
			if s := strings.TrimSpace(text[start : i+1]); s != ";" {
				stmts = append(stmts, s)
			}
			start = i + 1
		}
	}
	return stmts, text[start:]
}

func firstWord(stmt string) string {
	f := strings.Fields(stripComments(stmt))
	if len(f) == 0 {
		return ""
	}
	return strings.ToUpper(strings.TrimSuffix(f[0], ";"))
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "--") {
			continue
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// run runs one statement.
func (sh *ksqlShell) run(ctx context.Context, stmt string) error {
	switch firstWord(stmt) {
	case "SET", "UNSET":
		return sh.setProperty(ctx, stmt)
	case "SELECT":
		return sh.query(ctx, stmt)
	}
	body, _ := json.Marshal(map[string]any{"ksql": stmt, "streamsProperties": sh.props})
	b, err := sh.call(ctx, http.MethodPost, "/ksql", body)
	if err != nil {
		return err
	}
	var entities []map[string]json.RawMessage
	if err := json.Unmarshal(b, &entities); err != nil {
		return fmt.Errorf("ksqlDB answered 200 with %q: %w", b, err)
	}
	for _, e := range entities {
		if err := sh.printEntity(e); err != nil {
			return err
		}
	}
	return nil
}

// ksqlError is the server's refusal as the CLI shows it: its message.
func ksqlError(status int, body []byte) error {
	var e struct {
		Message   string `json:"message"`
		ErrorCode int    `json:"error_code"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return errors.New(e.Message)
	}
	return fmt.Errorf("ksqlDB answered %d: %s", status, strings.TrimSpace(string(body)))
}

// setProperty handles SET 'name'='value'; and UNSET 'name'; locally, as
// the CLI does (ksqldb-cli Cli.setProperty and unsetProperty, confluentinc/ksql
// v7.9.0): SET asks the server's /is_valid_property first, then parses the
// property as LocalProperties.set does, and keeps nothing it refuses; UNSET
// of a name never set is refused. It answers as the CLI does.
func (sh *ksqlShell) setProperty(ctx context.Context, stmt string) error {
	s := strings.TrimSuffix(strings.TrimSpace(stripComments(stmt)), ";")
	word := firstWord(s)
	args := strings.TrimSpace(s[len(word):])
	unq := func(v string) string { return strings.ReplaceAll(strings.Trim(strings.TrimSpace(v), "'"), "''", "'") }
	if word == "UNSET" {
		name := unq(args)
		old, ok := sh.props[name]
		if !ok {
			return cliMessage(fmt.Sprintf("Cannot unset local property '%s' which was never set in the first place", name))
		}
		delete(sh.props, name)
		fmt.Fprintf(sh.c.stdout, "Successfully unset local property '%s' (value was '%s').\n", name, old)
		return nil
	}
	name, value, ok := strings.Cut(args, "=")
	if !ok {
		return fmt.Errorf("SET wants 'property'='value', got %q", args)
	}
	n, v := unq(name), unq(value)
	if err := sh.validProperty(ctx, n); err != nil {
		return err
	}
	if err := ksqldb.ParseLocalProperty(n, v); err != nil {
		return err
	}
	if old, had := sh.props[n]; had {
		fmt.Fprintf(sh.c.stdout, "Successfully changed local property '%s' from '%s' to '%s'.\n", n, old, v)
	} else {
		fmt.Fprintf(sh.c.stdout, "Successfully changed local property '%s' to '%s'. Use the UNSET command to revert your change.\n", n, v)
	}
	sh.props[n] = v
	return nil
}

// cliMessage is an error the CLI prints in its own words.
type cliMessage string

func (m cliMessage) Error() string { return string(m) }

// validProperty asks the server whether a request may set property
// (GET /is_valid_property/<property>, as KsqlRestClient.makeIsValidRequest
// does); a refusal is the server's message.
func (sh *ksqlShell) validProperty(ctx context.Context, property string) error {
	_, err := sh.call(ctx, http.MethodGet, "/is_valid_property/"+url.PathEscape(property), nil)
	return err
}

// call sends one request of the ksql media type to path and returns the
// 200 answer's body (at most 64 MiB); any other status is the server's
// refusal as the CLI shows it (ksqlError).
func (sh *ksqlShell) call(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, sh.url+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	}
	req.Header.Set("Accept", "application/vnd.ksql.v1+json")
	resp, err := sh.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ksqlDB at %s: %w (is the lab up? 'lab status' tells)", sh.url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, ksqlError(resp.StatusCode, b)
	}
	return b, nil
}

// printEntity prints one /ksql answer as the CLI's table builders do
// (ksqldb-cli io/confluent/ksql/cli/console/table/builder): command
// status, streams, tables, Kafka topics, queries and properties; DESCRIBE
// and EXPLAIN as the CLI's Console prints them (ksqldescribe.go); other
// entities print as the REST API's JSON, said so.
func (sh *ksqlShell) printEntity(e map[string]json.RawMessage) error {
	var typ string
	_ = json.Unmarshal(e["@type"], &typ)
	if done, err := sh.printDescriptions(typ, e); done {
		return err
	}
	var headers []string
	var rows [][]string
	var footer string
	switch typ {
	case "currentStatus":
		var cs struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(e["commandStatus"], &cs)
		headers, rows = []string{"Message"}, [][]string{{strings.SplitN(cs.Message, "\n", 2)[0]}}
	case "streams", "tables":
		var list []struct {
			Name        string `json:"name"`
			Topic       string `json:"topic"`
			KeyFormat   string `json:"keyFormat"`
			ValueFormat string `json:"valueFormat"`
			IsWindowed  bool   `json:"isWindowed"`
		}
		_ = json.Unmarshal(e[typ], &list)
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		headers = []string{"Stream Name", "Kafka Topic", "Key Format", "Value Format", "Windowed"}
		if typ == "tables" {
			headers[0] = "Table Name"
		}
		for _, s := range list {
			rows = append(rows, []string{s.Name, s.Topic, s.KeyFormat, s.ValueFormat, fmt.Sprint(s.IsWindowed)})
		}
	case "kafka_topics":
		var list []struct {
			Name        string `json:"name"`
			ReplicaInfo []int  `json:"replicaInfo"`
		}
		_ = json.Unmarshal(e["topics"], &list)
		headers = []string{"Kafka Topic", "Partitions", "Partition Replicas"}
		for _, t := range list {
			reps := make([]string, len(t.ReplicaInfo))
			for i, r := range t.ReplicaInfo {
				reps[i] = fmt.Sprint(r)
			}
			rows = append(rows, []string{t.Name, fmt.Sprint(len(t.ReplicaInfo)), strings.Join(reps, " ")})
		}
	case "queries":
		var list []struct {
			ID              string         `json:"id"`
			QueryType       string         `json:"queryType"`
			StatusCount     map[string]int `json:"statusCount"`
			Sinks           []string       `json:"sinks"`
			SinkKafkaTopics []string       `json:"sinkKafkaTopics"`
			QueryString     string         `json:"queryString"`
		}
		_ = json.Unmarshal(e["queries"], &list)
		headers = []string{"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"}
		for _, q := range list {
			var st []string
			for k, n := range q.StatusCount {
				st = append(st, fmt.Sprintf("%s:%d", k, n))
			}
			sort.Strings(st)
			rows = append(rows, []string{q.ID, q.QueryType, strings.Join(st, " "), strings.Join(q.Sinks, ","), strings.Join(q.SinkKafkaTopics, ","),
				strings.Join(strings.Fields(q.QueryString), " ")})
		}
		footer = "For detailed information on a Query run: EXPLAIN <Query ID>;"
	case "properties":
		// PropertiesListTableBuilder: sorted by name; the override column
		// says SESSION for what this session SET, nothing for a default,
		// SERVER for what the server's configuration set.
		var pl struct {
			Properties []struct {
				Name  string  `json:"name"`
				Scope string  `json:"scope"`
				Value *string `json:"value"`
			} `json:"properties"`
			Overwritten []string `json:"overwrittenProperties"`
			Defaults    []string `json:"defaultProperties"`
		}
		_ = json.Unmarshal(e["properties"], &pl.Properties)
		_ = json.Unmarshal(e["overwrittenProperties"], &pl.Overwritten)
		_ = json.Unmarshal(e["defaultProperties"], &pl.Defaults)
		headers = []string{"Property", "Scope", "Default override", "Effective Value"}
		for _, p := range pl.Properties {
			override := "SERVER"
			switch {
			case slices.Contains(pl.Overwritten, p.Name):
				override = "SESSION"
			case slices.Contains(pl.Defaults, p.Name):
				override = ""
			}
			v := "NULL"
			if p.Value != nil {
				v = *p.Value
			}
			rows = append(rows, []string{p.Name, p.Scope, override, v})
		}
		sort.SliceStable(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	default:
		b, _ := json.MarshalIndent(e, "", "  ")
		fmt.Fprintf(sh.c.stdout, "(the %s answer, as the REST API's JSON: its CLI table is not built)\n%s\n", typ, b)
		return nil
	}
	sh.printTable(headers, rows)
	if footer != "" {
		fmt.Fprintln(sh.c.stdout, footer)
	}
	return nil
}

// printTable lays a table out as the CLI's Table.print does: each column
// as wide as its widest cell, " a | b " rows, a dashed line under the
// header and after the rows, as long as the rows (at most the console's
// width).
func (sh *ksqlShell) printTable(headers []string, rows [][]string) {
	widths := make([]int, len(headers))
	sep := -1
	for i, h := range headers {
		widths[i] = utf8.RuneCountInString(h)
		for _, r := range rows {
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
		sep += widths[i] + 3
	}
	line := func(cells []string) {
		parts := make([]string, len(cells))
		for i, c := range cells {
			parts[i] = c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
		}
		fmt.Fprintf(sh.c.stdout, " %s \n", strings.Join(parts, " | "))
	}
	dashes := strings.Repeat("-", min(sh.width, sep))
	line(headers)
	fmt.Fprintln(sh.c.stdout, dashes)
	for _, r := range rows {
		line(r)
	}
	fmt.Fprintln(sh.c.stdout, dashes)
}

// query runs a SELECT on /query-stream (ksqlDB's HTTP/1.1 delimited
// format: a header object, then one JSON array per row) and prints the
// rows as the CLI's TabularRow does, each as it arrives. Ctrl-C (ctx)
// closes the request, which ends the query on the server.
func (sh *ksqlShell) query(ctx context.Context, stmt string) error {
	body, _ := json.Marshal(map[string]any{"sql": stmt, "properties": sh.props})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sh.url+"/query-stream", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/vnd.ksqlapi.delimited.v1")
	resp, err := sh.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("ksqlDB at %s: %w (is the lab up? 'lab status' tells)", sh.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return ksqlError(resp.StatusCode, b)
	}
	out := sh.c.stdout
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	cell := 5
	header := false
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if !header {
			var h struct {
				ColumnNames []string `json:"columnNames"`
				Message     string   `json:"message"`
			}
			if err := json.Unmarshal(line, &h); err != nil {
				return fmt.Errorf("query answer %q: %w", line, err)
			}
			if h.Message != "" && len(h.ColumnNames) == 0 {
				return errors.New(h.Message)
			}
			cell = max(sh.width/max(len(h.ColumnNames), 1)-2, 5)
			fmt.Fprintln(out, tabularSeparator(cell, len(h.ColumnNames)))
			fmt.Fprintln(out, tabularRow(cell, h.ColumnNames))
			fmt.Fprintln(out, tabularSeparator(cell, len(h.ColumnNames)))
			header = true
			continue
		}
		if line[0] == '{' { // an error in the middle of the stream
			return ksqlError(http.StatusOK, line)
		}
		var row []json.RawMessage
		if err := json.Unmarshal(line, &row); err != nil {
			return fmt.Errorf("query row %q: %w", line, err)
		}
		cells := make([]string, len(row))
		for i, v := range row {
			var s string
			if json.Unmarshal(v, &s) == nil {
				cells[i] = s
			} else {
				cells[i] = string(v)
			}
		}
		fmt.Fprintln(out, tabularRow(cell, cells))
	}
	if ctx.Err() != nil {
		fmt.Fprintln(out, "Query terminated")
		return nil
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read the query's rows: %w", err)
	}
	fmt.Fprintln(out, "Query terminated")
	return nil
}

func tabularSeparator(cell, n int) string {
	return "+" + strings.Repeat(strings.Repeat("-", cell)+"+", n)
}

// tabularRow is one row of TabularRow: each value cut into cell-wide
// pieces, the pieces of all columns side by side, "|" around each.
func tabularRow(cell int, values []string) string {
	split := make([][]string, len(values))
	lines := 1
	for i, v := range values {
		rs := []rune(v)
		for len(rs) > cell {
			split[i] = append(split[i], string(rs[:cell]))
			rs = rs[cell:]
		}
		split[i] = append(split[i], string(rs)+strings.Repeat(" ", cell-len(rs)))
		lines = max(lines, len(split[i]))
	}
	var b strings.Builder
	for l := range lines {
		if l > 0 {
			b.WriteByte('\n')
		}
		b.WriteByte('|')
		for _, parts := range split {
			if l < len(parts) {
				b.WriteString(parts[l])
			} else {
				b.WriteString(strings.Repeat(" ", cell))
			}
			b.WriteByte('|')
		}
	}
	return b.String()
}
