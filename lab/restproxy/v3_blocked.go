package restproxy

import "net/http"

// The v3 resources this proxy does not serve answer as the real one answers
// for endpoints listed in api.endpoints.blocklist (kafka-rest
// extension/ResourceAccesslistFeature.java, ThrowingFilter): GET is 404
// "HTTP 404 Not Found", any other method 405 "HTTP 405 Method Not Allowed".
func (p *Proxy) v3BlockedRoutes(mux *http.ServeMux) {
	const c = "/v3/clusters/{cluster}"
	for _, pattern := range []string{
		c + "/acls",
		c + "/acls:batch",
		c + "/brokers/{broker}/partition-replicas",
		"DELETE " + c + "/brokers/{broker}",
		"PATCH " + c + "/topics/{topic}",
		c + "/topics/-/partitions/-/reassignment",
		c + "/topics/{topic}/partitions/-/reassignment",
		c + "/topics/{topic}/partitions/{partition}/reassignment",
	} {
		mux.HandleFunc(pattern, blockedEndpoint)
	}
}

func blockedEndpoint(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		writeV3Error(w, httpError(http.StatusNotFound))
		return
	}
	writeV3Error(w, httpError(http.StatusMethodNotAllowed))
}
