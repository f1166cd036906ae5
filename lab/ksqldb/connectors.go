package ksqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// jdbcSourceClass is the one connector class ksqlDB has a template for
// (connect/supported/JdbcSource.java).
const jdbcSourceClass = "io.confluent.connect.jdbc.JdbcSourceConnector"

// connectFailure is the KsqlRestException the connector executors throw
// when Connect answers with an unexpected status: that status, error code
// status*100 (Errors.toErrorCode) and the message before Connect's body.
func connectFailure(prefix string, r connectResponse) error {
	return &requestFailure{status: r.code, code: r.code * 100, msg: prefix + r.errorText()}
}

// callConnect sends one request to Kafka Connect with the statement lock
// let go. The caller holds s.mu (executeAll runs statements under it), but
// ksqlDB runs the connector statements through custom executors
// (CustomExecutors, RequestHandler.executeStatement), not through the
// command topic, so a Connect that is slow or silent holds back only the
// request that called it, never the other statements.
func (s *Server) callConnect(ctx context.Context, method, rel string, body []byte, expected ...int) (connectResponse, error) {
	s.mu.Unlock()
	defer s.mu.Lock()
	return s.connect.do(ctx, method, rel, body, expected...)
}

// execCreateConnector is ConnectExecutor: the sandbox pass validates
// (checks the name is free and has Connect validate the config), the live
// pass creates the connector.
func (s *Server) execCreateConnector(ctx context.Context, ec *execCtx, st *sql.CreateConnector) (any, error) {
	if ec.sandbox {
		return nil, s.validateConnector(ctx, st)
	}
	if st.IfNotExists {
		exists, err := s.connectorExists(ctx, st.Name)
		if err != nil {
			return nil, err
		}
		if exists {
			return &restapi.WarningEntity{Type: "warning_entity", StatementText: st.MaskedText(),
				Message: "Connector " + st.Name + " already exists", Warnings: []restapi.Warning{}}, nil
		}
	}
	keys, vals := connectorConfig(st)
	var body bytes.Buffer
	body.WriteString(`{"name":`)
	body.Write(jsonString(st.Name))
	body.WriteString(`,"config":`)
	body.Write(jsonObject(keys, vals))
	body.WriteString("}")
	r, err := s.callConnect(ctx, http.MethodPost, "/connectors", body.Bytes(), http.StatusCreated)
	if err != nil {
		return nil, err
	}
	if r.failed {
		return nil, connectFailure("Failed to create connector: ", r)
	}
	var info restapi.ConnectorInfo
	if err := json.Unmarshal(r.body, &info); err != nil {
		return nil, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
	}
	info.Tasks = nonNil(info.Tasks)
	if info.Type != nil {
		t := strings.ToLower(*info.Type) // ConnectorType's @JsonValue
		info.Type = &t
	}
	if info.Config == nil {
		info.Config = json.RawMessage("{}")
	}
	return &restapi.CreateConnectorEntity{Type: "connector_info", StatementText: st.MaskedText(), Info: info, Warnings: []restapi.Warning{}}, nil
}

// validateConnector is ConnectExecutor.validate.
func (s *Server) validateConnector(ctx context.Context, st *sql.CreateConnector) error {
	if !st.IfNotExists {
		exists, err := s.connectorExists(ctx, st.Name)
		if err != nil {
			return err
		}
		if exists {
			return &requestFailure{status: http.StatusConflict, code: 40900, msg: "Connector " + st.Name + " already exists"}
		}
	}
	keys, vals := connectorConfig(st)
	class, ok := "", false
	for i, k := range keys {
		if k == "connector.class" {
			class, ok = vals[i], true
		}
	}
	switch {
	case !ok:
		return badRequest("Validation error: Connector config " + javaMapText(keys, vals) + " contains no connector type")
	case strings.TrimSpace(class) == "":
		return badRequest("Validation error: Connector type cannot be empty")
	}
	r, err := s.callConnect(ctx, http.MethodPut, "/connector-plugins/"+class+"/config/validate", jsonObject(keys, vals), http.StatusOK)
	if err != nil {
		return err
	}
	if r.failed {
		return badRequest("Validation error: " + r.errorText())
	}
	var infos struct {
		Configs []struct {
			Value struct {
				Name   string   `json:"name"`
				Errors []string `json:"errors"`
			} `json:"value"`
		} `json:"configs"`
	}
	if err := json.Unmarshal(r.body, &infos); err != nil {
		return &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
	}
	var errs []string
	for _, c := range infos.Configs {
		if len(c.Value.Errors) > 0 {
			errs = append(errs, c.Value.Name+" - "+strings.Join(c.Value.Errors, ". "))
		}
	}
	if len(errs) > 0 {
		return badRequest("Validation error: " + strings.Join(errs, "\n"))
	}
	return nil
}

