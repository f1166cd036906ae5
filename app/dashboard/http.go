package dashboard

import (
	"encoding/json"
	"net/http"
	"time"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.HandleFunc("GET /events", s.handleEvents)
	mux.HandleFunc("GET /api/status", s.handleStatus)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(staticFS)))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	return securityHeaders(mux)
}

// securityHeaders: everything the page uses is served from here; nothing
// inline runs.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handlePage(w http.ResponseWriter, _ *http.Request) {
	_, updated := s.model.Version()
	b, err := render("page", newPageData(s.model.Status(), updated))
	if err != nil {
		s.log.Error("render page", "err", err)
		http.Error(w, "cannot render the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// statusResponse is /api/status: the model, and apart from it what differs
// between two dashboards over the same topics.
type statusResponse struct {
	Status
	// Server holds wall-clock and per-process facts; /api/status?stable=1
	// leaves it out.
	Server *serverInfo `json:"server,omitempty"`
}

type serverInfo struct {
	Now         string `json:"now"`
	UpdatedAt   string `json:"updated_at,omitempty"`
	Updates     uint64 `json:"updates"`
	Ready       bool   `json:"ready"`
	LiveClients int    `json:"live_clients"`
}

func (s *Server) ready() bool {
	select {
	case <-s.consumers.ready:
		return true
	default:
		return false
	}
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	resp := statusResponse{Status: s.model.Status()}
	if stable := r.URL.Query().Get("stable"); stable == "" || stable == "0" || stable == "false" {
		version, updated := s.model.Version()
		info := &serverInfo{Now: time.Now().Format(time.RFC3339Nano), Updates: version, Ready: s.ready(), LiveClients: s.hub.count()}
		if !updated.IsZero() {
			info.UpdatedAt = updated.Format(time.RFC3339Nano)
		}
		resp.Server = info
	}
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// health is /healthz's answer.
type health struct {
	Status string `json:"status"` // "ok", "starting" or "catching_up"
	// Behind lists the partitions not yet read up to their start end offset.
	Behind []progress `json:"behind,omitempty"`
	// Absent names the inputs with no topic yet; they do not hold readiness
	// back (an absent topic has nothing to catch up with).
	Absent []string `json:"absent,omitempty"`
	Error  string   `json:"error,omitempty"`
}

func (s *Server) health() (int, health) {
	parts, _, snapshot, lastErr := s.consumers.view()
	h := health{Status: "ok", Error: lastErr}
	seen := map[*input]bool{}
	s.consumers.mu.Lock()
	for _, p := range s.consumers.parts {
		seen[p.in] = true
	}
	s.consumers.mu.Unlock()
	for _, in := range s.consumers.inputs {
		if !seen[in] {
			h.Absent = append(h.Absent, in.name)
		}
	}
	if !snapshot {
		h.Status = "starting"
		if h.Error == "" {
			h.Error = "no Kafka metadata read yet"
		}
		return http.StatusServiceUnavailable, h
	}
	for _, p := range parts {
		if p.target >= 0 && !p.caughtUp {
			h.Behind = append(h.Behind, progress{Topic: p.topic, Partition: p.partition, Position: p.pos, Target: p.target})
		}
	}
	if len(h.Behind) > 0 || !s.ready() {
		h.Status = "catching_up"
		return http.StatusServiceUnavailable, h
	}
	return http.StatusOK, h
}

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	code, h := s.health()
	writeJSON(w, code, h)
}
