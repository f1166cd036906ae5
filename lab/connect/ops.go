package connect

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"sort"
	"strings"
)

// restError is a Connect REST error: {"error_code": code, "message": msg}.
type restError struct {
	code int
	msg  string
}

func (e *restError) Error() string { return e.msg }

func notFound(msg string) *restError   { return &restError{http.StatusNotFound, msg} }
func badRequest(msg string) *restError { return &restError{http.StatusBadRequest, msg} }

// connectorInfo is the ConnectorInfo entity.
type connectorInfo struct {
	Name   string            `json:"name"`
	Config map[string]string `json:"config"`
	Tasks  []taskID          `json:"tasks"`
	Type   string            `json:"type"`
}

type taskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

type taskInfo struct {
	ID     taskID            `json:"id"`
	Config map[string]string `json:"config"`
}

// validateConfig is AbstractHerder.validateConnectorConfig.
func (w *Worker) validateConfig(ctx context.Context, props map[string]string) (configInfos, *restError) {
	class, ok := props["connector.class"]
	if !ok {
		return configInfos{}, badRequest("Connector config " + javaMapString(props) + " contains no connector type")
	}
	if knownConnector(class) == "" {
		return configInfos{}, &restError{http.StatusInternalServerError, "Failed to find any class that implements Connector and which name matches " + class +
			", available connectors are: PluginDesc{klass=class " + jdbcSourceClass + ", name='" + jdbcSourceClass + "', version='" + jdbcSourceVersion +
			"', encodedVersion=" + jdbcSourceVersion + ", type=source, typeName='source', location='file:/usr/share/confluent-hub-components/confluentinc-kafka-connect-jdbc/'}"}
	}
	// AbstractHerder.validateConnectorConfig: the base keys enriched with
	// the transformation and predicate aliases, then the connector's keys.
	def := enrich(sourceConnectorConfigDef(), props).merge(jdbcConfigDef())
	values := def.validateAll(props)
	validateTransformClasses(props, values)
	validateWorkerKeys(props, values)
	w.validateExactlyOnce(values)
	validateJDBC(ctx, props, values, w.network())
	ci := def.result(class, values)
	convInfos, convGroups, convErrors := converterConfigInfos(props, values)
	ci.Configs = append(ci.Configs, convInfos...)
	for _, g := range convGroups {
		if !containsString(ci.Groups, g) {
			ci.Groups = append(ci.Groups, g)
		}
	}
	ci.ErrorCount += convErrors
	return ci, nil
}

