package restapi

import "encoding/json"

// The entities of ksqlDB's connector statements (ksqldb-rest-model's
// CreateConnectorEntity, ConnectorList, ConnectorDescription and
// DropConnectorEntity), their fields in Jackson's order: the creator's
// parameters first.

// ConnectorInfo is a connector as Kafka Connect describes it: its name,
// its config in the order Connect wrote it, its tasks and its type
// (source, sink or unknown).
type ConnectorInfo struct {
	Name   string          `json:"name"`
	Config json.RawMessage `json:"config"`
	Tasks  []ConnectorTask `json:"tasks"`
	Type   *string         `json:"type"`
}

// ConnectorTask is ConnectorInfo.ConnectorTaskId.
type ConnectorTask struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

// CreateConnectorEntity is the connector_info answer of CREATE CONNECTOR.
type CreateConnectorEntity struct {
	Type          string        `json:"@type"`
	StatementText string        `json:"statementText"`
	Info          ConnectorInfo `json:"info"`
	Warnings      []Warning     `json:"warnings"`
}

// DropConnectorEntity is the drop_connector answer of DROP CONNECTOR.
type DropConnectorEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	ConnectorName string    `json:"connectorName"`
	Warnings      []Warning `json:"warnings"`
}

// ConnectorList is the connector_list answer of SHOW CONNECTORS.
type ConnectorList struct {
	Type          string                `json:"@type"`
	StatementText string                `json:"statementText"`
	Warnings      []Warning             `json:"warnings"`
	Connectors    []SimpleConnectorInfo `json:"connectors"`
}

// SimpleConnectorInfo is a row of SHOW CONNECTORS; absent fields are left
// out (@JsonInclude(NON_NULL)).
type SimpleConnectorInfo struct {
	Name      string `json:"name"`
	Type      string `json:"type,omitempty"`
	ClassName string `json:"className,omitempty"`
	State     string `json:"state,omitempty"`
}

// ConnectorDescription is the connector_description answer of DESCRIBE
// CONNECTOR.
type ConnectorDescription struct {
	Type           string              `json:"@type"`
	StatementText  string              `json:"statementText"`
	ConnectorClass string              `json:"connectorClass"`
	Status         ConnectorStateInfo  `json:"status"`
	Sources        []SourceDescription `json:"sources"`
	Topics         []string            `json:"topics"`
	Warnings       []Warning           `json:"warnings"`
}

// ConnectorStateInfo is a connector's status as Kafka Connect reports it.
type ConnectorStateInfo struct {
	Name      string         `json:"name"`
	Connector ConnectorState `json:"connector"`
	Tasks     []TaskState    `json:"tasks"`
	Type      *string        `json:"type"`
}

// ConnectorState is the connector's own state; trace is left out when
// empty (@JsonInclude(NON_EMPTY)).
type ConnectorState struct {
	State    *string `json:"state"`
	WorkerID *string `json:"worker_id"`
	Trace    string  `json:"trace,omitempty"`
}

// TaskState is one task's state.
type TaskState struct {
	ID       int     `json:"id"`
	State    *string `json:"state"`
	WorkerID *string `json:"worker_id"`
	Trace    string  `json:"trace,omitempty"`
}

// ConnectorPluginsList is the connector_plugins_list answer of SHOW
// CONNECTOR PLUGINS; its list is named connectorsPlugins.
type ConnectorPluginsList struct {
	Type          string                      `json:"@type"`
	StatementText string                      `json:"statementText"`
	Warnings      []Warning                   `json:"warnings"`
	Plugins       []SimpleConnectorPluginInfo `json:"connectorsPlugins"`
}

// SimpleConnectorPluginInfo is a plugin as Connect lists it; absent
// fields are left out (@JsonInclude(NON_NULL)).
type SimpleConnectorPluginInfo struct {
	ClassName string `json:"className"`
	Type      string `json:"type,omitempty"`
	Version   string `json:"version,omitempty"`
}