// connectorExists lists Connect's connectors and reports whether one has
// name, compared ignoring case as ConnectExecutor.connectorExists does.
func (s *Server) connectorExists(ctx context.Context, name string) (bool, error) {
	r, err := s.callConnect(ctx, http.MethodGet, "/connectors", nil, http.StatusOK)
	if err != nil {
		return false, err
	}
	if r.failed {
		return false, &connectServerError{msg: "Failed to check for existing connector: " + r.errorText()}
	}
	var names []string
	if err := json.Unmarshal(r.body, &names); err != nil {
		return false, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) }), nil
}

// connectorConfig is ConnectExecutor.buildConnectorConfig: the WITH
// properties resolved by the connector's template (Connectors.resolve),
// copied into a java.util.HashMap, and "name" put last; keys and values
// come back in that HashMap's iteration order.
func connectorConfig(st *sql.CreateConnector) ([]string, []string) {
	var keys, vals []any
	seen := map[string]int{}
	for _, p := range st.Config {
		if i, ok := seen[p.Key]; ok {
			vals[i] = p.Value
			continue
		}
		seen[p.Key] = len(keys)
		keys, vals = append(keys, p.Key), append(vals, p.Value)
	}
	if i, ok := seen["connector.class"]; ok && vals[i] == jdbcSourceClass {
		keys, vals = resolveJDBCSource(keys, vals)
	}
	config := types.NewDefaultHashMap()
	config.PutAll(keys, vals)
	config.Put("name", st.Name)
	m := config.Map()
	ks, vs := make([]string, len(m.Keys)), make([]string, len(m.Vals))
	for i := range m.Keys {
		ks[i], vs[i] = m.Keys[i].(string), m.Vals[i].(string)
	}
	return ks, vs
}

// resolveJDBCSource is JdbcSource.resolveConfigs: "key" becomes a
// ValueToKey and an ExtractField$Key transformation of that column, and
// tasks.max defaults to 1.
func resolveJDBCSource(keys, vals []any) ([]any, []any) {
	resolved := types.NewDefaultHashMap()
	resolved.PutAll(keys, vals)
	if key, ok := resolved.Get("key"); ok {
		resolved.Remove("key")
		merged := "ksqlCreateKey,ksqlExtractString"
		if old, ok := resolved.Get("transforms"); ok {
			merged = old.(string) + "," + merged
		}
		resolved.Merge("transforms", merged)
		resolved.Put("transforms.ksqlCreateKey.type", "org.apache.kafka.connect.transforms.ValueToKey")
		resolved.Put("transforms.ksqlCreateKey.fields", key)
		resolved.Put("transforms.ksqlExtractString.type", "org.apache.kafka.connect.transforms.ExtractField$Key")
		resolved.Put("transforms.ksqlExtractString.field", key)
	}
	if !resolved.Has("tasks.max") {
		resolved.Put("tasks.max", "1")
	}
	m := resolved.Map()
	return m.Keys, m.Vals
}

