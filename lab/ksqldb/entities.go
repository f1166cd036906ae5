package ksqldb

// The JSON entities of POST /ksql, as ksqlDB 0.29 writes them.

type currentStatus struct {
	Type                  string        `json:"@type"`
	StatementText         string        `json:"statementText"`
	CommandID             string        `json:"commandId"`
	CommandStatus         commandStatus `json:"commandStatus"`
	CommandSequenceNumber int64         `json:"commandSequenceNumber"`
	Warnings              []warning     `json:"warnings"`
}

type commandStatus struct {
	Status  string  `json:"status"`
	Message string  `json:"message"`
	QueryID *string `json:"queryId"`
}

type warning struct {
	Message string `json:"message"`
}

type sourceInfo struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Topic       string `json:"topic"`
	KeyFormat   string `json:"keyFormat"`
	ValueFormat string `json:"valueFormat"`
	IsWindowed  bool   `json:"isWindowed"`
}

type streamsList struct {
	Type          string       `json:"@type"`
	StatementText string       `json:"statementText"`
	Streams       []sourceInfo `json:"streams"`
	Warnings      []warning    `json:"warnings"`
}

type tablesList struct {
	Type          string       `json:"@type"`
	StatementText string       `json:"statementText"`
	Tables        []sourceInfo `json:"tables"`
	Warnings      []warning    `json:"warnings"`
}

type runningQueryInfo struct {
	QueryString    string         `json:"queryString"`
	Sinks          []string       `json:"sinks"`
	SinkKafkaTopic []string       `json:"sinkKafkaTopics"`
	ID             string         `json:"id"`
	StatusCount    map[string]int `json:"statusCount"`
	QueryType      string         `json:"queryType"`
	State          string         `json:"state"`
}

type queriesList struct {
	Type          string             `json:"@type"`
	StatementText string             `json:"statementText"`
	Queries       []runningQueryInfo `json:"queries"`
	Warnings      []warning          `json:"warnings"`
}

type topicInfo struct {
	Name        string `json:"name"`
	ReplicaInfo []int  `json:"replicaInfo"`
}

type topicsList struct {
	Type          string      `json:"@type"`
	StatementText string      `json:"statementText"`
	Topics        []topicInfo `json:"topics"`
	Warnings      []warning   `json:"warnings"`
}

type property struct {
	Name     string `json:"name"`
	Scope    string `json:"scope"`
	Value    string `json:"value"`
	Editable bool   `json:"editable"`
	Level    string `json:"level"`
}

type propertiesList struct {
	Type                  string     `json:"@type"`
	StatementText         string     `json:"statementText"`
	Properties            []property `json:"properties"`
	OverwrittenProperties []string   `json:"overwrittenProperties"`
	DefaultProperties     []string   `json:"defaultProperties"`
	Warnings              []warning  `json:"warnings"`
}

type fieldSchema struct {
	Type         string       `json:"type"`
	Fields       []fieldInfo  `json:"fields"`
	MemberSchema *fieldSchema `json:"memberSchema"`
	// Parameters: a DECIMAL's precision and scale (SchemaInfo, NON_EMPTY)
	Parameters map[string]int `json:"parameters,omitempty"`
}

type fieldInfo struct {
	Name      string      `json:"name"`
	Schema    fieldSchema `json:"schema"`
	Type      string      `json:"type,omitempty"`      // KEY or HEADER (FieldInfo.FieldType)
	HeaderKey string      `json:"headerKey,omitempty"` // the key of a HEADER('key') column
}

type sourceDescription struct {
	Name                 string             `json:"name"`
	WindowType           *string            `json:"windowType"`
	ReadQueries          []runningQueryInfo `json:"readQueries"`
	WriteQueries         []runningQueryInfo `json:"writeQueries"`
	Fields               []fieldInfo        `json:"fields"`
	Type                 string             `json:"type"`
	Timestamp            string             `json:"timestamp"`
	Statistics           string             `json:"statistics"`
	ErrorStats           string             `json:"errorStats"`
	Extended             bool               `json:"extended"`
	KeyFormat            string             `json:"keyFormat"`
	ValueFormat          string             `json:"valueFormat"`
	Topic                string             `json:"topic"`
	Partitions           int                `json:"partitions"`
	Replication          int                `json:"replication"`
	Statement            string             `json:"statement"`
	QueryOffsetSummaries []any              `json:"queryOffsetSummaries"`
	SourceConstraints    []string           `json:"sourceConstraints"`
	ClusterStatistics    []any              `json:"clusterStatistics"`
	ClusterErrorStats    []any              `json:"clusterErrorStats"`
}

type sourceDescriptionEntity struct {
	Type              string            `json:"@type"`
	StatementText     string            `json:"statementText"`
	SourceDescription sourceDescription `json:"sourceDescription"`
	Warnings          []warning         `json:"warnings"`
}

type sourceDescriptionList struct {
	Type               string              `json:"@type"`
	StatementText      string              `json:"statementText"`
	SourceDescriptions []sourceDescription `json:"sourceDescriptions"`
	Warnings           []warning           `json:"warnings"`
}

type statementError struct {
	Type          string `json:"@type"`
	ErrorCode     int    `json:"error_code"`
	Message       string `json:"message"`
	StatementText string `json:"statementText"`
	Entities      []any  `json:"entities"`
}

type genericError struct {
	Type      string `json:"@type"`
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// variablesList is SHOW VARIABLES' entity (VariablesList).
type variablesList struct {
	Type          string          `json:"@type"`
	StatementText string          `json:"statementText"`
	Variables     []variableEntry `json:"variables"`
	Warnings      []warning       `json:"warnings"`
}

type variableEntry struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// warningEntity is ksqlDB's WarningEntity.
type warningEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	Message       string    `json:"message"`
	Warnings      []warning `json:"warnings"`
}

// typeList is the type_list entity of SHOW TYPES (ListTypesExecutor).
type typeList struct {
	Type          string                 `json:"@type"`
	StatementText string                 `json:"statementText"`
	Types         map[string]fieldSchema `json:"types"`
	Warnings      []warning              `json:"warnings"`
}

// assertTopicEntity is ASSERT TOPIC's answer.
type assertTopicEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	TopicName     string    `json:"topicName"`
	Exists        bool      `json:"exists"`
	Warnings      []warning `json:"warnings"`
}

// assertSchemaEntity is ASSERT SCHEMA's answer.
type assertSchemaEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	Subject       *string   `json:"subject"`
	ID            *int      `json:"id"`
	Exists        bool      `json:"exists"`
	Warnings      []warning `json:"warnings"`
}

// functionNameList is the function_names entity of SHOW FUNCTIONS
// (FunctionNameList).
type functionNameList struct {
	Type          string               `json:"@type"`
	StatementText string               `json:"statementText"`
	Functions     []simpleFunctionInfo `json:"functions"`
	Warnings      []warning            `json:"warnings"`
}

// simpleFunctionInfo is one function of SHOW FUNCTIONS.
type simpleFunctionInfo struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Category string `json:"category"`
}
