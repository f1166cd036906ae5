package connect

import (
	"maps"

	"github.com/ctalab/ctalab/internal/platform"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// serverInfo is GET /'s ServerInfo: AppInfoParser's version and commit id
// of the worker's Kafka build, and the Kafka cluster's id, in its
// properties' order.
type serverInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	KafkaClusterID string `json:"kafka_cluster_id"`
}

func (w *Worker) handleRoot(rw http.ResponseWriter, _ *http.Request) {
	writeJSON(rw, http.StatusOK, serverInfo{Version: kafkaVersion, Commit: platform.KafkaCommitID, KafkaClusterID: w.clusterID})
}

func (w *Worker) handleHealth(rw http.ResponseWriter, _ *http.Request) {
	writeJSON(rw, http.StatusOK, map[string]string{
		"status":  "healthy",
		"message": "Worker has completed startup and is ready to handle requests.",
	})
}

func (w *Worker) handleList(rw http.ResponseWriter, r *http.Request) {
	names := w.connectorNames()
	expand := r.URL.Query()["expand"]
	if len(expand) == 0 {
		writeJSON(rw, http.StatusOK, names)
		return
	}
	// ConnectorsResource.listConnectors: "status" and "info" (exact
	// values; others are ignored); a connector whose status cannot be
	// found is left out.
	out := map[string]map[string]any{}
	w.mu.Lock()
names:
	for _, n := range names {
		c := w.connectors[n]
		if c == nil {
			continue
		}
		entry := map[string]any{}
		for _, e := range expand {
			switch e {
			case "status":
				st := w.stateInfoLocked(n)
				if st == nil {
					continue names
				}
				entry["status"] = st
			case "info":
				entry["info"] = w.infoLocked(c)
			}
		}
		out[n] = entry
	}
	w.mu.Unlock()
	writeJSON(rw, http.StatusOK, out)
}

func (w *Worker) handleCreate(rw http.ResponseWriter, r *http.Request) {
	var req struct {
		Name         *string        `json:"name"`
		Config       map[string]any `json:"config"`
		InitialState string         `json:"initial_state"`
	}
	if e := w.readJSON(rw, r, &req); e != nil {
		writeError(rw, e)
		return
	}
	props, e := stringMap(req.Config)
	if e != nil {
		writeError(rw, e)
		return
	}
	name := ""
	if req.Name != nil {
		name = strings.TrimSpace(*req.Name)
	}
	if e := checkName(name, props); e != nil {
		writeError(rw, e)
		return
	}
	if s := strings.ToUpper(req.InitialState); s != "" && s != "RUNNING" && s != "PAUSED" && s != "STOPPED" {
		writeError(rw, badRequest("Invalid initial state "+req.InitialState+"; must be one of RUNNING, PAUSED, STOPPED"))
		return
	}
	info, _, e := w.putConnector(r.Context(), name, props, false, req.InitialState)
	if e != nil {
		writeError(rw, e)
		return
	}
	rw.Header().Set("Location", "/connectors/"+url.PathEscape(name))
	writeJSON(rw, http.StatusCreated, info)
}

// checkName is ConnectorsResource.checkAndPutConnectorConfigName.
func checkName(name string, props map[string]string) *restError {
	if n, ok := props["name"]; ok && n != name {
		return badRequest("Connector name configuration (" + n + ") doesn't match connector name in the URL (" + name + ")")
	}
	props["name"] = name
	return nil
}

func (w *Worker) handleGet(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	c, ok := w.connectors[name]
	var info *connectorInfo
	if ok {
		info = w.infoLocked(c)
	}
	w.mu.Unlock()
	if !ok {
		writeError(rw, notFound("Connector "+name+" not found"))
		return
	}
	writeJSON(rw, http.StatusOK, info)
}

func (w *Worker) handleGetConfig(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	c, ok := w.connectors[name]
	var props map[string]string
	if ok {
		props = c.props
	}
	w.mu.Unlock()
	if !ok {
		writeError(rw, notFound("Connector "+name+" not found"))
		return
	}
	writeJSON(rw, http.StatusOK, props)
}

