package connect

import (
	"context"
	"errors"
	"strings"
	"time"
)

// JDBC source modes.
const (
	modeBulk                  = "bulk"
	modeIncrementing          = "incrementing"
	modeTimestamp             = "timestamp"
	modeTimestampIncrementing = "timestamp+incrementing"
)

// jdbcConfigDef is the JdbcSourceConnectorConfig key set this connector
// honours (kafka-connect-jdbc 10.8), with the original defaults.
func jdbcConfigDef() *configDef {
	const db, mode, conn = "Database", "Mode", "Connector"
	d := newConfigDef()
	d.define(configKey{Name: "connection.url", Type: cfgString, Required: true, Importance: "HIGH", Group: db, Order: 1, Width: "LONG", Display: "JDBC URL",
		Doc: "JDBC connection URL.\nFor example: ``jdbc:oracle:thin:@localhost:1521:orclpdb1``, ``jdbc:mysql://localhost/db_name``, ``jdbc:sqlserver://localhost;instance=SQLEXPRESS;databaseName=db_name``", Dependents: []string{"table.whitelist", "table.blacklist"}})
	d.define(configKey{Name: "connection.user", Type: cfgString, Importance: "HIGH", Group: db, Order: 2, Width: "LONG", Display: "JDBC User", Doc: "JDBC connection user."})
	d.define(configKey{Name: "connection.password", Type: cfgPassword, Importance: "HIGH", Group: db, Order: 3, Width: "SHORT", Display: "JDBC Password", Doc: "JDBC connection password."})
	d.define(configKey{Name: "connection.attempts", Type: cfgInt, Default: int32(3), Importance: "LOW", Group: db, Order: 4, Width: "SHORT", Display: "JDBC connection attempts",
		Doc: "Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.", Validator: atLeast(1)})
	d.define(configKey{Name: "connection.backoff.ms", Type: cfgLong, Default: int64(10000), Importance: "LOW", Group: db, Order: 5, Width: "SHORT", Display: "JDBC connection backoff in milliseconds",
		Doc: "Backoff time in milliseconds between connection attempts."})
	d.define(configKey{Name: "table.whitelist", Type: cfgList, Default: []string{}, Importance: "MEDIUM", Group: db, Order: 6, Width: "LONG", Display: "Table Whitelist",
		Doc: "List of tables to include in copying. If specified, ``table.blacklist`` may not be set. Use a comma-separated list to specify multiple tables (for example, ``table.whitelist: \"User, Address, Email\"``)."})
	d.define(configKey{Name: "table.blacklist", Type: cfgList, Default: []string{}, Importance: "MEDIUM", Group: db, Order: 7, Width: "LONG", Display: "Table Blacklist",
		Doc: "List of tables to exclude from copying. If specified, ``table.whitelist`` may not be set. Use a comma-separated list to specify multiple tables (for example, ``table.blacklist: \"User, Address, Email\"``)."})
	d.define(configKey{Name: "catalog.pattern", Type: cfgString, Importance: "MEDIUM", Group: db, Order: 8, Width: "SHORT", Display: "Schema pattern",
		Doc: "Catalog pattern to fetch table metadata from the database."})
	d.define(configKey{Name: "schema.pattern", Type: cfgString, Importance: "HIGH", Group: db, Order: 9, Width: "SHORT", Display: "Schema pattern",
		Doc: "Schema pattern to fetch table metadata from the database."})
	d.define(configKey{Name: "numeric.precision.mapping", Type: cfgBoolean, Default: false, Importance: "LOW", Group: db, Order: 10, Width: "SHORT", Display: "Map Numeric Values By Precision (deprecated)",
		Doc: "Whether or not to attempt mapping NUMERIC values by precision to integral types. This option is now deprecated."})
	d.define(configKey{Name: "numeric.mapping", Type: cfgString, Importance: "LOW", Group: db, Order: 11, Width: "SHORT", Display: "Map Numeric Values, Integral or Decimal, By Precision and Scale",
		Doc: "Map NUMERIC values by precision and optionally scale to integral or decimal types.", Validator: enumRecommender("none", "precision_only", "best_fit", "best_fit_eager_double")})
	d.define(configKey{Name: "dialect.name", Type: cfgString, Default: "", Importance: "LOW", Group: db, Order: 12, Width: "LONG", Display: "Database Dialect",
		Doc: "The name of the database dialect that should be used for this connector.", Validator: validString("", "PostgreSqlDatabaseDialect")})
	d.define(configKey{Name: "mode", Type: cfgString, Default: "", Importance: "HIGH", Group: mode, Order: 1, Width: "MEDIUM", Display: "Table Loading Mode",
		Doc:        "The mode for updating a table each time it is polled. Options include:\n  * bulk: perform a bulk load of the entire table each time it is polled\n  * incrementing: use a strictly incrementing column on each table to detect only new rows. Note that this will not detect modifications or deletions of existing rows.\n  * timestamp: use a timestamp (or timestamp-like) column to detect new and modified rows. This assumes the column is updated with each write, and that values are monotonically incrementing, but not necessarily unique.\n  * timestamp+incrementing: use two columns, a timestamp column that detects new and modified rows and a strictly incrementing column which provides a globally unique ID for updates so each row can be assigned a unique stream offset.",
		Dependents: []string{"incrementing.column.name", "timestamp.column.name", "validate.non.null"},
		Validator:  validString("", modeBulk, modeTimestamp, modeIncrementing, modeTimestampIncrementing)})
	d.define(configKey{Name: "incrementing.column.name", Type: cfgString, Default: "", Importance: "MEDIUM", Group: mode, Order: 2, Width: "MEDIUM", Display: "Incrementing Column Name",
		Doc: "The name of the strictly incrementing column to use to detect new rows. Any empty value indicates the column should be autodetected by looking for an auto-incrementing column. This column may not be nullable."})
	d.define(configKey{Name: "timestamp.column.name", Type: cfgList, Default: []string{}, Importance: "MEDIUM", Group: mode, Order: 3, Width: "MEDIUM", Display: "Timestamp Column Name",
		Doc: "Comma separated list of one or more timestamp columns to detect new or modified rows using the COALESCE SQL function. Rows whose first non-null timestamp value is greater than the largest previous timestamp value seen will be discovered with each poll. At least one column should not be nullable."})
	d.define(configKey{Name: "validate.non.null", Type: cfgBoolean, Default: true, Importance: "LOW", Group: mode, Order: 4, Width: "SHORT", Display: "Validate Non Null",
		Doc: "By default, the JDBC connector will validate that all incrementing and timestamp tables have NOT NULL set for the columns being used as their ID/timestamp. If the tables don't, JDBC connector will fail to start. Setting this to false will disable these checks."})
	d.define(configKey{Name: "query", Type: cfgString, Default: "", Importance: "MEDIUM", Group: mode, Order: 5, Width: "SHORT", Display: "Query",
		Doc: "If specified, the query to perform to select new or updated rows."})
	d.define(configKey{Name: "quote.sql.identifiers", Type: cfgString, Default: "ALWAYS", Importance: "MEDIUM", Group: mode, Order: 6, Width: "MEDIUM", Display: "Quote Identifiers",
		Doc: "When to quote table names, column names, and other identifiers in SQL statements. For backward compatibility, the default is ``always``."})
	d.define(configKey{Name: "query.suffix", Type: cfgString, Default: "", Importance: "LOW", Group: mode, Order: 7, Width: "MEDIUM", Display: "Query suffix",
		Doc: "Suffix to append at the end of the generated query."})
	d.define(configKey{Name: "table.types", Type: cfgList, Default: []string{"TABLE"}, Importance: "LOW", Group: conn, Order: 1, Width: "MEDIUM", Display: "Table Types",
		Doc: "By default, the JDBC connector will only detect tables with type TABLE from the source Database. This config allows a command separated list of table types to extract."})
	d.define(configKey{Name: "poll.interval.ms", Type: cfgInt, Default: int32(5000), Importance: "HIGH", Group: conn, Order: 2, Width: "SHORT", Display: "Poll Interval (ms)",
		Doc: "Frequency in ms to poll for new data in each table."})
	d.define(configKey{Name: "batch.max.rows", Type: cfgInt, Default: int32(100), Importance: "LOW", Group: conn, Order: 3, Width: "SHORT", Display: "Max Rows Per Batch",
		Doc: "Maximum number of rows to include in a single batch when polling for new data. This setting can be used to limit the amount of data buffered internally in the connector."})
	d.define(configKey{Name: "table.poll.interval.ms", Type: cfgLong, Default: int64(60000), Importance: "LOW", Group: conn, Order: 4, Width: "SHORT", Display: "Metadata Change Monitoring Interval (ms)",
		Doc: "Frequency in ms to poll for new or removed tables, which may result in updated task configurations to start polling for data in added tables or stop polling for data in removed tables."})
	d.define(configKey{Name: "topic.prefix", Type: cfgString, Required: true, Importance: "HIGH", Group: conn, Order: 5, Width: "MEDIUM", Display: "Topic Prefix",
		Doc: "Prefix to prepend to table names to generate the name of the Kafka topic to publish data to, or in the case of a custom query, the full name of the topic to publish to."})
	d.define(configKey{Name: "timestamp.delay.interval.ms", Type: cfgLong, Default: int64(0), Importance: "HIGH", Group: conn, Order: 6, Width: "MEDIUM", Display: "Delay Interval (ms)",
		Doc: "How long to wait after a row with certain timestamp appears before we include it in the result."})
	d.define(configKey{Name: "db.timezone", Type: cfgString, Default: "UTC", Importance: "MEDIUM", Group: conn, Order: 7, Width: "MEDIUM", Display: "DB time zone",
		Doc: "Name of the JDBC timezone used in the connector when querying with time-based criteria. Defaults to UTC.",
		Validator: func(v any) string {
			if _, err := time.LoadLocation(v.(string)); err != nil {
				return "Invalid time zone identifier"
			}
			return ""
		}})
	return d
}

