package connect

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// HostResolver maps an address a connector names (host:port, e.g. the
// compose service "postgres:5432") to the address to dial, and reports
// whether it knows the name. Names it does not know are looked up as usual.
type HostResolver func(hostPort string) (addr string, ok bool)

// WithHostResolver makes the worker dial what r maps connector addresses to:
// JDBC connection URLs and converter registry URLs. The embedded stack uses
// it to answer the compose file's service names as Connect's container sees
// them on the compose network. Default: none.
func WithHostResolver(r HostResolver) Option { return func(o *options) { o.resolver = r } }

// network is how the worker reaches what connectors name.
type network struct{ resolve HostResolver }

// apply routes cfg's hosts through the resolver: pgconn's LookupFunc may
// answer host:port, which it dials as is.
func (n network) apply(cfg *pgx.ConnConfig) {
	if n.resolve == nil || cfg == nil {
		return
	}
	ports := map[string]uint16{cfg.Host: cfg.Port}
	for _, fb := range cfg.Fallbacks {
		if _, ok := ports[fb.Host]; !ok {
			ports[fb.Host] = fb.Port
		}
	}
	lookup := cfg.LookupFunc
	if lookup == nil {
		lookup = net.DefaultResolver.LookupHost
	}
	cfg.LookupFunc = func(ctx context.Context, host string) ([]string, error) {
		if p, ok := ports[host]; ok {
			if addr, ok := n.resolve(net.JoinHostPort(host, strconv.Itoa(int(p)))); ok {
				return []string{addr}, nil
			}
		}
		return lookup(ctx, host)
	}
}

// httpClient is an HTTP client whose connections go through the resolver.
func (n network) httpClient(timeout time.Duration) *http.Client {
	if n.resolve == nil {
		return &http.Client{Timeout: timeout}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if mapped, ok := n.resolve(addr); ok {
			addr = mapped
		}
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Timeout: timeout, Transport: tr}
}

// network is the worker's view of the network connectors reach.
func (w *Worker) network() network { return network{resolve: w.opts.resolver} }
