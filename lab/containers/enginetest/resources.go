package enginetest

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

type execInstance struct {
	id, container string
	cmd           []string
	running       bool
	exitCode      int
}

// Execs returns the commands exec'd in the container with this id.
func (e *Engine) Execs(containerID string) [][]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out [][]string
	for _, x := range e.execs {
		if x.container == containerID {
			out = append(out, slices.Clone(x.cmd))
		}
	}
	return out
}

func (e *Engine) execCreate(w http.ResponseWriter, _ *http.Request, body []byte, c *container) {
	var req struct{ Cmd []string }
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.state != "running" {
		writeError(w, http.StatusConflict, "container "+c.id+" is not running")
		return
	}
	x := &execInstance{id: newID(), container: c.id, cmd: req.Cmd, exitCode: c.beh.ExecExitCode}
	e.execs[x.id] = x
	writeJSON(w, http.StatusCreated, map[string]string{"Id": x.id})
}

// execStart runs nothing: the exec ends at once with the script's exit code.
func (e *Engine) execStart(id string) handler {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		e.mu.Lock()
		_, ok := e.execs[id]
		e.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "No such exec instance: "+id)
			return
		}
		var req struct{ Detach bool }
		_ = json.Unmarshal(body, &req)
		if req.Detach {
			w.WriteHeader(http.StatusOK)
			return
		}
		conn, err := upgrade(w, r)
		if err != nil {
			return
		}
		_ = conn.Close()
	}
}

func (e *Engine) execInspect(id string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		e.mu.Lock()
		defer e.mu.Unlock()
		x, ok := e.execs[id]
		if !ok {
			writeError(w, http.StatusNotFound, "No such exec instance: "+id)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ID": x.id, "ContainerID": x.container, "Running": x.running,
			"ExitCode": x.exitCode, "ProcessConfig": map[string]any{"entrypoint": first(x.cmd), "arguments": x.cmd}})
	}
}

// Images returns the references of the images the engine holds, sorted.
func (e *Engine) Images() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for r := range e.images {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// Built returns the Dockerfile an image was built from through POST /build,
// and whether it was built so.
func (e *Engine) Built(ref string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	im, ok := e.images[normalizeRef(ref)]
	if !ok || im.built == "" {
		return "", false
	}
	return im.built, true
}

func (e *Engine) routeImages(method, path string, seg []string) handler {
	switch {
	case path == "/images/json" && method == http.MethodGet:
		return e.imageList
	case path == "/images/create" && method == http.MethodPost:
		return e.imagePull
	case len(seg) >= 3 && seg[len(seg)-1] == "json" && method == http.MethodGet:
		return e.imageInspect(strings.Join(seg[1:len(seg)-1], "/"))
	case len(seg) >= 2 && method == http.MethodDelete:
		return e.imageRemove(strings.Join(seg[1:], "/"))
	}
	return nil
}

func (e *Engine) imageSummary(im *image) map[string]any {
	return map[string]any{"Id": "sha256:" + im.id, "RepoTags": []string{im.ref}, "RepoDigests": []string{},
		"Created": time.Now().Unix(), "Size": 1 << 20, "Labels": im.labels, "Containers": -1, "SharedSize": -1}
}

func (e *Engine) imageList(w http.ResponseWriter, r *http.Request, _ []byte) {
	f := filters(r.URL.Query())
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []map[string]any{}
	for _, im := range e.images {
		if len(f["reference"]) > 0 && !slices.ContainsFunc(f["reference"], func(s string) bool { return normalizeRef(s) == im.ref }) {
			continue
		}
		out = append(out, e.imageSummary(im))
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Engine) imageInspect(name string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		name, _ = url.PathUnescape(name)
		e.mu.Lock()
		im := e.findImage(name)
		e.mu.Unlock()
		if im == nil {
			writeError(w, http.StatusNotFound, "No such image: "+name)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"Id": "sha256:" + im.id, "RepoTags": []string{im.ref}, "RepoDigests": []string{},
			"Created": time.Now().UTC().Format(time.RFC3339Nano), "Os": "linux", "Architecture": "amd64", "Size": 1 << 20,
			"Config": map[string]any{"Labels": im.labels, "Env": []string{}}, "RootFS": map[string]any{"Type": "layers"}})
	}
}

// findImage finds an image by reference or id; e.mu is held.
func (e *Engine) findImage(name string) *image {
	if im, ok := e.images[normalizeRef(name)]; ok {
		return im
	}
	id := strings.TrimPrefix(name, "sha256:")
	for _, im := range e.images {
		if len(id) >= 12 && strings.HasPrefix(im.id, id) {
			return im
		}
	}
	return nil
}

