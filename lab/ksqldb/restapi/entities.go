package restapi

// The JSON entities of POST /ksql, as ksqlDB 0.29 writes them.

type CurrentStatus struct {
	Type                  string        `json:"@type"`
	StatementText         string        `json:"statementText"`
	CommandID             string        `json:"commandId"`
	CommandStatus         CommandStatus `json:"commandStatus"`
	CommandSequenceNumber int64         `json:"commandSequenceNumber"`
	Warnings              []Warning     `json:"warnings"`
}

type CommandStatus struct {
	Status  string  `json:"status"`
	Message string  `json:"message"`
	QueryID *string `json:"queryId"`
}

type Warning struct {
	Message string `json:"message"`
}

type SourceInfo struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Topic       string `json:"topic"`
	KeyFormat   string `json:"keyFormat"`
	ValueFormat string `json:"valueFormat"`
	IsWindowed  bool   `json:"isWindowed"`
}

type StreamsList struct {
	Type          string       `json:"@type"`
	StatementText string       `json:"statementText"`
	Streams       []SourceInfo `json:"streams"`
	Warnings      []Warning    `json:"warnings"`
}

type TablesList struct {
	Type          string       `json:"@type"`
	StatementText string       `json:"statementText"`
	Tables        []SourceInfo `json:"tables"`
	Warnings      []Warning    `json:"warnings"`
}

type RunningQueryInfo struct {
	QueryString    string         `json:"queryString"`
	Sinks          []string       `json:"sinks"`
	SinkKafkaTopic []string       `json:"sinkKafkaTopics"`
	ID             string         `json:"id"`
	StatusCount    map[string]int `json:"statusCount"`
	QueryType      string         `json:"queryType"`
	State          string         `json:"state"`
}

type QueriesList struct {
	Type          string             `json:"@type"`
	StatementText string             `json:"statementText"`
	Queries       []RunningQueryInfo `json:"queries"`
	Warnings      []Warning          `json:"warnings"`
}

type TopicInfo struct {
	Name        string `json:"name"`
	ReplicaInfo []int  `json:"replicaInfo"`
}

type TopicsList struct {
	Type          string      `json:"@type"`
	StatementText string      `json:"statementText"`
	Topics        []TopicInfo `json:"topics"`
	Warnings      []Warning   `json:"warnings"`
}

type Property struct {
	Name     string  `json:"name"`
	Scope    string  `json:"scope"`
	Value    *string `json:"value"` // null for a null setting
	Editable bool    `json:"editable"`
	Level    string  `json:"level"`
}

type PropertiesList struct {
	Type                  string     `json:"@type"`
	StatementText         string     `json:"statementText"`
	Properties            []Property `json:"properties"`
	OverwrittenProperties []string   `json:"overwrittenProperties"`
	DefaultProperties     []string   `json:"defaultProperties"`
	Warnings              []Warning  `json:"warnings"`
}

type FieldSchema struct {
	Type         string       `json:"type"`
	Fields       []FieldInfo  `json:"fields"`
	MemberSchema *FieldSchema `json:"memberSchema"`
	// Parameters: a DECIMAL's precision and scale (SchemaInfo, NON_EMPTY)
	Parameters map[string]int `json:"parameters,omitempty"`
}

type FieldInfo struct {
	Name      string      `json:"name"`
	Schema    FieldSchema `json:"schema"`
	Type      string      `json:"type,omitempty"`      // KEY or HEADER (FieldInfo.FieldType)
	HeaderKey string      `json:"headerKey,omitempty"` // the key of a HEADER('key') column
}

