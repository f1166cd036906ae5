package connect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// jdbcProtocol is DatabaseDialects.PROTOCOL_PATTERN: jdbc:<subprotocol>:<subname>.
var jdbcProtocol = regexp.MustCompile(`^jdbc:([^:]+):(.*)$`)

// errNotJDBC and errNoDriver carry the real connector's messages.
type urlError struct{ msg string }

func (e *urlError) Error() string { return e.msg }

// parseJDBCURL turns a pgjdbc URL (jdbc:postgresql://host[:port][,host2...]/db?k=v,
// jdbc:postgresql:db, jdbc:postgresql:/) plus connection.user/password into
// a pgx configuration. Query parameters user, password, sslmode, ssl,
// connectTimeout, ApplicationName, currentSchema and options are honoured;
// like pgjdbc, URL parameters win over the connector's user and password.
func parseJDBCURL(raw, user, pass string, nw network) (*pgx.ConnConfig, error) {
	m := jdbcProtocol.FindStringSubmatch(raw)
	if m == nil {
		return nil, &urlError{"Not a valid JDBC URL: " + raw}
	}
	if m[1] != "postgresql" {
		return nil, &urlError{"java.sql.SQLException: No suitable driver found for " + raw}
	}
	rest := m[2]
	hosts := "localhost:5432"
	db := ""
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		slash := strings.IndexByte(rest, '/')
		if slash < 0 {
			return nil, &urlError{"java.sql.SQLException: No suitable driver found for " + raw}
		}
		if h := rest[:slash]; h != "" {
			hosts = h
		}
		db = rest[slash+1:]
	} else {
		db = strings.TrimPrefix(rest, "/")
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, &urlError{"java.sql.SQLException: No suitable driver found for " + raw}
	}
	if v := params.Get("user"); v != "" {
		user = v
	}
	if v := params.Get("password"); v != "" {
		pass = v
	}
	if db == "" {
		db = user
	}
	var hostList, portList []string
	for _, hp := range strings.Split(hosts, ",") {
		host, port := hp, "5432"
		if strings.HasPrefix(hp, "[") { // [ipv6]:port
			if end := strings.Index(hp, "]"); end > 0 {
				host = hp[1:end]
				if p := strings.TrimPrefix(hp[end+1:], ":"); p != "" {
					port = p
				}
			}
		} else if i := strings.LastIndexByte(hp, ':'); i >= 0 {
			host, port = hp[:i], hp[i+1:]
		}
		if _, err := strconv.Atoi(port); err != nil {
			return nil, &urlError{"java.sql.SQLException: No suitable driver found for " + raw}
		}
		hostList = append(hostList, host)
		portList = append(portList, port)
	}
	sslmode := "prefer"
	if strings.EqualFold(params.Get("ssl"), "true") {
		sslmode = "verify-full"
	}
	if v := params.Get("sslmode"); v != "" {
		sslmode = v
	}
	connectTimeout := 10
	if v := params.Get("connectTimeout"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			connectTimeout = n
		}
	}
	dsn := url.URL{
		Scheme: "postgres",
		Host:   joinHosts(hostList, portList),
		Path:   "/" + db,
	}
	if user != "" {
		if pass != "" {
			dsn.User = url.UserPassword(user, pass)
		} else {
			dsn.User = url.User(user)
		}
	}
	q := url.Values{}
	q.Set("sslmode", sslmode)
	if connectTimeout > 0 {
		q.Set("connect_timeout", strconv.Itoa(connectTimeout))
	}
	dsn.RawQuery = q.Encode()
	cfg, err := pgx.ParseConfig(dsn.String())
	if err != nil {
		return nil, &urlError{"java.sql.SQLException: No suitable driver found for " + raw}
	}
	// Values decoded as pgjdbc decodes them (URLDecoder: %XX and '+' for a
	// space) go to the startup packet as they are, not through a libpq URL,
	// which reads '+' literally.
	cfg.RuntimeParams["application_name"] = "PostgreSQL JDBC Driver"
	if v := params.Get("ApplicationName"); v != "" {
		cfg.RuntimeParams["application_name"] = v
	}
	if v := params.Get("currentSchema"); v != "" {
		cfg.RuntimeParams["search_path"] = v
	}
	if v := params.Get("options"); v != "" {
		cfg.RuntimeParams["options"] = v
	}
	cfg.RuntimeParams["TimeZone"] = "UTC"
	nw.apply(cfg)
	return cfg, nil
}

func joinHosts(hosts, ports []string) string {
	parts := make([]string, len(hosts))
	for i := range hosts {
		parts[i] = net.JoinHostPort(hosts[i], ports[i])
	}
	return strings.Join(parts, ",")
}

// connectOnce opens one connection, its error phrased as pgjdbc phrases it.
func connectOnce(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, &sqlError{err: err, msg: pgjdbcMessage(cfg, err)}
	}
	return conn, nil
}

// connectWithRetry is CachedConnectionProvider.newConnection: up to attempts
// tries, backoff between them.
func connectWithRetry(ctx context.Context, cfg *pgx.ConnConfig, attempts int, backoff time.Duration) (*pgx.Conn, error) {
	if attempts < 1 {
		attempts = 1
	}
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			t := time.NewTimer(backoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		}
		conn, err := connectOnce(ctx, cfg)
		if err == nil {
			return conn, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		last = err
	}
	return nil, last
}

// sqlError is a database error with pgjdbc's wording next to pgx's.
type sqlError struct {
	err error
	msg string // "org.postgresql.util.PSQLException: ..."
}

func (e *sqlError) Error() string { return e.msg }
func (e *sqlError) Unwrap() error { return e.err }

// pgjdbcMessage phrases a connection failure like pgjdbc's PSQLException.
func pgjdbcMessage(cfg *pgx.ConnConfig, err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Sprintf("org.postgresql.util.PSQLException: %s: %s", pgErr.Severity, pgErr.Message)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) || strings.Contains(err.Error(), "connect: connection refused") {
		return fmt.Sprintf("org.postgresql.util.PSQLException: Connection to %s refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
			net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	}
	return "org.postgresql.util.PSQLException: " + err.Error()
}
