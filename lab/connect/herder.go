package connect

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"sync"
	"time"
)

// connectorRun is a started connector: the connector instance (a goroutine
// that lists tables and hands them to tasks) and its tasks.
type connectorRun struct {
	w       *Worker
	name    string
	props   map[string]string
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	restart chan struct{}

	mu          sync.Mutex
	tasks       map[int]*taskRun
	taskConfigs []map[string]string
}

type taskRun struct {
	props  map[string]string
	cancel context.CancelFunc
	done   chan struct{}
}

// startLocked starts c according to its target state. w.mu held.
func (w *Worker) startLocked(c *connectorState) {
	switch c.target {
	case targetPaused, targetStopped:
		state := statePaused
		if c.target == targetStopped {
			state = stateStopped
		}
		w.putConnectorStatusLocked(c.name, state, "")
		if st := w.statuses[c.name]; st != nil {
			for id := range st.tasks {
				if c.target == targetStopped {
					w.produceInternalAsync(w.opts.statusTopic, fmt.Sprintf("status-task-%s-%d", c.name, id), nil)
					delete(st.tasks, id)
					continue
				}
				w.putTaskStatusLocked(c.name, id, statePaused, "")
			}
		}
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &connectorRun{
		w:       w,
		name:    c.name,
		props:   maps.Clone(c.props),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
		restart: make(chan struct{}, 1),
		tasks:   map[int]*taskRun{},
	}
	c.run = r
	go r.loop()
}

// stop cancels the connector and its tasks and waits for them.
func (r *connectorRun) stop() {
	r.cancel()
	<-r.done
}

func (r *connectorRun) loop() {
	defer close(r.done)
	defer r.stopTasks()
	for {
		cfg, ok := r.startConnector()
		var tick <-chan time.Time
		var timer *time.Timer
		if ok && cfg.TablePoll > 0 && cfg.Query == "" {
			// Table monitor: the next round re-lists the tables, and a
			// changed table set reconfigures the tasks.
			timer = time.NewTimer(cfg.TablePoll)
			tick = timer.C
		}
		select {
		case <-r.ctx.Done():
		case <-r.restart:
		case <-tick:
		}
		if timer != nil {
			timer.Stop()
		}
		if r.ctx.Err() != nil {
			return
		}
	}
}

// startConnector is JdbcSourceConnector.start + taskConfigs: it reads the
// configuration, lists the tables and (re)starts tasks whose config changed.
func (r *connectorRun) startConnector() (*jdbcConfig, bool) {
	w := r.w
	values := jdbcConfigDef().validateAll(r.props)
	for _, cv := range values {
		if len(cv.Errors) > 0 {
			w.putConnectorStatus(r.name, stateFailed, connectTrace("Couldn't start JdbcSourceConnector due to configuration error", fmt.Errorf("%s", cv.Errors[0])))
			return nil, false
		}
	}
	cfg := parseJDBCConfig(values)
	if cfg.Mode == "" {
		w.putConnectorStatus(r.name, stateFailed, connectTrace("Couldn't start JdbcSourceConnector due to configuration error", fmt.Errorf("Query mode must be specified")))
		return nil, false
	}
	pgcfg, err := parseJDBCURL(cfg.URL, cfg.User, cfg.Password, w.network())
	if err != nil {
		w.putConnectorStatus(r.name, stateFailed, connectTrace(err.Error(), nil))
		return nil, false
	}
	conn, err := connectWithRetry(r.ctx, pgcfg, cfg.Attempts, cfg.Backoff)
	if err != nil {
		if r.ctx.Err() != nil {
			return nil, false
		}
		w.putConnectorStatus(r.name, stateFailed, connectTrace(fmt.Sprintf("Failed to connect to %s after %d attempts", cfg.URL, cfg.Attempts), err))
		return nil, false
	}
	if msg := exclusiveTablesError(cfg); msg != "" {
		_ = conn.Close(context.Background())
		w.putConnectorStatus(r.name, stateFailed, connectTrace(msg, nil))
		return nil, false
	}
	if cfg.Query != "" {
		// JdbcSourceConnector.taskConfigs: one task runs the query; no
		// table monitor.
		_ = conn.Close(context.Background())
		w.mu.Lock()
		if st := w.statuses[r.name]; st == nil || st.connector == nil || st.connector.State != stateRunning {
			w.putConnectorStatusLocked(r.name, stateRunning, "")
		}
		w.mu.Unlock()
		p := maps.Clone(r.props)
		p["tables"] = ""
		p["tables.fetched"] = "true"
		p["task.class"] = jdbcTaskClass
		r.reconcileTasks([]map[string]string{p})
		return cfg, true
	}
	tables, err := listTables(r.ctx, conn, cfg)
	_ = conn.Close(context.Background())
	if err != nil {
		if r.ctx.Err() != nil {
			return nil, false
		}
		w.putConnectorStatus(r.name, stateFailed, connectTrace("Failed to list tables", err))
		return nil, false
	}
	if dup := duplicateNames(tables); len(dup) > 0 {
		w.putConnectorStatus(r.name, stateFailed, connectTrace("The connector uses the unqualified table name as the topic name and has detected duplicate unqualified table names. This could lead to mixed data types in the topic and downstream processing errors. To prevent such processing errors, the JDBC Source connector fails to start when it detects duplicate table name configurations. Update the connector's 'table.whitelist' config to include exactly one table in each of the tables listed below.\n\t"+fmt.Sprint(dup), nil))
		return nil, false
	}
	if len(tables) == 0 {
		w.log.Warn("no tables were found so there's no work to be done", "connector", r.name)
	}
	maxTasks, _ := strconv.Atoi(r.props["tasks.max"])
	if maxTasks < 1 {
		maxTasks = 1
	}
	w.mu.Lock()
	if st := w.statuses[r.name]; st == nil || st.connector == nil || st.connector.State != stateRunning {
		w.putConnectorStatusLocked(r.name, stateRunning, "")
	}
	w.mu.Unlock()
	r.reconcileTasks(taskConfigsFor(r.props, tables, maxTasks))
	return cfg, true
}

// taskConfigsFor splits tables over min(tasks.max, #tables) tasks in
// contiguous groups (ConnectorUtils.groupPartitions); with no tables there is
// one idle task, as JdbcSourceConnector.taskConfigs does.
func taskConfigsFor(props map[string]string, tables []tableID, maxTasks int) []map[string]string {
	groups := [][]tableID{nil}
	if len(tables) > 0 {
		n := min(maxTasks, len(tables))
		groups = make([][]tableID, n)
		per, extra := len(tables)/n, len(tables)%n
		i := 0
		for g := 0; g < n; g++ {
			size := per
			if g < extra {
				size++
			}
			groups[g] = tables[i : i+size]
			i += size
		}
	}
	out := make([]map[string]string, len(groups))
	for g, group := range groups {
		p := maps.Clone(props)
		quoted := make([]string, len(group))
		for i, t := range group {
			quoted[i] = t.quoted()
		}
		p["tables"] = joinComma(quoted)
		p["tables.fetched"] = "true"
		p["task.class"] = jdbcTaskClass
		out[g] = p
	}
	return out
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

func duplicateNames(tables []tableID) []string {
	seen := map[string][]string{}
	for _, t := range tables {
		seen[t.Name] = append(seen[t.Name], t.fqn())
	}
	var dup []string
	for _, fqns := range seen {
		if len(fqns) > 1 {
			dup = append(dup, fqns...)
		}
	}
	sort.Strings(dup)
	return dup
}

// reconcileTasks persists new task configs and (re)starts the tasks whose
// config changed; tasks with an unchanged config keep running (or stay
// FAILED), as in the distributed herder.
func (r *connectorRun) reconcileTasks(configs []map[string]string) {
	w := r.w
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx.Err() != nil {
		return
	}
	changed := len(configs) != len(r.taskConfigs)
	for i := range configs {
		if !changed && !maps.Equal(configs[i], r.taskConfigs[i]) {
			changed = true
		}
	}
	if changed {
		for i, p := range configs {
			w.produceInternalAsync(w.opts.configTopic, fmt.Sprintf("task-%s-%d", r.name, i), configRecord(p))
		}
		w.produceInternalAsync(w.opts.configTopic, "commit-"+r.name, compactJSON(orderedMap{{"tasks", len(configs)}}))
		r.taskConfigs = configs
		w.mu.Lock()
		if c := w.connectors[r.name]; c != nil && c.run == r {
			c.taskConfigs = configs
		}
		w.mu.Unlock()
	}
	for id, t := range r.tasks {
		if id >= len(configs) {
			t.cancel()
			<-t.done
			delete(r.tasks, id)
			w.mu.Lock()
			if st := w.statuses[r.name]; st != nil {
				delete(st.tasks, id)
			}
			w.produceInternalAsync(w.opts.statusTopic, fmt.Sprintf("status-task-%s-%d", r.name, id), nil)
			w.mu.Unlock()
		}
	}
	for id, p := range configs {
		if t, ok := r.tasks[id]; ok && maps.Equal(t.props, p) {
			continue
		}
		r.startTaskLocked(id, p)
	}
}

// startTaskLocked (re)starts one task. r.mu held.
func (r *connectorRun) startTaskLocked(id int, props map[string]string) {
	if t, ok := r.tasks[id]; ok {
		t.cancel()
		<-t.done
	}
	ctx, cancel := context.WithCancel(r.ctx)
	t := &taskRun{props: props, cancel: cancel, done: make(chan struct{})}
	r.tasks[id] = t
	go func() {
		defer close(t.done)
		task := newSourceTask(r.w, r.name, id, props)
		if err := task.run(ctx); err != nil && ctx.Err() == nil {
			r.w.log.Error("task failed", "connector", r.name, "task", id, "err", err)
			r.w.putTaskStatus(r.name, id, stateFailed, traceOf(err))
		}
	}()
}

// restartTask restarts one task with its current config.
func (r *connectorRun) restartTask(id int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id < 0 || id >= len(r.taskConfigs) {
		return false
	}
	r.w.putTaskStatus(r.name, id, stateRestarting, "")
	r.startTaskLocked(id, r.taskConfigs[id])
	return true
}

func (r *connectorRun) stopTasks() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, t := range r.tasks {
		t.cancel()
		<-t.done
		delete(r.tasks, id)
	}
}

func (r *connectorRun) requestRestart() {
	select {
	case r.restart <- struct{}{}:
	default:
	}
}
