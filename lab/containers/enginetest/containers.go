package enginetest

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	ctr "github.com/moby/moby/api/types/container"
	mobynet "github.com/moby/moby/api/types/network"
)

// Binding is one published port as the engine reports it.
type Binding struct {
	HostIP   string
	HostPort string
	// Bound is true when the engine listens on HostPort (the host port was
	// left to the engine).
	Bound bool
}

// ContainerView is what a test sees of a container.
type ContainerView struct {
	ID, Name, Image string
	Env             map[string]string
	Entrypoint, Cmd []string
	Labels          map[string]string
	Healthcheck     *ctr.HealthConfig
	// Ports are the published ports by container port ("9092/tcp").
	Ports map[string][]Binding
	// Networks are the networks the container is on (by name) and its
	// aliases on each.
	Networks map[string][]string
	// Binds are the host-config binds ("src:dst[:mode]") and mounts
	// ("volume:name:/dst", "bind:/src:/dst").
	Binds []string
	// Files are the files copied into the container, by path.
	Files map[string][]byte
	// State is created, running, exited or removed.
	State string
	// StartSeq orders starts (1 for the first container started; 0 if
	// never started).
	StartSeq int
}

type container struct {
	id, name string
	req      ctr.CreateRequest
	created  time.Time
	state    string // created, running, exited
	removed  bool
	health   string
	exitCode int
	startSeq int
	started  time.Time
	finished time.Time
	logs     []byte
	beh      Behaviour
	files    map[string][]byte
	// networks by network id: aliases
	networks  map[string][]string
	ports     map[string][]Binding
	listeners []net.Listener
	done      chan struct{} // closed when the container stops
	doneOnce  sync.Once
}

func (c *container) closeListeners() {
	for _, l := range c.listeners {
		_ = l.Close()
	}
	c.listeners = nil
}

func (c *container) stopped() { c.doneOnce.Do(func() { close(c.done) }) }

func (e *Engine) view(c *container) ContainerView {
	v := ContainerView{
		ID: c.id, Name: c.name, Env: map[string]string{}, Labels: map[string]string{},
		Ports: map[string][]Binding{}, Networks: map[string][]string{}, Files: map[string][]byte{},
		State: c.state, StartSeq: c.startSeq,
	}
	if c.removed {
		v.State = "removed"
	}
	if cfg := c.req.Config; cfg != nil {
		v.Image = cfg.Image
		for _, kv := range cfg.Env {
			k, val, _ := strings.Cut(kv, "=")
			v.Env[k] = val
		}
		v.Entrypoint = slices.Clone(cfg.Entrypoint)
		v.Cmd = slices.Clone(cfg.Cmd)
		for k, val := range cfg.Labels {
			v.Labels[k] = val
		}
		v.Healthcheck = cfg.Healthcheck
	}
	for p, bs := range c.ports {
		v.Ports[p] = slices.Clone(bs)
	}
	for id, aliases := range c.networks {
		name := id
		if n := e.networks[id]; n != nil {
			name = n.name
		}
		v.Networks[name] = slices.Clone(aliases)
	}
	if hc := c.req.HostConfig; hc != nil {
		v.Binds = append(v.Binds, hc.Binds...)
		for _, m := range hc.Mounts {
			v.Binds = append(v.Binds, string(m.Type)+":"+m.Source+":"+m.Target)
		}
	}
	for p, b := range c.files {
		v.Files[p] = slices.Clone(b)
	}
	return v
}

// Containers returns every container ever created, removed ones included,
// in the order of creation.
func (e *Engine) Containers() []ContainerView {
	e.mu.Lock()
	defer e.mu.Unlock()
	cs := make([]*container, 0, len(e.containers))
	for _, c := range e.containers {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].created.Before(cs[j].created) })
	out := make([]ContainerView, 0, len(cs))
	for _, c := range cs {
		out = append(out, e.view(c))
	}
	return out
}

// lookupContainer finds a live container by id, id prefix or name; e.mu is held.
func (e *Engine) lookupContainer(ref string) (*container, error) {
	ref = strings.TrimPrefix(ref, "/")
	if c, ok := e.containers[ref]; ok && !c.removed {
		return c, nil
	}
	for _, c := range e.containers {
		if c.removed {
			continue
		}
		if c.name == ref || (len(ref) >= 12 && strings.HasPrefix(c.id, ref)) {
			return c, nil
		}
	}
	return nil, errNotFound
}