func (e *Engine) imageRemove(name string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		e.mu.Lock()
		defer e.mu.Unlock()
		im := e.findImage(name)
		if im == nil {
			writeError(w, http.StatusNotFound, "No such image: "+name)
			return
		}
		delete(e.images, im.ref)
		writeJSON(w, http.StatusOK, []map[string]string{{"Untagged": im.ref}, {"Deleted": "sha256:" + im.id}})
	}
}

// imagePull "pulls" fromImage:tag: the image exists from now on. The
// answer is the engine's stream of JSON progress messages.
func (e *Engine) imagePull(w http.ResponseWriter, r *http.Request, _ []byte) {
	from, tag := r.URL.Query().Get("fromImage"), r.URL.Query().Get("tag")
	if from == "" {
		writeError(w, http.StatusBadRequest, "fromImage is required")
		return
	}
	ref := from
	if tag != "" {
		if strings.HasPrefix(tag, "sha256:") {
			ref += "@" + tag
		} else {
			ref += ":" + tag
		}
	}
	ref = normalizeRef(ref)
	if !e.registry(ref) {
		writeError(w, http.StatusNotFound, "pull access denied for "+from+", repository does not exist or may require 'docker login': denied: requested access to the resource is denied")
		return
	}
	e.mu.Lock()
	if _, ok := e.images[ref]; !ok {
		e.images[ref] = &image{id: newID(), ref: ref}
	}
	e.addEvent("image", "pull", ref, map[string]string{"name": ref})
	e.notify()
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	_ = enc.Encode(map[string]string{"status": "Pulling from " + from, "id": tag})
	_ = enc.Encode(map[string]string{"status": "Digest: sha256:" + newID()})
	_ = enc.Encode(map[string]string{"status": "Status: Downloaded newer image for " + ref})
}

// build is the classic builder's POST /build: it reads the context tar,
// keeps its Dockerfile and tags the image with every t parameter. Nothing is
// run.
func (e *Engine) build(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	dockerfile := q.Get("dockerfile")
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	var text string
	body, err := decompress(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "read build context: "+err.Error())
		return
	}
	tr := tar.NewReader(body)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "read build context: "+err.Error())
			return
		}
		if strings.TrimPrefix(h.Name, "./") == dockerfile {
			b, _ := io.ReadAll(tr)
			text = string(b)
		}
	}
	if text == "" {
		writeError(w, http.StatusBadRequest, "Cannot locate specified Dockerfile: "+dockerfile)
		return
	}
	var labels map[string]string
	_ = json.Unmarshal([]byte(q.Get("labels")), &labels)
	id := newID()
	e.mu.Lock()
	for _, t := range q["t"] {
		ref := normalizeRef(t)
		e.images[ref] = &image{id: id, ref: ref, labels: labels, built: text}
	}
	e.notify()
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	_ = enc.Encode(map[string]string{"stream": "Step 1/1 : (stand-in engine: nothing is run)\n"})
	_ = enc.Encode(map[string]any{"aux": map[string]string{"ID": "sha256:" + id}})
	_ = enc.Encode(map[string]string{"stream": "Successfully built " + id[:12] + "\n"})
	for _, t := range q["t"] {
		_ = enc.Encode(map[string]string{"stream": "Successfully tagged " + t + "\n"})
	}
}

// NetworkView is what a test sees of a network.
type NetworkView struct {
	ID, Name, Driver string
	Labels           map[string]string
	Removed          bool
}

