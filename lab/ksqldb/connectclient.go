package ksqldb

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// defaultConnectURL is KsqlConfig.DEFAULT_CONNECT_URL, ksql.connect.url's
// default.
const defaultConnectURL = "http://localhost:8083"

// connectRequestTimeout is ksql.connect.request.timeout.ms's default, the
// connect and response timeout of each request.
const connectRequestTimeout = 5 * time.Second

// connectMaxAttempts is DefaultConnectClient.MAX_ATTEMPTS.
const connectMaxAttempts = 3

// WithConnectURL sets ksql.connect.url, the Kafka Connect cluster the
// connector statements go to. Default: http://localhost:8083.
func WithConnectURL(u string) Option { return func(c *config) { c.connectURL = u } }

// WithConnectBasicAuthFile sets
// ksql.connect.basic.auth.credentials.source=FILE and
// ksql.connect.basic.auth.credentials.file=path: the server reads the
// username and password of the Java properties file at path when it starts
// and sends them to Kafka Connect as HTTP basic credentials
// (DefaultConnectClientFactory, confluentinc/ksql v7.9.0), and SHOW
// PROPERTIES lists both settings. Default: source NONE, no credentials.
func WithConnectBasicAuthFile(path string) Option {
	return func(c *config) { c.connectCredentials = &path }
}

// connectClient is ksqlDB's DefaultConnectClient: each call is tried up
// to three times while Connect answers 5xx or 409 or cannot be reached,
// and an answer with another status than the one expected is a failure
// carrying Connect's body as its error.
type connectClient struct {
	base *url.URL
	auth string
	// forward is set with no credentials configured (source NONE): a call
	// then sends the Authorization header of the request that made it
	// (withRequestAuth), as DefaultConnectClientFactory.buildAuthHeader
	// forwards the incoming request's header
	forward bool
	timeout time.Duration
	hc      *http.Client
	// badURL is set when ksql.connect.url is no URI
	badURL error
}

// requestAuthKey is the context key of the Authorization header of the
// REST request a statement came in.
type requestAuthKey struct{}

// withRequestAuth gives ctx the Authorization header of the REST request
// whose statements run under it.
func withRequestAuth(ctx context.Context, header string) context.Context {
	return context.WithValue(ctx, requestAuthKey{}, header)
}

func newConnectClient(raw, auth string, forward bool) *connectClient {
	c := newConnectClientTimeout(raw, auth, connectRequestTimeout)
	c.forward = forward
	return c
}

// newConnectClientTimeout is newConnectClient with a connect and read
// timeout other than ksql.connect.request.timeout.ms's default.
func newConnectClientTimeout(raw, auth string, timeout time.Duration) *connectClient {
	c := &connectClient{auth: auth, timeout: timeout}
	u, err := url.Parse(raw)
	if err != nil {
		c.badURL = badRequest("Could not initialize connect client due to invalid URI: " + raw)
	}
	c.base = u
	dialer := &net.Dialer{Timeout: c.timeout}
	c.hc = &http.Client{Transport: &http.Transport{
		// HttpClient 5's response timeout is the socket's read timeout
		// (SO_TIMEOUT): a Connect that stops sending, its body
		// included, fails the request with "Read timed out"
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return readTimeoutConn{Conn: conn, timeout: c.timeout}, nil
		},
		ResponseHeaderTimeout: c.timeout,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       time.Minute,
	}}
	return c
}

// readTimeoutConn fails a read that waits longer than timeout for data.
type readTimeoutConn struct {
	net.Conn
	timeout time.Duration
}