func (e *Engine) routeContainers(method string, seg []string) handler {
	switch {
	case len(seg) == 2 && seg[1] == "json" && method == http.MethodGet:
		return e.containerList
	case len(seg) == 2 && seg[1] == "create" && method == http.MethodPost:
		return e.containerCreate
	case len(seg) == 2 && method == http.MethodDelete:
		return e.withContainer(seg[1], e.containerRemove)
	case len(seg) == 3:
		id := seg[1]
		switch {
		case seg[2] == "json" && method == http.MethodGet:
			return e.withContainer(id, e.containerInspect)
		case seg[2] == "start" && method == http.MethodPost:
			return e.withContainer(id, e.containerStart)
		case (seg[2] == "stop" || seg[2] == "kill") && method == http.MethodPost:
			return e.withContainer(id, e.containerStop)
		case seg[2] == "wait" && method == http.MethodPost:
			return e.withContainer(id, e.containerWait)
		case seg[2] == "logs" && method == http.MethodGet:
			return e.withContainer(id, e.containerLogs)
		case seg[2] == "archive" && method == http.MethodPut:
			return e.withContainer(id, e.containerPutArchive)
		case seg[2] == "archive" && (method == http.MethodHead || method == http.MethodGet):
			return e.withContainer(id, e.containerStatPath)
		case seg[2] == "exec" && method == http.MethodPost:
			return e.withContainer(id, e.execCreate)
		case seg[2] == "attach" && method == http.MethodPost:
			return e.withContainer(id, e.containerAttach)
		}
	}
	return nil
}

type containerHandler func(w http.ResponseWriter, r *http.Request, body []byte, c *container)

func (e *Engine) withContainer(ref string, h containerHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		e.mu.Lock()
		c, err := e.lookupContainer(ref)
		e.mu.Unlock()
		if err != nil {
			writeError(w, http.StatusNotFound, "No such container: "+ref)
			return
		}
		h(w, r, body, c)
	}
}

func (e *Engine) containerCreate(w http.ResponseWriter, r *http.Request, body []byte) {
	var req ctr.CreateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	if req.Config == nil || req.Config.Image == "" {
		writeError(w, http.StatusBadRequest, "config.Image: image is required")
		return
	}
	name := r.URL.Query().Get("name")
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.images[normalizeRef(req.Config.Image)]; !ok {
		writeError(w, http.StatusNotFound, "No such image: "+req.Config.Image)
		return
	}
	if name != "" {
		if _, err := e.lookupContainer(name); err == nil {
			writeError(w, http.StatusConflict, fmt.Sprintf("Conflict. The container name %q is already in use.", "/"+name))
			return
		}
	}
	c := &container{id: newID(), req: req, created: time.Now(), state: "created", files: map[string][]byte{},
		networks: map[string][]string{}, ports: map[string][]Binding{}, done: make(chan struct{})}
	if name == "" {
		name = "enginetest_" + c.id[:8]
	}
	c.name = name
	if req.HostConfig == nil {
		c.req.HostConfig = &ctr.HostConfig{}
	}
	mode := string(c.req.HostConfig.NetworkMode)
	for key, es := range endpoints(req.NetworkingConfig) {
		n := e.lookupNetwork(key)
		if n == nil {
			writeError(w, http.StatusNotFound, "network "+key+" not found")
			return
		}
		c.networks[n.id] = aliasesOf(es)
	}
	if len(c.networks) == 0 {
		if mode == "" || mode == "default" {
			mode = "bridge"
		}
		if n := e.lookupNetwork(mode); n != nil {
			c.networks[n.id] = nil
		}
	}
	for _, vol := range volumeNames(c.req.HostConfig) {
		if _, ok := e.volumes[vol]; !ok {
			e.volumes[vol] = &volume{name: vol, driver: "local", labels: map[string]string{}, created: time.Now()}
		}
	}
	e.containers[c.id] = c
	e.addEvent("container", "create", c.id, map[string]string{"name": c.name, "image": req.Config.Image})
	e.notify()
	writeJSON(w, http.StatusCreated, map[string]any{"Id": c.id, "Warnings": []string{}})
}

func endpoints(nc *mobynet.NetworkingConfig) map[string]*mobynet.EndpointSettings {
	if nc == nil {
		return nil
	}
	return nc.EndpointsConfig
}

func aliasesOf(es *mobynet.EndpointSettings) []string {
	if es == nil {
		return nil
	}
	return slices.Clone(es.Aliases)
}

// volumeNames are the named volumes a container mounts.
func volumeNames(hc *ctr.HostConfig) []string {
	var out []string
	for _, b := range hc.Binds {
		src, _, _ := strings.Cut(b, ":")
		if src != "" && !strings.HasPrefix(src, "/") && !strings.HasPrefix(src, ".") {
			out = append(out, src)
		}
	}
	for _, m := range hc.Mounts {
		if m.Type == "volume" && m.Source != "" {
			out = append(out, m.Source)
		}
	}
	return out
}

