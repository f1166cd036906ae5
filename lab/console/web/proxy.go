package web

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
)

// proxy passes requests under prefix through to the service at base,
// unchanged but for the path, and its answers back unchanged: a refusal
// keeps the service's own status and error body. Responses are flushed as
// they come, so that ksqlDB's /query-stream rows arrive live. rt carries
// the service's credentials (basic auth replaces any the request has).
func (s *Server) proxy(prefix, base, what string, rt http.RoundTripper) http.Handler {
	if base == "" {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusServiceUnavailable, "this console was started without %s's URL", what)
		})
	}
	target, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusServiceUnavailable, "%s's URL %q: %v", what, base, err)
		})
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Path = strings.TrimPrefix(pr.In.URL.Path, prefix)
			pr.Out.URL.RawPath = ""
			pr.SetURL(target)
			pr.Out.Host = target.Host
		},
		Transport:     rt,
		FlushInterval: -1,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return
			}
			s.log.Warn("console pass-through failed", "service", what, "path", r.URL.Path, "err", err)
			writeError(w, http.StatusBadGateway, "%s at %s did not answer: %v", what, base, err)
		},
	}
	return rp
}