func (c readTimeoutConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// connectResponse is ConnectResponse: a body of the expected status, or
// Connect's body as the error of any other.
type connectResponse struct {
	code   int
	body   []byte
	failed bool
}

// errorText is ConnectResponse.error(): the failed answer's body.
func (r connectResponse) errorText() string { return string(r.body) }

// do sends one request with DefaultConnectClient's retries; err is a
// transport failure after the last attempt, as KsqlServerException.
func (c *connectClient) do(ctx context.Context, method, rel string, body []byte, expected ...int) (connectResponse, error) {
	if c.badURL != nil {
		return connectResponse{}, c.badURL
	}
	var last connectResponse
	var lastErr error
	for attempt := 1; attempt <= connectMaxAttempts; attempt++ {
		last, lastErr = c.once(ctx, method, rel, body, expected)
		if lastErr == nil && last.code < 500 && last.code != http.StatusConflict {
			return last, nil
		}
		if attempt < connectMaxAttempts {
			// guava-retrying's exponentialWait(): 2^attempt ms
			select {
			case <-time.After(time.Duration(1<<attempt) * time.Millisecond):
			case <-ctx.Done():
				return connectResponse{}, ctx.Err()
			}
		}
	}
	if lastErr != nil {
		return connectResponse{}, lastErr
	}
	return last, nil
}

func (c *connectClient) once(ctx context.Context, method, rel string, body []byte, expected []int) (connectResponse, error) {
	u := *c.base
	// Paths.get(connectUri.getPath(), relativePath): the path is appended
	u.Path = path.Join("/", c.base.Path, rel)
	u.RawPath = ""
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return connectResponse{}, c.transportError(ctx, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	} else if h, _ := ctx.Value(requestAuthKey{}).(string); c.forward && h != "" {
		req.Header.Set("Authorization", h)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return connectResponse{}, c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return connectResponse{}, c.transportError(ctx, err)
	}
	return connectResponse{code: resp.StatusCode, body: b, failed: !slices.Contains(expected, resp.StatusCode)}, nil
}

// connectCausedBy is ErrorMessageUtil's text for a java.net.ConnectException,
// wrapped as WordUtils.wrap(..., 80, "\n\t", true) wraps it.
const connectCausedBy = "Caused by: Could not connect to the server. Please check the server details are\n\tcorrect and that the server is running."

// transportError is the message ksqlDB's REST answer carries when the
// Apache HttpClient 5.0 request to Connect fails before an answer: the
// KsqlServerException DefaultConnectClient wraps around the client's
// exception, then the causes ErrorMessageUtil adds.
func (c *connectClient) transportError(ctx context.Context, err error) error {
	host := c.base.Hostname()
	port := c.base.Port()
	if port == "" {
		port = "80"
		if c.base.Scheme == "https" {
			port = "443"
		}
	}
	endpoint := c.base.Scheme + "://" + host + ":" + port
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: java.net.UnknownHostException: " + host + ": Name or service not known"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: org.apache.hc.client5.http.HttpHostConnectException: Connect to " +
			endpoint + " " + javaAddresses(ctx, host) + " failed: Connection refused\n" + connectCausedBy}
	case errors.As(err, &netErr) && netErr.Timeout():
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: org.apache.hc.client5.http.ConnectTimeoutException: Connect to " +
				endpoint + " " + javaAddresses(ctx, host) + " failed: Connect timed out"}
		}
		return &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: java.net.SocketTimeoutException: Read timed out"}
	}
	return &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: java.io.IOException: " + err.Error()}
}

// javaAddresses is Arrays.asList(InetAddress.getAllByName(host)) as text:
// "[name/ip, ...]", or "[/ip]" for an address literal; IPv4 first, as
// the JVM prefers them.
func javaAddresses(ctx context.Context, host string) string {
	if ip := net.ParseIP(host); ip != nil {
		return "[/" + javaIP(ip) + "]"
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(addrs) == 0 {
		return "[]"
	}
	slices.SortStableFunc(addrs, func(a, b net.IPAddr) int {
		return boolInt(a.IP.To4() == nil) - boolInt(b.IP.To4() == nil)
	})
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = host + "/" + javaIP(a.IP)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// javaIP is InetAddress.getHostAddress: dotted IPv4, or IPv6 as eight
// uncompressed hex groups.
func javaIP(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
	}
	return strings.Join(groups, ":")
}
