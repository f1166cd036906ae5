package connect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/connect/transforms"
	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kgo"
)

// sourceTask is one JdbcSourceTask with its worker-side loop: poll rows,
// convert them, write them and commit their offsets, either at least once
// (WorkerSourceTask) or in transactions (ExactlyOnceWorkerSourceTask); see
// delivery.go.
type sourceTask struct {
	w         *Worker
	connector string
	id        int
	props     map[string]string

	cfg      *jdbcConfig
	keyConv  recordConverter
	valConv  recordConverter
	producer *kgo.Client
	conn     *pgx.Conn
	inTxn    bool

	// Transformation chain and its error handling (errors.tolerance,
	// errors.log.enable, errors.log.include.messages).
	stages         []*transforms.Stage
	hdrConv        headerConverter
	tolerateAll    bool
	errLog         bool
	errLogMessages bool

	// Offsets of acknowledged records not yet written to the offset topic
	// (at-least-once delivery only), by offset record key.
	pending   map[string][]byte
	lastFlush time.Time
}

func newSourceTask(w *Worker, connector string, id int, props map[string]string) *sourceTask {
	return &sourceTask{w: w, connector: connector, id: id, props: props, pending: map[string][]byte{}}
}

// taskError is a task failure; its text is the status trace. class is the
// exception class when it is not ConnectException.
type taskError struct {
	msg   string
	cause error
	class string
}

func (e *taskError) Error() string {
	if e.class != "" {
		return e.class + ": " + e.msg
	}
	return connectTrace(e.msg, e.cause)
}
func (e *taskError) Unwrap() error { return e.cause }

// connectTrace renders a failure the way a Connect status trace begins: the
// exception and its cause chain.
func connectTrace(msg string, cause error) string {
	s := "org.apache.kafka.connect.errors.ConnectException: " + msg
	if cause != nil {
		s += "\nCaused by: " + cause.Error()
	}
	return s
}

func traceOf(err error) string {
	var te *taskError
	if errors.As(err, &te) {
		return te.Error()
	}
	return connectTrace(err.Error(), nil)
}

func (t *sourceTask) run(ctx context.Context) error {
	values := jdbcConfigDef().validateAll(t.props)
	for _, cv := range values {
		if len(cv.Errors) > 0 {
			return &taskError{msg: "Couldn't start JdbcSourceTask due to configuration error", cause: errors.New(cv.Errors[0])}
		}
	}
	t.cfg = parseJDBCConfig(values)
	var errs []string
	t.keyConv, errs = newRecordConverter(t.props, "key.converter", t.w.opts.converterProps, t.w.network())
	if len(errs) > 0 {
		return &taskError{msg: "Failed to configure key converter", cause: errors.New(errs[0])}
	}
	t.valConv, errs = newRecordConverter(t.props, "value.converter", t.w.opts.converterProps, t.w.network())
	if len(errs) > 0 {
		return &taskError{msg: "Failed to configure value converter", cause: errors.New(errs[0])}
	}
	// Worker.startTask configures the key converter, then the value
	// converter; a ConfigException of either fails the task as it is.
	for _, c := range []recordConverter{t.keyConv, t.valConv} {
		if ce := configureError(c); ce != nil {
			return &taskError{msg: ce.Msg, class: ce.Class}
		}
	}
	var err error
	if t.stages, err = buildStages(t.props); err != nil {
		return &taskError{msg: err.Error(), cause: err}
	}
	if t.hdrConv, err = newHeaderConverter(t.props); err != nil {
		return &taskError{msg: "Failed to configure header converter", cause: err}
	}
	base := sourceConnectorConfigDef().validateAll(t.props)
	t.tolerateAll = strings.EqualFold(fmt.Sprint(base["errors.tolerance"].Value), "all")
	t.errLog, _ = base["errors.log.enable"].Value.(bool)
	t.errLogMessages, _ = base["errors.log.include.messages"].Value.(bool)
	tables, err := parseTableList(t.props["tables"])
	if err != nil {
		return &taskError{msg: "Invalid task configuration", cause: err}
	}
	pgcfg, err := parseJDBCURL(t.cfg.URL, t.cfg.User, t.cfg.Password, t.w.network())
	if err != nil {
		return &taskError{msg: err.Error()}
	}

	t.producer, err = t.newProducer()
	if err != nil {
		return &taskError{msg: "Failed to create producer", cause: err}
	}
	defer t.closeProducer()
	// On every exit, failed or stopped, commit the offsets of the records
	// already acknowledged (WorkerSourceTask.finalOffsetCommit).
	t.lastFlush = time.Now()
	defer t.flushOffsets()

	if err := t.connect(ctx, pgcfg); err != nil {
		return err
	}
	defer func() { _ = t.conn.Close(context.Background()) }()

	queriers := make([]*querier, 0, len(tables))
	for _, tbl := range tables {
		q, err := t.newQuerier(ctx, tbl)
		if err != nil {
			return err
		}
		queriers = append(queriers, q)
	}
	if t.cfg.Query != "" {
		q, err := t.newQueryQuerier(ctx)
		if err != nil {
			return err
		}
		queriers = append(queriers, q)
	}
	// Resume from the committed offsets (read_committed replay, which reads
	// offsets written with or without transactions).
	if len(queriers) > 0 {
		if err := t.w.refreshOffsets(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return &taskError{msg: "Failed to read offsets", cause: err}
		}
		for _, q := range queriers {
			if q.query != "" {
				q.offset, err = t.w.partitionOffset(t.connector, q.partition)
			} else {
				q.offset, err = t.w.tableOffset(t.connector, q.table)
			}
			if err != nil {
				return &taskError{msg: "Failed to read offsets", cause: err}
			}
		}
	}
	t.w.putTaskStatus(t.connector, t.id, stateRunning, "")

	for {
		if len(queriers) == 0 {
			<-ctx.Done()
			return nil
		}
		next := queriers[0]
		for _, q := range queriers[1:] {
			if q.nextRun.Before(next.nextRun) {
				next = q
			}
		}
		wake := next.nextRun
		if due, ok := t.flushDue(); ok && due.Before(wake) {
			wake = due
		}
		if wait := time.Until(wake); wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil
			case <-timer.C:
			}
		}
		t.maybeFlush()
		if time.Now().Before(next.nextRun) {
			continue
		}
		if err := t.pollWithRetry(ctx, next, pgcfg); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// connect opens the task's connection: connection.attempts tries,