func (e *Engine) containerStart(w http.ResponseWriter, _ *http.Request, _ []byte, c *container) {
	e.mu.Lock()
	if c.state == "running" {
		e.mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	view := e.view(c)
	e.mu.Unlock()
	beh := e.script(view) // outside the lock: a script may look at the engine

	e.mu.Lock()
	defer e.mu.Unlock()
	ports := map[string][]Binding{}
	var listeners []net.Listener
	fail := func(msg string) {
		for _, l := range listeners {
			_ = l.Close()
		}
		writeError(w, http.StatusInternalServerError, msg)
	}
	bindings := c.req.HostConfig.PortBindings
	if c.req.HostConfig.PublishAllPorts && c.req.Config != nil {
		bindings = mobynet.PortMap{}
		for p, bs := range c.req.HostConfig.PortBindings {
			bindings[p] = bs
		}
		for p := range c.req.Config.ExposedPorts {
			if _, ok := bindings[p]; !ok {
				bindings[p] = []mobynet.PortBinding{{}}
			}
		}
	}
	for p, bs := range bindings {
		key := p.String()
		for _, b := range bs {
			hostIP := "0.0.0.0"
			if b.HostIP.IsValid() && !b.HostIP.IsUnspecified() {
				hostIP = b.HostIP.String()
			}
			if b.HostPort != "" && b.HostPort != "0" {
				ports[key] = append(ports[key], Binding{HostIP: hostIP, HostPort: b.HostPort})
				continue
			}
			ln, err := net.Listen("tcp", net.JoinHostPort(hostIP, "0"))
			if err != nil {
				fail(fmt.Sprintf("driver failed programming external connectivity on endpoint %s: %v", c.name, err))
				return
			}
			listeners = append(listeners, ln)
			_, port, _ := net.SplitHostPort(ln.Addr().String())
			ports[key] = append(ports[key], Binding{HostIP: hostIP, HostPort: port, Bound: true})
			go acceptLoop(ln, beh.Serve[key])
		}
	}
	e.seq++
	c.startSeq, c.started, c.beh, c.ports, c.listeners = e.seq, time.Now(), beh, ports, listeners
	c.logs = []byte(beh.Logs)
	c.state = "running"
	if c.req.Config != nil && c.req.Config.Healthcheck != nil && !isNone(c.req.Config.Healthcheck.Test) {
		c.health = beh.Health
		if c.health == "" {
			c.health = "healthy"
		}
	}
	e.addEvent("container", "start", c.id, map[string]string{"name": c.name})
	if beh.Exit {
		e.exit(c, beh.ExitCode)
	}
	e.notify()
	w.WriteHeader(http.StatusNoContent)
}

func isNone(test []string) bool { return len(test) > 0 && test[0] == "NONE" }

// exit marks c exited; e.mu is held.
func (e *Engine) exit(c *container, code int) {
	c.state, c.exitCode, c.finished = "exited", code, time.Now()
	c.closeListeners()
	c.stopped()
	e.addEvent("container", "die", c.id, map[string]string{"name": c.name, "exitCode": strconv.Itoa(code)})
}

func acceptLoop(ln net.Listener, serve func(net.Conn)) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		if serve == nil {
			_ = conn.Close()
			continue
		}
		go func() {
			defer conn.Close()
			serve(conn)
		}()
	}
}

func (e *Engine) containerStop(w http.ResponseWriter, _ *http.Request, _ []byte, c *container) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.state != "running" {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	e.exit(c, 137)
	e.addEvent("container", "stop", c.id, map[string]string{"name": c.name})
	e.notify()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Engine) containerRemove(w http.ResponseWriter, r *http.Request, _ []byte, c *container) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.state == "running" && r.URL.Query().Get("force") != "1" && r.URL.Query().Get("force") != "true" {
		writeError(w, http.StatusConflict, "cannot remove container \"/"+c.name+"\": container is running: stop the container before removing or force remove")
		return
	}
	if c.state == "running" {
		e.exit(c, 137)
	}
	c.removed = true
	e.addEvent("container", "destroy", c.id, map[string]string{"name": c.name})
	e.notify()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Engine) containerWait(w http.ResponseWriter, r *http.Request, _ []byte, c *container) {
	cond := r.URL.Query().Get("condition")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	e.mu.Lock()
	notRunning := c.state != "running"
	e.mu.Unlock()
	if !(cond == "not-running" && notRunning) {
		select {
		case <-c.done:
		case <-r.Context().Done():
			return
		}
	}
	e.mu.Lock()
	code := c.exitCode
	e.mu.Unlock()
	_ = json.NewEncoder(w).Encode(map[string]any{"StatusCode": code})
}

