package connect

import (
	"fmt"
	"sort"
)

// Connector and task states (AbstractStatus.State).
const (
	stateUnassigned = "UNASSIGNED"
	stateRunning    = "RUNNING"
	statePaused     = "PAUSED"
	stateFailed     = "FAILED"
	stateRestarting = "RESTARTING"
	stateStopped    = "STOPPED"
)

type stateInfo struct {
	State    string
	Trace    string
	WorkerID string
}

type connStatus struct {
	connector *stateInfo
	tasks     map[int]*stateInfo
}

// statusFor returns the status entry of a connector, creating it. w.mu held.
func (w *Worker) statusFor(name string) *connStatus {
	st := w.statuses[name]
	if st == nil {
		st = &connStatus{tasks: map[int]*stateInfo{}}
		w.statuses[name] = st
	}
	return st
}

func (w *Worker) putConnectorStatusLocked(name, state, trace string) {
	s := &stateInfo{State: state, Trace: trace, WorkerID: w.opts.workerID}
	w.statusFor(name).connector = s
	w.generation++
	w.produceInternalAsync(w.opts.statusTopic, "status-connector-"+name, statusRecord(s, w.generation))
}

func (w *Worker) putTaskStatusLocked(name string, id int, state, trace string) {
	s := &stateInfo{State: state, Trace: trace, WorkerID: w.opts.workerID}
	w.statusFor(name).tasks[id] = s
	w.generation++
	w.produceInternalAsync(w.opts.statusTopic, fmt.Sprintf("status-task-%s-%d", name, id), statusRecord(s, w.generation))
}

func (w *Worker) putConnectorStatus(name, state, trace string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.putConnectorStatusLocked(name, state, trace)
}

func (w *Worker) putTaskStatus(name string, id int, state, trace string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.putTaskStatusLocked(name, id, state, trace)
}

// deleteStatusLocked writes tombstones for a deleted connector's statuses.
func (w *Worker) deleteStatusLocked(name string) {
	st := w.statuses[name]
	if st == nil {
		return
	}
	for id := range st.tasks {
		w.produceInternalAsync(w.opts.statusTopic, fmt.Sprintf("status-task-%s-%d", name, id), nil)
	}
	w.produceInternalAsync(w.opts.statusTopic, "status-connector-"+name, nil)
	delete(w.statuses, name)
}

// REST shapes (ConnectorStateInfo).

type connectorStateJSON struct {
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

type taskStateJSON struct {
	ID       int    `json:"id"`
	State    string `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

type connectorStateInfo struct {
	Name      string             `json:"name"`
	Connector connectorStateJSON `json:"connector"`
	Tasks     []taskStateJSON    `json:"tasks"`
	Type      string             `json:"type"`
}

// stateInfoLocked builds the status body of a connector, or nil. w.mu held.
func (w *Worker) stateInfoLocked(name string) *connectorStateInfo {
	st := w.statuses[name]
	if st == nil || st.connector == nil {
		return nil
	}
	out := &connectorStateInfo{
		Name:      name,
		Connector: connectorStateJSON{State: st.connector.State, WorkerID: st.connector.WorkerID, Trace: st.connector.Trace},
		Tasks:     []taskStateJSON{},
		Type:      "source",
	}
	if _, ok := w.connectors[name]; !ok {
		out.Type = "unknown"
	}
	ids := make([]int, 0, len(st.tasks))
	for id := range st.tasks {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		t := st.tasks[id]
		out.Tasks = append(out.Tasks, taskStateJSON{ID: id, State: t.State, WorkerID: t.WorkerID, Trace: t.Trace})
	}
	return out
}