type SourceDescription struct {
	Name                 string             `json:"name"`
	WindowType           *string            `json:"windowType"`
	ReadQueries          []RunningQueryInfo `json:"readQueries"`
	WriteQueries         []RunningQueryInfo `json:"writeQueries"`
	Fields               []FieldInfo        `json:"fields"`
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

type SourceDescriptionEntity struct {
	Type              string            `json:"@type"`
	StatementText     string            `json:"statementText"`
	SourceDescription SourceDescription `json:"sourceDescription"`
	Warnings          []Warning         `json:"warnings"`
}

type SourceDescriptionList struct {
	Type               string              `json:"@type"`
	StatementText      string              `json:"statementText"`
	SourceDescriptions []SourceDescription `json:"sourceDescriptions"`
	Warnings           []Warning           `json:"warnings"`
}

type StatementError struct {
	Type          string `json:"@type"`
	ErrorCode     int    `json:"error_code"`
	Message       string `json:"message"`
	StatementText string `json:"statementText"`
	Entities      []any  `json:"entities"`
}

type GenericError struct {
	Type      string `json:"@type"`
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// VariablesList is SHOW VARIABLES' entity (VariablesList).
type VariablesList struct {
	Type          string          `json:"@type"`
	StatementText string          `json:"statementText"`
	Variables     []VariableEntry `json:"variables"`
	Warnings      []Warning       `json:"warnings"`
}

type VariableEntry struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// WarningEntity is ksqlDB's WarningEntity.
type WarningEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	Message       string    `json:"message"`
	Warnings      []Warning `json:"warnings"`
}

// TypeList is the type_list entity of SHOW TYPES (ListTypesExecutor).
type TypeList struct {
	Type          string                 `json:"@type"`
	StatementText string                 `json:"statementText"`
	Types         map[string]FieldSchema `json:"types"`
	Warnings      []Warning              `json:"warnings"`
}

// AssertTopicEntity is ASSERT TOPIC's answer.
type AssertTopicEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	TopicName     string    `json:"topicName"`
	Exists        bool      `json:"exists"`
	Warnings      []Warning `json:"warnings"`
}

// AssertSchemaEntity is ASSERT SCHEMA's answer.
type AssertSchemaEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	Subject       *string   `json:"subject"`
	ID            *int      `json:"id"`
	Exists        bool      `json:"exists"`
	Warnings      []Warning `json:"warnings"`
}

// FunctionNameList is the function_names entity of SHOW FUNCTIONS
// (FunctionNameList).
type FunctionNameList struct {
	Type          string               `json:"@type"`
	StatementText string               `json:"statementText"`
	Functions     []SimpleFunctionInfo `json:"functions"`
	Warnings      []Warning            `json:"warnings"`
}

// SimpleFunctionInfo is one function of SHOW FUNCTIONS.
type SimpleFunctionInfo struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Category string `json:"category"`
}

// FunctionDescriptionList is the describe_function entity of DESCRIBE
// TerminateQueryEntity is the answer to TERMINATE of a push query
// (TerminateQueryEntity: the creator's properties, then KsqlEntity's
// warnings).
type TerminateQueryEntity struct {
	Type          string    `json:"@type"`
	StatementText string    `json:"statementText"`
	QueryID       string    `json:"queryId"`
	WasTerminated bool      `json:"wasTerminated"`
	Warnings      []Warning `json:"warnings"`
}

// FUNCTION (FunctionDescriptionList; fields in the order ksqlDB writes
// them, as ConsoleTest.shouldPrintFunctionDescription.approved.json shows).
type FunctionDescriptionList struct {
	Type          string         `json:"@type"`
	StatementText string         `json:"statementText"`
	Name          string         `json:"name"`
	Description   string         `json:"description"`
	Author        string         `json:"author"`
	Version       string         `json:"version"`
	Path          string         `json:"path"`
	Functions     []FunctionInfo `json:"functions"`
	FunctionType  string         `json:"type"`
	Warnings      []Warning      `json:"warnings"`
}

// FunctionInfo is one variation of a described function (FunctionInfo);
// argumentTypes is its deprecated getter, which Jackson writes too.
type FunctionInfo struct {
	Arguments     []ArgumentInfo `json:"arguments"`
	ReturnType    string         `json:"returnType"`
	Description   string         `json:"description"`
	ArgumentTypes []string       `json:"argumentTypes"`
}

// ArgumentInfo is one argument of a FunctionInfo (ArgumentInfo).
type ArgumentInfo struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	IsVariadic  bool   `json:"isVariadic"`
}