func (e *Engine) containerInspect(w http.ResponseWriter, _ *http.Request, _ []byte, c *container) {
	e.mu.Lock()
	defer e.mu.Unlock()
	writeJSON(w, http.StatusOK, e.inspect(c))
}

// inspect is GET /containers/{id}/json; e.mu is held.
func (e *Engine) inspect(c *container) ctr.InspectResponse {
	st := &ctr.State{Status: ctr.ContainerState(c.state), Running: c.state == "running", ExitCode: c.exitCode,
		StartedAt: timeText(c.started), FinishedAt: timeText(c.finished)}
	if c.state == "running" {
		st.Pid = 4242
	}
	if c.health != "" {
		st.Health = &ctr.Health{Status: ctr.HealthStatus(c.health)}
	}
	ns := &ctr.NetworkSettings{Ports: mobynet.PortMap{}, Networks: map[string]*mobynet.EndpointSettings{}}
	if c.req.Config != nil {
		for p := range c.req.Config.ExposedPorts {
			ns.Ports[p] = nil
		}
	}
	for key, bs := range c.ports {
		p, err := mobynet.ParsePort(key)
		if err != nil {
			continue
		}
		var out []mobynet.PortBinding
		for _, b := range bs {
			ip, _ := netip.ParseAddr(b.HostIP)
			out = append(out, mobynet.PortBinding{HostIP: ip, HostPort: b.HostPort})
		}
		ns.Ports[p] = out
	}
	i := 2
	for id, aliases := range c.networks {
		n := e.networks[id]
		if n == nil {
			continue
		}
		ns.Networks[n.name] = &mobynet.EndpointSettings{NetworkID: id, EndpointID: newID(), Aliases: aliases,
			Gateway: netip.AddrFrom4([4]byte{172, 18, 0, 1}), IPAddress: netip.AddrFrom4([4]byte{172, 18, 0, byte(i)}), IPPrefixLen: 16}
		i++
	}
	cfg := c.req.Config
	if cfg.Hostname == "" {
		cp := *cfg
		cp.Hostname = c.id[:12]
		cfg = &cp
	}
	var mounts []ctr.MountPoint
	for _, v := range volumeNames(c.req.HostConfig) {
		mounts = append(mounts, ctr.MountPoint{Type: "volume", Name: v, Driver: "local"})
	}
	return ctr.InspectResponse{
		ID: c.id, Created: c.created.UTC().Format(time.RFC3339Nano), Path: first(cfg.Entrypoint, cfg.Cmd), State: st,
		Image: "sha256:" + c.id, Name: "/" + c.name, Driver: "overlay2", Platform: "linux",
		HostConfig: c.req.HostConfig, Config: cfg, NetworkSettings: ns, Mounts: mounts,
	}
}