// javaMapText is AbstractMap.toString: {k=v, k2=v2}.
func javaMapText(keys, vals []string) string {
	parts := make([]string, len(keys))
	for i := range keys {
		parts[i] = keys[i] + "=" + vals[i]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// jsonString is s as a JSON string, without HTML escaping.
func jsonString(s string) []byte {
	return jsonwire.AppendString(nil, s)
}

// jsonObject writes a Map<String,String> in its iteration order.
func jsonObject(keys, vals []string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(jsonString(keys[i]))
		b.WriteByte(':')
		b.Write(jsonString(vals[i]))
	}
	b.WriteByte('}')
	return b.Bytes()
}

// execDropConnector is DropConnectorExecutor.
func (s *Server) execDropConnector(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.DropConnector) (any, error) {
	if ec.sandbox {
		return nil, nil
	}
	r, err := s.callConnect(ctx, http.MethodDelete, "/connectors/"+st.Name, nil, http.StatusNoContent, http.StatusOK)
	if err != nil {
		return nil, err
	}
	if r.failed {
		if st.IfExists && r.code == http.StatusNotFound {
			return &restapi.WarningEntity{Type: "warning_entity", StatementText: p.Text,
				Message: "Connector '" + st.Name + "' does not exist.", Warnings: []restapi.Warning{}}, nil
		}
		return nil, connectFailure("Failed to drop connector: ", r)
	}
	return &restapi.DropConnectorEntity{Type: "drop_connector", StatementText: p.Text, ConnectorName: st.Name, Warnings: []restapi.Warning{}}, nil
}

// connectConnectorInfo is the part of Connect's GET /connectors/{name}
// the executors read.
type connectConnectorInfo struct {
	Config map[string]string `json:"config"`
	Type   *string           `json:"type"`
}

// execListConnectors is ListConnectorsExecutor.
func (s *Server) execListConnectors(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.ListConnectors) (any, error) {
	if ec.sandbox {
		return nil, nil
	}
	r, err := s.callConnect(ctx, http.MethodGet, "/connectors", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	if r.failed {
		return nil, connectFailure("Failed to list connectors: ", r)
	}
	var names []string
	if err := json.Unmarshal(r.body, &names); err != nil {
		return nil, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
	}
	out := &restapi.ConnectorList{Type: "connector_list", StatementText: p.Text, Warnings: []restapi.Warning{}, Connectors: []restapi.SimpleConnectorInfo{}}
	for _, name := range names {
		dr, err := s.callConnect(ctx, http.MethodGet, "/connectors/"+name, nil, http.StatusOK)
		if err != nil {
			return nil, err
		}
		if dr.failed {
			if st.Scope == "" {
				out.Connectors = append(out.Connectors, restapi.SimpleConnectorInfo{Name: name, Type: "unknown"})
			}
			out.Warnings = append(out.Warnings, restapi.Warning{Message: "Could not describe connector " + name + ": " + dr.errorText()})
			continue
		}
		var info connectConnectorInfo
		if err := json.Unmarshal(dr.body, &info); err != nil {
			return nil, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
		}
		// a connector Connect gives no type is listed without one
		typ := ""
		if info.Type != nil {
			typ = strings.ToLower(*info.Type)
		}
		if st.Scope != "" && !strings.EqualFold(typ, st.Scope) {
			continue
		}
		status, err := s.connectorStatus(ctx, name)
		if err != nil {
			return nil, err
		}
		if status.failed {
			// fromConnectorInfoResponse reads the absent status with
			// Optional.get()
			return nil, &connectServerError{msg: "No value present"}
		}
		out.Connectors = append(out.Connectors, restapi.SimpleConnectorInfo{Name: name, Type: typ,
			ClassName: info.Config["connector.class"], State: summarizeConnectorState(status.info)})
	}
	return out, nil
}

// connectorStatusResponse is a GET /connectors/{name}/status answer.
type connectorStatusResponse struct {
	connectResponse
	info restapi.ConnectorStateInfo
}

func (s *Server) connectorStatus(ctx context.Context, name string) (connectorStatusResponse, error) {
	r, err := s.callConnect(ctx, http.MethodGet, "/connectors/"+name+"/status", nil, http.StatusOK)
	if err != nil {
		return connectorStatusResponse{}, err
	}
	out := connectorStatusResponse{connectResponse: r}
	if !r.failed {
		if err := json.Unmarshal(r.body, &out.info); err != nil {
			return out, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
		}
		out.info.Tasks = nonNil(out.info.Tasks)
		if out.info.Type != nil {
			t := strings.ToLower(*out.info.Type)
			out.info.Type = &t
		}
	}
	return out, nil
}

// summarizeConnectorState is ListConnectorsExecutor.summarizeState: a
// RUNNING connector with its count of RUNNING tasks, WARNING when it has
// tasks and none runs.
func summarizeConnectorState(st restapi.ConnectorStateInfo) string {
	state := ""
	if st.Connector.State != nil {
		state = *st.Connector.State
	}
	if state != "RUNNING" {
		return state
	}
	running := 0
	for _, t := range st.Tasks {
		if t.State != nil && *t.State == "RUNNING" {
			running++
		}
	}
	head := "RUNNING"
	if len(st.Tasks) > 0 && running == 0 {
		head = "WARNING"
	}
	return head + " (" + strconv.Itoa(running) + "/" + strconv.Itoa(len(st.Tasks)) + " tasks RUNNING)"
}

// execDescribeConnector is DescribeConnectorExecutor: the status, the
// config's class, and for a JDBC source connector the topics Connect
// reports as active with the streams and tables over them.
func (s *Server) execDescribeConnector(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.DescribeConnector) (any, error) {
	if ec.sandbox {
		return nil, nil
	}
	status, err := s.connectorStatus(ctx, st.Name)
	if err != nil {
		return nil, err
	}
	if status.failed {
		return nil, connectFailure("Failed to query connector status: ", status.connectResponse)
	}
	dr, err := s.callConnect(ctx, http.MethodGet, "/connectors/"+st.Name, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	if dr.failed {
		return nil, connectFailure("Failed to describe connector: ", dr)
	}
	var info connectConnectorInfo
	if err := json.Unmarshal(dr.body, &info); err != nil {
		return nil, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
	}
	out := &restapi.ConnectorDescription{Type: "connector_description", StatementText: p.Text,
		ConnectorClass: info.Config["connector.class"], Status: status.info,
		Sources: []restapi.SourceDescription{}, Topics: []string{}, Warnings: []restapi.Warning{}}
	if info.Config["connector.class"] != jdbcSourceClass {
		return out, nil
	}
	tr, err := s.callConnect(ctx, http.MethodGet, "/connectors/"+st.Name+"/topics", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	switch {
	case tr.failed && tr.code == http.StatusNotFound:
		// an older Connect without KIP-558: logged, not warned
		s.log.Warn("Could not list related topics due to error: " + tr.errorText())
	case tr.failed:
		out.Warnings = append(out.Warnings, restapi.Warning{Message: "Could not list related topics due to error: " + tr.errorText()})
	default:
		var active map[string]map[string][]string
		if err := json.Unmarshal(tr.body, &active); err != nil {
			return nil, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
		}
		out.Topics = nonNil(active[st.Name]["topics"])
	}
	names := make([]string, 0, len(ec.ms.Sources))
	for n := range ec.ms.Sources {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		src := ec.ms.Sources[n]
		if !slices.Contains(out.Topics, src.Topic) {
			continue
		}
		var ignored []restapi.Warning
		d, err := s.describe(ctx, ec.ms, src, false, &ignored)
		if err != nil {
			return nil, err
		}
		// SourceDescriptionFactory.create with no queries, no topic
		// description and no constraints
		d.ReadQueries, d.WriteQueries = []restapi.RunningQueryInfo{}, []restapi.RunningQueryInfo{}
		d.Partitions, d.Replication = 0, 0
		d.SourceConstraints = []string{}
		out.Sources = append(out.Sources, d)
	}
	return out, nil
}

// execListConnectorPlugins is ListConnectorPluginsExecutor: Connect's
// connector plugins, read with Connect's "class" as className.
func (s *Server) execListConnectorPlugins(ctx context.Context, ec *execCtx, p sql.Parsed) (any, error) {
	if ec.sandbox {
		return nil, nil
	}
	r, err := s.callConnect(ctx, http.MethodGet, "/connector-plugins", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	if r.failed {
		return nil, connectFailure("Failed to list connector plugins: ", r)
	}
	var plugins []struct {
		Class     *string `json:"class"`
		ClassName *string `json:"className"`
		Type      *string `json:"type"`
		Version   *string `json:"version"`
	}
	if err := json.Unmarshal(r.body, &plugins); err != nil {
		return nil, &connectServerError{msg: "io.confluent.ksql.util.KsqlServerException: " + err.Error()}
	}
	out := &restapi.ConnectorPluginsList{Type: "connector_plugins_list", StatementText: p.Text, Warnings: []restapi.Warning{},
		Plugins: make([]restapi.SimpleConnectorPluginInfo, 0, len(plugins))}
	for _, pl := range plugins {
		var info restapi.SimpleConnectorPluginInfo
		switch {
		case pl.ClassName != nil:
			info.ClassName = *pl.ClassName
		case pl.Class != nil:
			info.ClassName = *pl.Class
		default:
			// SimpleConnectorPluginInfo's requireNonNull
			return nil, &connectServerError{msg: "className"}
		}
		if pl.Type != nil {
			info.Type = strings.ToLower(*pl.Type)
		}
		if pl.Version != nil {
			info.Version = *pl.Version
		}
		out.Plugins = append(out.Plugins, info)
	}
	return out, nil
}

// connectServerError is an exception of the connector statements that is
// no KsqlException (a KsqlServerException, or a Java runtime exception):
// KsqlResource answers it with HTTP 500 and a statement_error naming the
// whole request, masked (Errors.serverErrorForStatement).
type connectServerError struct{ msg string }

func (e *connectServerError) Error() string { return e.msg }

// isConnectServerError reports whether err is a connectServerError.
func isConnectServerError(err error) bool {
	var ce *connectServerError
	return errors.As(err, &ce)
}

// maskedRequest is QueryMask.getMaskedStatement of a request: each
// statement's text, a CREATE CONNECTOR's or an INSERT ... VALUES's rebuilt
// with its values masked, one per line.
func maskedRequest(stmts []sql.Parsed) string {
	parts := make([]string, len(stmts))
	for i, p := range stmts {
		parts[i] = p.Text
		switch st := p.Stmt.(type) {
		case *sql.CreateConnector:
			parts[i] = st.MaskedText()
		case *sql.InsertValues:
			parts[i] = st.MaskedText()
		}
	}
	return strings.Join(parts, "\n")
}
