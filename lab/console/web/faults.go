package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"
)

// Fault is an action the lab offers on its embedded stack.
type Fault struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	// Path is POSTed to the lab's control URL.
	Path string `json:"-"`
}

// faultsView is GET /api/faults.
type faultsView struct {
	Faults []Fault `json:"faults"`
	// Why is set when no fault is offered.
	Why string `json:"why,omitempty"`
}

func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	if s.control == "" || len(s.faults) == 0 {
		writeJSON(w, http.StatusOK, faultsView{Faults: []Fault{}, Why: s.noFaults})
		return
	}
	writeJSON(w, http.StatusOK, faultsView{Faults: s.faults})
}

// handleFault runs one fault action and answers once the lab has done it,
// with the lab's answer.
func (s *Server) handleFault(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var f *Fault
	for i := range s.faults {
		if s.faults[i].Name == name {
			f = &s.faults[i]
		}
	}
	if s.control == "" || f == nil {
		writeError(w, http.StatusNotFound, "no fault action %q here: %s", name, s.faultsText())
		return
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.control+f.Path, nil)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		writeError(w, http.StatusBadGateway, "the lab's control listener did not answer: %v", err)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, io.LimitReader(resp.Body, 1<<20))
}

func (s *Server) faultsText() string {
	if s.control == "" {
		return s.noFaults
	}
	return "this lab offers " + s.faultNames()
}

func (s *Server) faultNames() string {
	var names []string
	for _, f := range s.faults {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}
