package dashboard

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// hub holds the live clients; each has a one-slot mailbox that always keeps
// the newest update.
type hub struct {
	mu      sync.Mutex
	clients map[chan []byte]struct{}
}

func newHub() *hub { return &hub{clients: map[chan []byte]struct{}{}} }

func (h *hub) add() chan []byte {
	ch := make(chan []byte, 1)
	h.mu.Lock()
	h.clients[ch] = struct{}{}
	h.mu.Unlock()
	return ch
}

func (h *hub) remove(ch chan []byte) {
	h.mu.Lock()
	delete(h.clients, ch)
	h.mu.Unlock()
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// broadcast replaces every client's pending update with msg.
func (h *hub) broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.clients {
		select {
		case <-ch:
		default:
		}
		ch <- msg // the hub is the only sender, so this never blocks
	}
}

// liveEvent renders the live part of the page as one Server-Sent Event.
func (s *Server) liveEvent() ([]byte, error) {
	version, updated := s.model.Version()
	html, err := render("live", newPageData(s.model.Status(), updated))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(html) + len(html)/20)
	b.WriteString("event: update\nid: ")
	b.WriteString(strconv.FormatUint(version, 10))
	b.WriteByte('\n')
	for line := range bytes.Lines(html) {
		b.WriteString("data: ")
		b.Write(bytes.TrimRight(line, "\r\n"))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// handleEvents streams the live part of the page as Server-Sent Events:
// the current state first, then every (coalesced) change.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	ch := s.hub.add()
	defer s.hub.remove(ch)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	first, err := s.liveEvent()
	if err != nil {
		s.log.Error("render live update", "err", err)
		return
	}
	if _, err := fmt.Fprintf(w, "retry: 2000\n%s", first); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		var msg []byte
		select {
		case <-r.Context().Done():
			return
		case <-s.stopLive:
			return
		case <-keepalive.C:
			msg = []byte(": keepalive\n\n")
		case msg = <-ch:
		}
		if _, err := w.Write(msg); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}