// jdbcConfig is a parsed, valid JDBC source configuration.
type jdbcConfig struct {
	URL             string
	User            string
	Password        string
	Attempts        int
	Backoff         time.Duration
	Whitelist       []string
	Blacklist       []string
	SchemaPattern   string // "" means any
	Mode            string
	IncColumn       string
	TsColumns       []string
	ValidateNonNull bool
	TableTypes      []string
	PollInterval    time.Duration
	BatchMaxRows    int
	TablePoll       time.Duration
	TopicPrefix     string
	TsDelay         time.Duration
	NumericMapping  string // none, precision_only, best_fit, best_fit_eager_double
	TimeZone        *time.Location
	Query           string // custom query mode when not ""
	QuerySuffix     string
}

// parseJDBCConfig reads validated values.
func parseJDBCConfig(v map[string]*configValue) *jdbcConfig {
	str := func(k string) string {
		switch x := v[k].Value.(type) {
		case string:
			return x
		case password:
			return string(x)
		}
		return ""
	}
	list := func(k string) []string { l, _ := v[k].Value.([]string); return l }
	i32 := func(k string) int { n, _ := v[k].Value.(int32); return int(n) }
	i64 := func(k string) int64 { n, _ := v[k].Value.(int64); return n }
	c := &jdbcConfig{
		URL:             str("connection.url"),
		User:            str("connection.user"),
		Password:        str("connection.password"),
		Attempts:        i32("connection.attempts"),
		Backoff:         time.Duration(i64("connection.backoff.ms")) * time.Millisecond,
		Whitelist:       list("table.whitelist"),
		Blacklist:       list("table.blacklist"),
		SchemaPattern:   str("schema.pattern"),
		Mode:            str("mode"),
		IncColumn:       str("incrementing.column.name"),
		TsColumns:       list("timestamp.column.name"),
		TableTypes:      list("table.types"),
		PollInterval:    time.Duration(i32("poll.interval.ms")) * time.Millisecond,
		BatchMaxRows:    i32("batch.max.rows"),
		TablePoll:       time.Duration(i64("table.poll.interval.ms")) * time.Millisecond,
		TopicPrefix:     str("topic.prefix"),
		TsDelay:         time.Duration(i64("timestamp.delay.interval.ms")) * time.Millisecond,
		NumericMapping:  strings.ToLower(str("numeric.mapping")),
		Query:           str("query"),
		QuerySuffix:     strings.TrimSpace(str("query.suffix")),
		ValidateNonNull: true,
	}
	if b, ok := v["validate.non.null"].Value.(bool); ok {
		c.ValidateNonNull = b
	}
	if c.NumericMapping == "" {
		c.NumericMapping = "none"
		if b, _ := v["numeric.precision.mapping"].Value.(bool); b {
			c.NumericMapping = "precision_only"
		}
	}
	if c.BatchMaxRows < 1 {
		c.BatchMaxRows = 1
	}
	loc, err := time.LoadLocation(str("db.timezone"))
	if err != nil {
		loc = time.UTC
	}
	c.TimeZone = loc
	return c
}

