package restproxy

import "net/http"

func (p *Proxy) v3Routes(mux *http.ServeMux) {}