func (w *Worker) handlePutConfig(rw http.ResponseWriter, r *http.Request, name string) {
	var raw map[string]any
	if e := w.readJSON(rw, r, &raw); e != nil {
		writeError(rw, e)
		return
	}
	props, e := stringMap(raw)
	if e != nil {
		writeError(rw, e)
		return
	}
	if e := checkName(name, props); e != nil {
		writeError(rw, e)
		return
	}
	info, created, e := w.putConnector(r.Context(), name, props, true, "")
	if e != nil {
		writeError(rw, e)
		return
	}
	if created {
		info.Tasks = []taskID{}
		rw.Header().Set("Location", "/connectors/"+url.PathEscape(name))
		writeJSON(rw, http.StatusCreated, info)
		return
	}
	writeJSON(rw, http.StatusOK, info)
}

// handlePatchConfig is PATCH /connectors/{name}/config (KIP-477): the
// patch's keys replace the connector's, a null removes one
// (ConnectUtils.patchConfig), and the result is validated and stored as
// PUT does; the connector must exist.
func (w *Worker) handlePatchConfig(rw http.ResponseWriter, r *http.Request, name string) {
	var raw map[string]any
	if e := w.readJSON(rw, r, &raw); e != nil {
		writeError(rw, e)
		return
	}
	var removed []string
	present := map[string]any{}
	for k, v := range raw {
		if v == nil {
			removed = append(removed, k)
			continue
		}
		present[k] = v
	}
	patch, e := stringMap(present)
	if e != nil {
		writeError(rw, e)
		return
	}
	w.mu.Lock()
	c, ok := w.connectors[name]
	var props map[string]string
	if ok {
		props = maps.Clone(c.props)
	}
	w.mu.Unlock()
	if !ok {
		writeError(rw, notFound("Connector "+name+" not found"))
		return
	}
	maps.Copy(props, patch)
	for _, k := range removed {
		delete(props, k)
	}
	info, _, e := w.putConnector(r.Context(), name, props, true, "")
	if e != nil {
		writeError(rw, e)
		return
	}
	writeJSON(rw, http.StatusOK, info)
}

// handleTasksConfig is the deprecated GET /connectors/{name}/tasks-config:
// task configs keyed by "<name>-<task>".
func (w *Worker) handleTasksConfig(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	c, ok := w.connectors[name]
	out := map[string]map[string]string{}
	if ok {
		for i, p := range w.taskConfigsLocked(c) {
			out[name+"-"+strconv.Itoa(i)] = p
		}
	}
	w.mu.Unlock()
	if !ok {
		writeError(rw, notFound("Connector "+name+" not found"))
		return
	}
	w.log.Warn("deprecated endpoint GET /connectors/{connector}/tasks-config was called; GET /connectors/{connector}/tasks answers the same", "connector", name)
	writeJSON(rw, http.StatusOK, out)
}

func (w *Worker) handleStatus(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	st := w.stateInfoLocked(name)
	w.mu.Unlock()
	if st == nil {
		writeError(rw, notFound("No status found for connector "+name))
		return
	}
	writeJSON(rw, http.StatusOK, st)
}

func (w *Worker) handleTasks(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	c, ok := w.connectors[name]
	var configs []map[string]string
	if ok {
		configs = w.taskConfigsLocked(c)
	}
	w.mu.Unlock()
	if !ok {
		writeError(rw, notFound("Connector "+name+" not found"))
		return
	}
	out := make([]taskInfo, 0, len(configs))
	for i, p := range configs {
		out = append(out, taskInfo{ID: taskID{Connector: name, Task: i}, Config: p})
	}
	writeJSON(rw, http.StatusOK, out)
}