// validateJDBC adds the connector-specific errors: mode and its columns,
// exclusive table lists, what this connector does not support, and the
// TableRecommender's connection check against the database.
func validateJDBC(ctx context.Context, props map[string]string, v map[string]*configValue, nw network) {
	modeVal := v["mode"]
	mode, _ := modeVal.Value.(string)
	dependents := []string{"incrementing.column.name", "timestamp.column.name", "validate.non.null"}
	if len(modeVal.Errors) == 0 {
		// ModeDependentsRecommender.visible
		for _, k := range dependents {
			cv := v[k]
			switch mode {
			case "":
				cv.addError("Query mode must be specified")
			case modeBulk:
				cv.Visible = false
			case modeTimestamp:
				cv.Visible = k != "incrementing.column.name"
			case modeIncrementing:
				cv.Visible = k != "timestamp.column.name"
			}
		}
	}
	// The 10.8.4 connector validates no more than this: an empty
	// incrementing.column.name means the table's auto-incrementing column,
	// and a timestamp mode without timestamp columns fails its task (see
	// newQuerier).
	// A white- and blacklist together, or either next to a query, pass
	// validation and fail JdbcSourceConnector.start (see startConnector).
	if q, _ := v["quote.sql.identifiers"].Value.(string); q != "" && !strings.EqualFold(q, "always") {
		v["quote.sql.identifiers"].addError("Invalid value " + q + " for configuration quote.sql.identifiers: only ALWAYS is supported by this worker")
	}
	for _, t := range listValue(v["table.types"]) {
		if _, ok := relkinds[strings.ToUpper(t)]; !ok {
			v["table.types"].addError("Invalid value " + t + " for configuration table.types: table type is not supported by this worker; use TABLE, VIEW, MATERIALIZED VIEW or PARTITIONED TABLE")
		}
	}
	// TableRecommender: open a connection to list tables.
	urlVal := v["connection.url"]
	if len(urlVal.Errors) > 0 {
		return
	}
	raw, _ := urlVal.Value.(string)
	user, _ := v["connection.user"].Value.(string)
	pw, _ := v["connection.password"].Value.(password)
	cfg, err := parseJDBCURL(raw, user, string(pw), nw)
	if err != nil {
		var ue *urlError
		if errors.As(err, &ue) && strings.HasPrefix(ue.msg, "Not a valid JDBC URL") {
			urlVal.addError(ue.msg)
			return
		}
		msg := "Invalid value " + err.Error() + " for configuration Couldn't open connection to " + raw
		v["table.whitelist"].addError(msg)
		v["table.blacklist"].addError(msg)
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	conn, err := connectOnce(cctx, cfg)
	if err != nil {
		msg := "Invalid value " + err.Error() + " for configuration Couldn't open connection to " + raw
		v["table.whitelist"].addError(msg)
		v["table.blacklist"].addError(msg)
		return
	}
	_ = conn.Close(context.Background())
}

func listValue(cv *configValue) []string {
	l, _ := cv.Value.([]string)
	return l
}

// enumRecommender is kafka-connect-jdbc's EnumRecommender as a validator:
// a value must be one of the options in lower or in upper case.
func enumRecommender(options ...string) func(any) string {
	return func(v any) string {
		s, _ := v.(string)
		for _, o := range options {
			if s == o || s == strings.ToUpper(o) {
				return ""
			}
		}
		return "Invalid enumerator"
	}
}

// exclusiveTablesError is the ConnectException of JdbcSourceConnector.start
// (10.8.4) for table settings that cannot go together, or "".
func exclusiveTablesError(cfg *jdbcConfig) string {
	if len(cfg.Whitelist) > 0 && len(cfg.Blacklist) > 0 {
		return "table.whitelist and table.blacklist are exclusive."
	}
	if cfg.Query != "" && (len(cfg.Whitelist) > 0 || len(cfg.Blacklist) > 0) {
		return "query may not be combined with whole-table copying settings."
	}
	return ""
}