// connection.backoff.ms apart.
func (t *sourceTask) connect(ctx context.Context, pgcfg *pgx.ConnConfig) error {
	conn, err := connectWithRetry(ctx, pgcfg, t.cfg.Attempts, t.cfg.Backoff)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &taskError{msg: fmt.Sprintf("Failed to connect to %s after %d attempts", t.cfg.URL, t.cfg.Attempts), cause: err}
	}
	t.conn = conn
	return nil
}

func (t *sourceTask) newQuerier(ctx context.Context, tbl tableID) (*querier, error) {
	cols, skipped, err := tableColumns(ctx, t.conn, tbl, t.cfg.NumericMapping)
	if err != nil {
		return nil, &taskError{msg: "Failed to read table metadata", cause: err}
	}
	for _, s := range skipped {
		t.w.log.Warn("JDBC type is not currently supported; column skipped", "table", tbl.fqn(), "column", s)
	}
	cfg := t.cfg
	if cfg.IncColumn == "" && (cfg.Mode == modeIncrementing || cfg.Mode == modeTimestampIncrementing) {
		// TimestampIncrementingTableQuerier.findDefaultAutoIncrementingColumn:
		// an empty incrementing.column.name means the table's first
		// auto-incrementing column.
		name, err := autoIncrementColumn(ctx, t.conn, tbl)
		if err != nil {
			return nil, &taskError{msg: "Failed to read table metadata", cause: sqlWrap(err)}
		}
		if name == "" {
			// With none, the connector builds no criteria: every poll
			// copies the whole table, and the offset is an empty map.
			t.w.log.Warn("no auto-incrementing column; every poll copies the whole table", "connector", t.connector, "table", tbl.fqn())
		}
		c := *cfg
		c.IncColumn = name
		cfg = &c
	}
	q, err := newQuerier(tbl, cols, cfg)
	var ce *configException
	if errors.As(err, &ce) {
		return nil, &taskError{msg: ce.msg, class: "org.apache.kafka.common.config.ConfigException"}
	}
	if err != nil {
		return nil, &taskError{msg: err.Error()}
	}
	return q, nil
}