func (w *Worker) handleDelete(rw http.ResponseWriter, r *http.Request, name string) {
	if e := w.deleteConnector(r.Context(), name); e != nil {
		writeError(rw, e)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

func (w *Worker) targetHandler(target string) func(http.ResponseWriter, *http.Request, string) {
	return func(rw http.ResponseWriter, r *http.Request, name string) {
		if e := w.setTarget(r.Context(), name, target); e != nil {
			writeError(rw, e)
			return
		}
		rw.WriteHeader(http.StatusAccepted)
	}
}

func (w *Worker) handleRestart(rw http.ResponseWriter, r *http.Request, name string) {
	q := r.URL.Query()
	includeTasks := strings.EqualFold(q.Get("includeTasks"), "true")
	onlyFailed := strings.EqualFold(q.Get("onlyFailed"), "true")
	if !includeTasks && !onlyFailed {
		if e := w.restartConnector(name); e != nil {
			writeError(rw, e)
			return
		}
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	st, e := w.restartConnectorAndTasks(name, includeTasks, onlyFailed)
	if e != nil {
		writeError(rw, e)
		return
	}
	writeJSON(rw, http.StatusAccepted, st)
}

func (w *Worker) taskStatusHandler(id int) func(http.ResponseWriter, *http.Request, string) {
	return func(rw http.ResponseWriter, _ *http.Request, name string) {
		w.mu.Lock()
		var out *taskStateJSON
		if st := w.statuses[name]; st != nil {
			if t := st.tasks[id]; t != nil {
				out = &taskStateJSON{ID: id, State: t.State, WorkerID: t.WorkerID, Trace: t.Trace}
			}
		}
		w.mu.Unlock()
		if out == nil {
			writeError(rw, notFound("No status found for task "+name+"-"+strconv.Itoa(id)))
			return
		}
		writeJSON(rw, http.StatusOK, out)
	}
}

func (w *Worker) taskRestartHandler(id int) func(http.ResponseWriter, *http.Request, string) {
	return func(rw http.ResponseWriter, _ *http.Request, name string) {
		if e := w.restartTask(name, id); e != nil {
			writeError(rw, e)
			return
		}
		rw.WriteHeader(http.StatusNoContent)
	}
}

type pluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

func (w *Worker) handlePlugins(rw http.ResponseWriter, r *http.Request) {
	out := []pluginInfo{{Class: jdbcSourceClass, Type: "source", Version: jdbcSourceVersion}}
	if strings.EqualFold(r.URL.Query().Get("connectorsOnly"), "false") {
		out = append(out, transformPluginInfos()...)
		for _, c := range converterClasses {
			out = append(out, pluginInfo{Class: c, Type: "converter", Version: converterVersion(c)})
		}
		for _, c := range headerConverterClasses {
			out = append(out, pluginInfo{Class: c, Type: "header_converter", Version: kafkaVersion})
		}
	}
	writeJSON(rw, http.StatusOK, out)
}

func (w *Worker) handlePluginConfig(rw http.ResponseWriter, _ *http.Request, class string) {
	if out, ok := transformPluginConfig(class); ok {
		writeJSON(rw, http.StatusOK, out)
		return
	}
	if knownConnector(class) == "" {
		writeError(rw, notFound("Unknown plugin "+class+"."))
		return
	}
	def := jdbcConfigDef()
	out := make([]*configKeyInfo, 0, len(def.keys))
	for _, k := range def.keys {
		out = append(out, k.info())
	}
	writeJSON(rw, http.StatusOK, out)
}

func (w *Worker) handleValidate(rw http.ResponseWriter, r *http.Request, class string) {
	var raw map[string]any
	if e := w.readJSON(rw, r, &raw); e != nil {
		writeError(rw, e)
		return
	}
	props, e := stringMap(raw)
	if e != nil {
		writeError(rw, e)
		return
	}
	if inc, ok := props["connector.class"]; ok && !strings.HasSuffix(normalizePlugin(inc), normalizePlugin(class)) {
		writeError(rw, badRequest("Included connector type "+inc+" does not match request type "+class))
		return
	}
	if _, ok := props["connector.class"]; !ok {
		props["connector.class"] = class
	}
	ci, e := w.validateConfig(r.Context(), props)
	if e != nil {
		writeError(rw, e)
		return
	}
	writeJSON(rw, http.StatusOK, ci)
}

// normalizePlugin strips the "Connector" suffix as the plugin resource does.
func normalizePlugin(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), "Connector") }