// Networks returns the networks that clients created (not the default
// bridge, host and none), removed ones included.
func (e *Engine) Networks() []NetworkView {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []NetworkView
	for _, n := range e.networks {
		if n.created.IsZero() {
			continue
		}
		out = append(out, NetworkView{ID: n.id, Name: n.name, Driver: n.driver, Labels: n.labels})
	}
	out = append(out, e.removedNetworks...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (e *Engine) addNetwork(n *network) { e.networks[n.id] = n }

// lookupNetwork finds a network by id, id prefix or name; e.mu is held.
func (e *Engine) lookupNetwork(ref string) *network {
	if n, ok := e.networks[ref]; ok {
		return n
	}
	for _, n := range e.networks {
		if n.name == ref || (len(ref) >= 12 && strings.HasPrefix(n.id, ref)) {
			return n
		}
	}
	return nil
}

func (e *Engine) routeNetworks(method string, seg []string) handler {
	switch {
	case len(seg) == 1 && method == http.MethodGet:
		return e.networkList
	case len(seg) == 2 && seg[1] == "create" && method == http.MethodPost:
		return e.networkCreate
	case len(seg) == 2 && method == http.MethodGet:
		return e.networkInspect(seg[1])
	case len(seg) == 2 && method == http.MethodDelete:
		return e.networkRemove(seg[1])
	case len(seg) == 3 && seg[2] == "connect" && method == http.MethodPost:
		return e.networkConnect(seg[1], true)
	case len(seg) == 3 && seg[2] == "disconnect" && method == http.MethodPost:
		return e.networkConnect(seg[1], false)
	}
	return nil
}

func (e *Engine) networkJSON(n *network) map[string]any {
	cs := map[string]any{}
	for _, c := range e.containers {
		if _, ok := c.networks[n.id]; ok && !c.removed {
			cs[c.id] = map[string]any{"Name": c.name}
		}
	}
	return map[string]any{"Name": n.name, "Id": n.id, "Created": n.created.UTC().Format(time.RFC3339Nano), "Scope": "local",
		"Driver": n.driver, "EnableIPv4": true, "Internal": n.internal, "Attachable": false, "Labels": n.labels, "Containers": cs,
		"IPAM":    map[string]any{"Driver": "default", "Config": []map[string]string{{"Subnet": n.subnetOr("172.18.0.0/16"), "Gateway": n.gatewayOr("172.18.0.1")}}},
		"Options": map[string]string{}}
}

func (n *network) subnetOr(def string) string {
	if n.subnet != "" {
		return n.subnet
	}
	return def
}

func (n *network) gatewayOr(def string) string {
	if n.gateway != "" {
		return n.gateway
	}
	return def
}

func (e *Engine) networkList(w http.ResponseWriter, r *http.Request, _ []byte) {
	f := filters(r.URL.Query())
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []map[string]any{}
	for _, n := range e.networks {
		if !matchLabels(n.labels, f["label"]) || (len(f["name"]) > 0 && !matchName(n.name, f["name"])) ||
			(len(f["id"]) > 0 && !slices.ContainsFunc(f["id"], func(s string) bool { return strings.HasPrefix(n.id, s) })) ||
			!matchAny(n.driver, f["driver"]) {
			continue
		}
		out = append(out, e.networkJSON(n))
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Engine) networkCreate(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		Name     string
		Driver   string
		Internal bool
		Labels   map[string]string
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Name == "" {
		writeError(w, http.StatusBadRequest, "network name is required")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lookupNetwork(req.Name) != nil {
		writeError(w, http.StatusConflict, "network with name "+req.Name+" already exists")
		return
	}
	if req.Driver == "" {
		req.Driver = "bridge"
	}
	if req.Labels == nil {
		req.Labels = map[string]string{}
	}
	n := &network{id: newID(), name: req.Name, driver: req.Driver, labels: req.Labels, internal: req.Internal, created: time.Now()}
	e.addNetwork(n)
	e.addEvent("network", "create", n.id, map[string]string{"name": n.name})
	e.notify()
	writeJSON(w, http.StatusCreated, map[string]any{"Id": n.id, "Warning": ""})
}

func (e *Engine) networkInspect(ref string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		e.mu.Lock()
		defer e.mu.Unlock()
		n := e.lookupNetwork(ref)
		if n == nil {
			writeError(w, http.StatusNotFound, "network "+ref+" not found")
			return
		}
		writeJSON(w, http.StatusOK, e.networkJSON(n))
	}
}

func (e *Engine) networkRemove(ref string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		e.mu.Lock()
		defer e.mu.Unlock()
		n := e.lookupNetwork(ref)
		if n == nil {
			writeError(w, http.StatusNotFound, "network "+ref+" not found")
			return
		}
		for _, c := range e.containers {
			if _, ok := c.networks[n.id]; ok && !c.removed && c.state == "running" {
				writeError(w, http.StatusForbidden, "error while removing network: network "+n.name+" id "+n.id+" has active endpoints")
				return
			}
		}
		delete(e.networks, n.id)
		e.removedNetworks = append(e.removedNetworks, NetworkView{ID: n.id, Name: n.name, Driver: n.driver, Labels: n.labels, Removed: true})
		e.addEvent("network", "destroy", n.id, map[string]string{"name": n.name})
		e.notify()
		w.WriteHeader(http.StatusNoContent)
	}
}

func (e *Engine) networkConnect(ref string, connect bool) handler {
	return func(w http.ResponseWriter, _ *http.Request, body []byte) {
		var req struct {
			Container      string
			EndpointConfig *struct{ Aliases []string }
		}
		if err := json.Unmarshal(body, &req); err != nil {
			writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		n := e.lookupNetwork(ref)
		if n == nil {
			writeError(w, http.StatusNotFound, "network "+ref+" not found")
			return
		}
		c, err := e.lookupContainer(req.Container)
		if err != nil {
			writeError(w, http.StatusNotFound, "No such container: "+req.Container)
			return
		}
		if connect {
			var aliases []string
			if req.EndpointConfig != nil {
				aliases = req.EndpointConfig.Aliases
			}
			c.networks[n.id] = aliases
		} else {
			delete(c.networks, n.id)
		}
		e.notify()
		w.WriteHeader(http.StatusOK)
	}
}

// VolumeView is what a test sees of a volume.
type VolumeView struct {
	Name    string
	Labels  map[string]string
	Removed bool
}

// Volumes returns every volume, removed ones included, by name.
func (e *Engine) Volumes() []VolumeView {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []VolumeView
	for _, v := range e.volumes {
		out = append(out, VolumeView{Name: v.name, Labels: v.labels})
	}
	out = append(out, e.removedVolumes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (e *Engine) routeVolumes(method string, seg []string) handler {
	switch {
	case len(seg) == 1 && method == http.MethodGet:
		return e.volumeList
	case len(seg) == 2 && seg[1] == "create" && method == http.MethodPost:
		return e.volumeCreate
	case len(seg) == 2 && method == http.MethodGet:
		return e.volumeInspect(seg[1])
	case len(seg) == 2 && method == http.MethodDelete:
		return e.volumeRemove(seg[1])
	}
	return nil
}

func volumeJSON(v *volume) map[string]any {
	return map[string]any{"Name": v.name, "Driver": v.driver, "Mountpoint": "/var/lib/docker/volumes/" + v.name + "/_data",
		"CreatedAt": v.created.UTC().Format(time.RFC3339), "Labels": v.labels, "Scope": "local", "Options": map[string]string{}}
}

func (e *Engine) volumeList(w http.ResponseWriter, r *http.Request, _ []byte) {
	f := filters(r.URL.Query())
	e.mu.Lock()
	defer e.mu.Unlock()
	vols := []map[string]any{}
	for _, v := range e.volumes {
		if !matchLabels(v.labels, f["label"]) || !matchName(v.name, f["name"]) {
			continue
		}
		vols = append(vols, volumeJSON(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"Volumes": vols, "Warnings": []string{}})
}

func (e *Engine) volumeCreate(w http.ResponseWriter, _ *http.Request, body []byte) {
	var req struct {
		Name, Driver string
		Labels       map[string]string
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	if req.Name == "" {
		req.Name = newID()
	}
	if req.Driver == "" {
		req.Driver = "local"
	}
	if req.Labels == nil {
		req.Labels = map[string]string{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[req.Name]
	if !ok {
		v = &volume{name: req.Name, driver: req.Driver, labels: req.Labels, created: time.Now()}
		e.volumes[v.name] = v
		e.addEvent("volume", "create", v.name, map[string]string{"driver": v.driver})
		e.notify()
	}
	writeJSON(w, http.StatusCreated, volumeJSON(v))
}

func (e *Engine) volumeInspect(name string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		e.mu.Lock()
		defer e.mu.Unlock()
		v, ok := e.volumes[name]
		if !ok {
			writeError(w, http.StatusNotFound, "get "+name+": no such volume")
			return
		}
		writeJSON(w, http.StatusOK, volumeJSON(v))
	}
}

func (e *Engine) volumeRemove(name string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		e.mu.Lock()
		defer e.mu.Unlock()
		v, ok := e.volumes[name]
		if !ok {
			writeError(w, http.StatusNotFound, "get "+name+": no such volume")
			return
		}
		for _, c := range e.containers {
			if !c.removed && slices.Contains(volumeNames(c.req.HostConfig), name) {
				writeError(w, http.StatusConflict, "remove "+name+": volume is in use - ["+c.id+"]")
				return
			}
		}
		delete(e.volumes, name)
		e.removedVolumes = append(e.removedVolumes, VolumeView{Name: v.name, Labels: v.labels, Removed: true})
		e.addEvent("volume", "destroy", v.name, nil)
		e.notify()
		w.WriteHeader(http.StatusNoContent)
	}
}

// addEvent records an event; e.mu is held.
func (e *Engine) addEvent(typ, action, id string, attrs map[string]string) {
	e.events = append(e.events, event{Type: typ, Action: action, ID: id, Attributes: attrs, Time: time.Now().Unix()})
}

// eventsStream sends the events from now on until the client goes away.
func (e *Engine) eventsStream(w http.ResponseWriter, r *http.Request, _ []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	if fl != nil {
		fl.Flush()
	}
	e.mu.Lock()
	next := len(e.events)
	e.mu.Unlock()
	enc := json.NewEncoder(w)
	for {
		e.mu.Lock()
		evs := slices.Clone(e.events[next:])
		next = len(e.events)
		ch := e.changed
		e.mu.Unlock()
		for _, ev := range evs {
			_ = enc.Encode(map[string]any{"Type": ev.Type, "Action": ev.Action, "status": ev.Action, "id": ev.ID,
				"Actor": map[string]any{"ID": ev.ID, "Attributes": ev.Attributes}, "scope": "local", "time": ev.Time, "timeNano": ev.Time * 1e9})
		}
		if fl != nil && len(evs) > 0 {
			fl.Flush()
		}
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
	}
}