func first(lists ...[]string) string {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return ""
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (e *Engine) containerList(w http.ResponseWriter, r *http.Request, _ []byte) {
	all := r.URL.Query().Get("all") == "1" || r.URL.Query().Get("all") == "true"
	f := filters(r.URL.Query())
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []map[string]any{}
	cs := make([]*container, 0, len(e.containers))
	for _, c := range e.containers {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].created.After(cs[j].created) })
	for _, c := range cs {
		if c.removed || (!all && c.state != "running") {
			continue
		}
		if !matchLabels(c.req.Config.Labels, f["label"]) || !matchName(c.name, f["name"]) ||
			!matchAny(c.state, f["status"]) || (len(f["id"]) > 0 && !slices.ContainsFunc(f["id"], func(s string) bool { return strings.HasPrefix(c.id, s) })) {
			continue
		}
		var ports []map[string]any
		for key, bs := range c.ports {
			num, proto, _ := strings.Cut(key, "/")
			pn, _ := strconv.Atoi(num)
			for _, b := range bs {
				hp, _ := strconv.Atoi(b.HostPort)
				ports = append(ports, map[string]any{"IP": b.HostIP, "PrivatePort": pn, "PublicPort": hp, "Type": proto})
			}
		}
		nets := map[string]any{}
		for id, aliases := range c.networks {
			if n := e.networks[id]; n != nil {
				nets[n.name] = map[string]any{"NetworkID": id, "Aliases": aliases}
			}
		}
		status := c.state
		if c.health != "" {
			status = "Up (" + c.health + ")"
		}
		out = append(out, map[string]any{
			"Id": c.id, "Names": []string{"/" + c.name}, "Image": c.req.Config.Image, "ImageID": "sha256:" + c.id,
			"Command": strings.Join(append(slices.Clone(c.req.Config.Entrypoint), c.req.Config.Cmd...), " "),
			"Created": c.created.Unix(), "Ports": ports, "Labels": c.req.Config.Labels, "State": c.state, "Status": status,
			"HostConfig":      map[string]string{"NetworkMode": string(c.req.HostConfig.NetworkMode)},
			"NetworkSettings": map[string]any{"Networks": nets}, "Mounts": []any{},
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// containerLogs writes the container's output in the multiplexed stream
// format (8-byte header: stream, 0, 0, 0, big-endian length), or raw for a
// TTY container; with follow=1 it waits until the container stops.
func (e *Engine) containerLogs(w http.ResponseWriter, r *http.Request, _ []byte, c *container) {
	e.mu.Lock()
	logs, tty := slices.Clone(c.logs), c.req.Config.Tty
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.docker.multiplexed-stream")
	if tty {
		w.Header().Set("Content-Type", "application/vnd.docker.raw-stream")
	}
	w.WriteHeader(http.StatusOK)
	if r.URL.Query().Get("stdout") != "0" && len(logs) > 0 {
		writeFrame(w, tty, 1, logs)
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if q := r.URL.Query().Get("follow"); q == "1" || q == "true" {
		select {
		case <-c.done:
		case <-r.Context().Done():
		}
	}
}

// decompress undoes gzip, which the engine accepts for archives and build
// contexts as it accepts plain tar.
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

func writeFrame(w io.Writer, raw bool, stream byte, b []byte) {
	if raw {
		_, _ = w.Write(b)
		return
	}
	hdr := make([]byte, 8)
	hdr[0] = stream
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(b)))
	_, _ = w.Write(hdr)
	_, _ = w.Write(b)
}

// containerPutArchive extracts a tar stream into the container's files
// under the path query parameter.
func (e *Engine) containerPutArchive(w http.ResponseWriter, r *http.Request, _ []byte, c *container) {
	dir := r.URL.Query().Get("path")
	body, err := decompress(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "read archive: "+err.Error())
		return
	}
	tr := tar.NewReader(body)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "read archive: "+err.Error())
			return
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			writeError(w, http.StatusBadRequest, "read archive: "+err.Error())
			return
		}
		files[strings.TrimRight(dir, "/")+"/"+strings.TrimPrefix(h.Name, "/")] = b
	}
	e.mu.Lock()
	for p, b := range files {
		c.files[p] = b
	}
	e.notify()
	e.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// containerStatPath answers HEAD/GET archive with the path's stat header.
func (e *Engine) containerStatPath(w http.ResponseWriter, r *http.Request, _ []byte, c *container) {
	p := r.URL.Query().Get("path")
	e.mu.Lock()
	b, ok := c.files[p]
	e.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Could not find the file "+p+" in container "+c.name)
		return
	}
	stat, _ := json.Marshal(map[string]any{"name": p[strings.LastIndex(p, "/")+1:], "size": len(b), "mode": 0o644, "mtime": time.Now().UTC().Format(time.RFC3339), "linkTarget": ""})
	w.Header().Set("X-Docker-Container-Path-Stat", base64.StdEncoding.EncodeToString(stat))
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	_ = tw.WriteHeader(&tar.Header{Name: p[strings.LastIndex(p, "/")+1:], Mode: 0o644, Size: int64(len(b))})
	_, _ = tw.Write(b)
	_ = tw.Close()
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// containerAttach hijacks the connection and streams the logs until the
// container stops.
func (e *Engine) containerAttach(w http.ResponseWriter, r *http.Request, _ []byte, c *container) {
	conn, err := upgrade(w, r)
	if err != nil {
		return
	}
	defer conn.Close()
	e.mu.Lock()
	logs, tty := slices.Clone(c.logs), c.req.Config.Tty
	e.mu.Unlock()
	if len(logs) > 0 {
		writeFrame(conn, tty, 1, logs)
	}
	<-c.done
}

// upgrade answers 101 and hands over the raw connection, as the engine does
// for attach and exec start.
func upgrade(w http.ResponseWriter, r *http.Request) (net.Conn, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeError(w, http.StatusInternalServerError, "cannot hijack")
		return nil, errors.New("cannot hijack")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil, err
	}
	_ = buf.Flush()
	hdr := "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\r\n"
	if r.Header.Get("Upgrade") != "" {
		hdr = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
	}
	if _, err := io.WriteString(conn, hdr); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}
