package restproxy

import "net/http"

func (p *Proxy) consumerRoutes(mux *http.ServeMux) {}