// invalidConfig is AbstractHerder.maybeAddConfigErrors.
func invalidConfig(ci configInfos) *restError {
	if ci.ErrorCount == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Connector configuration is invalid and contains the following %d error(s):", ci.ErrorCount)
	for _, m := range ci.errorMessages() {
		b.WriteString("\n")
		b.WriteString(m)
	}
	b.WriteString("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	return badRequest(b.String())
}

// putConnector validates and stores a connector config, creating the
// connector or (when allowReplace) updating it. It reports whether it was
// created.
func (w *Worker) putConnector(ctx context.Context, name string, props map[string]string, allowReplace bool, initial string) (*connectorInfo, bool, *restError) {
	ci, rerr := w.validateConfig(ctx, props)
	if rerr != nil {
		return nil, false, rerr
	}
	if rerr := invalidConfig(ci); rerr != nil {
		return nil, false, rerr
	}
	w.opMu.Lock()
	defer w.opMu.Unlock()
	if w.isClosed() {
		return nil, false, &restError{http.StatusServiceUnavailable, "Worker is shutting down"}
	}
	w.mu.Lock()
	c, exists := w.connectors[name]
	w.mu.Unlock()
	if exists && !allowReplace {
		return nil, false, &restError{http.StatusConflict, "Connector " + name + " already exists"}
	}
	if err := w.produceInternal(ctx, w.opts.configTopic, "connector-"+name, configRecord(props)); err != nil {
		return nil, false, &restError{http.StatusInternalServerError, err.Error()}
	}
	if exists {
		w.stopRun(c)
		w.mu.Lock()
		c.props = maps.Clone(props)
		w.startLocked(c)
		info := w.infoLocked(c)
		w.mu.Unlock()
		return info, false, nil
	}
	target := targetStarted
	switch strings.ToUpper(initial) {
	case "PAUSED":
		target = targetPaused
	case "STOPPED":
		target = targetStopped
	}
	if err := w.produceInternal(ctx, w.opts.configTopic, "target-state-"+name, targetStateRecord(target)); err != nil {
		return nil, false, &restError{http.StatusInternalServerError, err.Error()}
	}
	c = &connectorState{name: name, props: maps.Clone(props), target: target}
	w.mu.Lock()
	w.connectors[name] = c
	info := w.infoLocked(c)
	info.Tasks = []taskID{} // tasks are assigned after the connector starts
	w.startLocked(c)
	w.mu.Unlock()
	return info, true, nil
}

// stopRun stops a connector's runtime without holding w.mu while waiting.
func (w *Worker) stopRun(c *connectorState) {
	w.mu.Lock()
	r := c.run
	c.run = nil
	w.mu.Unlock()
	if r != nil {
		r.stop()
	}
}

// infoLocked builds ConnectorInfo. w.mu held.
func (w *Worker) infoLocked(c *connectorState) *connectorInfo {
	info := &connectorInfo{Name: c.name, Config: maps.Clone(c.props), Tasks: []taskID{}, Type: "source"}
	for i := range w.taskConfigsLocked(c) {
		info.Tasks = append(info.Tasks, taskID{Connector: c.name, Task: i})
	}
	return info
}

func (w *Worker) taskConfigsLocked(c *connectorState) []map[string]string {
	if c.target == targetStopped {
		return nil
	}
	return c.taskConfigs
}

func (w *Worker) lookup(name string) (*connectorState, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.connectors[name]
	return c, ok
}

func (w *Worker) connectorNames() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	names := make([]string, 0, len(w.connectors))
	for n := range w.connectors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (w *Worker) deleteConnector(ctx context.Context, name string) *restError {
	w.opMu.Lock()
	defer w.opMu.Unlock()
	c, ok := w.lookup(name)
	if !ok {
		return notFound("Connector " + name + " not found")
	}
	if err := w.produceInternal(ctx, w.opts.configTopic, "connector-"+name, nil); err != nil {
		return &restError{http.StatusInternalServerError, err.Error()}
	}
	w.produceInternalAsync(w.opts.configTopic, "target-state-"+name, nil)
	w.stopRun(c)
	w.mu.Lock()
	delete(w.connectors, name)
	w.deleteStatusLocked(name)
	w.resetActiveTopicsLocked(name)
	w.mu.Unlock()
	return nil
}

// setTarget pauses, resumes or stops a connector.
func (w *Worker) setTarget(ctx context.Context, name, target string) *restError {
	w.opMu.Lock()
	defer w.opMu.Unlock()
	c, ok := w.lookup(name)
	if !ok {
		return notFound("Unknown connector " + name)
	}
	w.mu.Lock()
	same := c.target == target
	w.mu.Unlock()
	if same {
		return nil
	}
	if err := w.produceInternal(ctx, w.opts.configTopic, "target-state-"+name, targetStateRecord(target)); err != nil {
		return &restError{http.StatusInternalServerError, err.Error()}
	}
	w.stopRun(c)
	w.mu.Lock()
	c.target = target
	w.startLocked(c)
	w.mu.Unlock()
	return nil
}

// restartConnector restarts the Connector instance only (no query params).
func (w *Worker) restartConnector(name string) *restError {
	w.opMu.Lock()
	defer w.opMu.Unlock()
	c, ok := w.lookup(name)
	if !ok {
		return notFound("Unknown connector: " + name)
	}
	w.mu.Lock()
	r := c.run
	w.mu.Unlock()
	if r != nil {
		r.requestRestart()
	}
	return nil
}

// restartConnectorAndTasks follows a RestartRequest's plan and returns the
// status with the instances being restarted shown as RESTARTING.
func (w *Worker) restartConnectorAndTasks(name string, includeTasks, onlyFailed bool) (*connectorStateInfo, *restError) {
	w.opMu.Lock()
	defer w.opMu.Unlock()
	c, ok := w.lookup(name)
	if !ok {
		return nil, notFound("Unknown connector: " + name)
	}
	w.mu.Lock()
	info := w.stateInfoLocked(name)
	if info == nil {
		w.mu.Unlock()
		return nil, notFound("Status for connector " + name + " not found")
	}
	restartConn := !onlyFailed || info.Connector.State == stateFailed
	var tasks []int
	if includeTasks {
		for i := range info.Tasks {
			if !onlyFailed || info.Tasks[i].State == stateFailed {
				tasks = append(tasks, info.Tasks[i].ID)
			}
		}
	}
	if restartConn {
		info.Connector.State = stateRestarting
		info.Connector.Trace = ""
		w.putConnectorStatusLocked(name, stateRestarting, "")
	}
	for _, id := range tasks {
		for i := range info.Tasks {
			if info.Tasks[i].ID == id {
				info.Tasks[i].State = stateRestarting
				info.Tasks[i].Trace = ""
			}
		}
	}
	r := c.run
	if r == nil {
		// Paused or stopped: the instances come back in their target state.
		w.startLocked(c)
		w.mu.Unlock()
		return info, nil
	}
	w.mu.Unlock()
	for _, id := range tasks {
		r.restartTask(id)
	}
	if restartConn {
		r.requestRestart()
	}
	return info, nil
}

func (w *Worker) restartTask(name string, id int) *restError {
	w.opMu.Lock()
	defer w.opMu.Unlock()
	c, ok := w.lookup(name)
	if !ok {
		return notFound("Unknown connector: " + name)
	}
	w.mu.Lock()
	r := c.run
	w.mu.Unlock()
	if r == nil || !r.restartTask(id) {
		return notFound(fmt.Sprintf("Unknown task: %s-%d", name, id))
	}
	return nil
}