// newQueryQuerier prepares custom query mode: the columns come from the
// description of the statement the querier will run.
func (t *sourceTask) newQueryQuerier(ctx context.Context) (*querier, error) {
	stmt, _ := newQueryQuerier(nil, nil, t.cfg).statement(time.Now(), t.cfg.TsDelay, t.cfg.TimeZone)
	cols, pos, skipped, err := queryColumns(ctx, t.conn, stmt, t.cfg.NumericMapping)
	if err != nil {
		return nil, &taskError{msg: "Failed to read query metadata", cause: sqlWrap(err)}
	}
	for _, s := range skipped {
		t.w.log.Warn("JDBC type is not currently supported; column skipped", "query", t.cfg.Query, "column", s)
	}
	return newQueryQuerier(cols, pos, t.cfg), nil
}

// dbError marks a database failure that a reconnect may cure.
type dbError struct{ err error }

func (e *dbError) Error() string { return e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

// pollWithRetry polls one table; on a database error it reconnects (with
// the connection attempts and backoff) and tries once more before failing.
func (t *sourceTask) pollWithRetry(ctx context.Context, q *querier, pgcfg *pgx.ConnConfig) error {
	err := t.poll(ctx, q)
	var de *dbError
	if !errors.As(err, &de) || ctx.Err() != nil {
		return err
	}
	t.w.log.Warn("query failed; reconnecting", "connector", t.connector, "task", t.id, "source", q.source(), "err", err)
	_ = t.conn.Close(context.Background())
	if err := t.connect(ctx, pgcfg); err != nil {
		return err
	}
	err = t.poll(ctx, q)
	if errors.As(err, &de) {
		return &taskError{msg: "Failed to query " + q.source(), cause: de.err}
	}
	return err
}

// poll runs the table's query and writes its rows in batches of
// batch.max.rows (what one JdbcSourceTask.poll returns).
func (t *sourceTask) poll(ctx context.Context, q *querier) error {
	var now time.Time
	if q.mode == modeTimestamp || q.mode == modeTimestampIncrementing {
		if err := t.conn.QueryRow(ctx, "SELECT CURRENT_TIMESTAMP").Scan(&now); err != nil {
			return &dbError{err: sqlWrap(err)}
		}
	}
	stmt, args := q.statement(now, t.cfg.TsDelay, t.cfg.TimeZone)
	rows, err := t.conn.Query(ctx, stmt, q.args(args)...)
	if err != nil {
		return &dbError{err: sqlWrap(err)}
	}
	defer rows.Close()
	batch := make([]*kgo.Record, 0, t.cfg.BatchMaxRows)
	var last tableOffset
	rowsInBatch := 0
	for rows.Next() {
		raw, err := rows.Values()
		if err != nil {
			return &dbError{err: sqlWrap(err)}
		}
		vals := make([]any, len(q.cols))
		for i := range q.cols {
			v, err := q.cols[i].convert(q.rowValue(rows, raw, i), t.cfg.TimeZone)
			if err != nil {
				return &taskError{msg: "Failed to convert row of " + q.source(), cause: err}
			}
			vals[i] = v
		}
		if q.mode != modeBulk {
			if last, err = q.rowOffset(vals); err != nil {
				return &taskError{msg: err.Error()}
			}
		}
		rec := &transforms.Record{Topic: q.topic, ValueSchema: q.value, Value: &structValue{Schema: q.value, Values: vals}}
		if len(t.stages) > 0 {
			rec.Source = sourceRecordString(q, last)
		}
		out, err := t.transformRecord(rec)
		if err != nil {
			return err
		}
		if out != nil {
			pr, err := t.convertRecord(rec, out)
			if err != nil {
				return err
			}
			if pr != nil {
				batch = append(batch, pr)
			}
		}
		// A batch is one poll of batch.max.rows rows, whether or not the
		// chain dropped some of them; its offset covers them all.
		if rowsInBatch++; rowsInBatch == t.cfg.BatchMaxRows {
			rowsInBatch = 0
			if err := t.send(ctx, q, batch, last); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return &dbError{err: sqlWrap(err)}
	}
	if rowsInBatch > 0 {
		if err := t.send(ctx, q, batch, last); err != nil {
			return err
		}
	}
	q.nextRun = time.Now().Add(t.cfg.PollInterval)
	return nil
}

func sqlWrap(err error) error {
	return &sqlError{err: err, msg: "org.postgresql.util.PSQLException: " + err.Error()}
}
