package sql

// Statement is one parsed statement.
type Statement interface {
	statement()
}

// Parsed is a statement with its text as written (including the ';').
type Parsed struct {
	Text string
	Pos  Pos
	Stmt Statement
	// Vars are the variable references (${name}) outside string literals,
	// in the order written.
	Vars []VarRef
}

// Type is a SQL type as written in a column definition or CAST.
type Type struct {
	Name string // upper-cased base name: INTEGER, BIGINT, STRING, DECIMAL, ARRAY, ...
	Text string // the type as written, for messages
}

// ColumnDef is a column in CREATE STREAM/TABLE.
type ColumnDef struct {
	Name       string
	Type       Type
	Key        bool   // KEY
	PrimaryKey bool   // PRIMARY KEY
	Headers    bool   // HEADERS / HEADER('k')
	HeaderKey  string // the k of HEADER('k')
	OneHeader  bool   // HEADER('k'): the last header with key k, not all of them
	Pos        Pos
}

// Property is one WITH (...) entry; Name is upper-cased.
type Property struct {
	Name  string
	Value Expr // a literal
	Pos   Pos
}

// CreateSource is CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] ... [AS SELECT].
type CreateSource struct {
	Table       bool
	Name        string
	OrReplace   bool
	SourceOnly  bool // CREATE SOURCE TABLE/STREAM
	IfNotExists bool
	Columns     []ColumnDef
	Props       []Property
	Query       *Query // non-nil for CREATE ... AS SELECT
}

// InsertInto is INSERT INTO target [WITH (...)] SELECT ....
type InsertInto struct {
	Target string
	Query  *Query
	With   []Property // WITH (QUERY_ID = '...'), before SELECT
	Pos    Pos        // where the statement starts
}

// InsertValues is INSERT INTO target [(col, ...)] VALUES (expr, ...); no
// Columns means every key then value column, in schema order.
type InsertValues struct {
	Target  string
	Columns []string
	Values  []Expr
}

// Print is PRINT topic [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]; the
// topic name is kept as written (names are case-sensitive). Interval 0
// means none was given.
type Print struct {
	Topic         string
	FromBeginning bool
	Interval      int64
	Limit         *int64
	// NotInteger names the first clause (INTERVAL, LIMIT) whose number is
	// not an integer, which preparing the statement refuses
	NotInteger string
}

// Explain is EXPLAIN <query id>.
type Explain struct {
	QueryID string
}

// Show is SHOW|LIST STREAMS|TABLES|QUERIES|TOPICS|PROPERTIES [EXTENDED].
type Show struct {
	What     string
	Extended bool
	All      bool // SHOW ALL TOPICS
}

// Describe is DESCRIBE [EXTENDED] name, or DESCRIBE STREAMS|TABLES [EXTENDED].
type Describe struct {
	Name     string
	Extended bool
	List     string // "STREAMS" or "TABLES" for DESCRIBE STREAMS|TABLES
}

// DescribeFunction is DESCRIBE FUNCTION name; Name is the identifier as
// written, quotes included.
type DescribeFunction struct {
	Name string
}

// Drop is DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC].
// AlterSource is ALTER STREAM|TABLE name ADD [COLUMN] name type [, ...].
type AlterSource struct {
	Table   bool
	Name    string
	Columns []ColumnDef
}

type Drop struct {
	Table       bool
	Name        string
	IfExists    bool
	DeleteTopic bool
}

// CreateType is CREATE TYPE [IF NOT EXISTS] name AS type: a name for a type
// that later statements may use wherever a type goes.
type CreateType struct {
	Name        string
	IfNotExists bool
	Type        Type
}

// DropType is DROP TYPE [IF EXISTS] name.
type DropType struct {
	Name     string
	IfExists bool
}

// AssertTopic is ASSERT [NOT EXISTS] TOPIC name [WITH (...)] [TIMEOUT n unit].
type AssertTopic struct {
	Topic   string
	Exists  bool // false for ASSERT NOT EXISTS
	Props   []Property
	Timeout *WindowTime
}

// AssertSchema is ASSERT [NOT EXISTS] SCHEMA [SUBJECT name] [ID literal]
// [TIMEOUT n unit]. ID is the literal as written.
type AssertSchema struct {
	Subject *string
	ID      *Literal
	Exists  bool
	Timeout *WindowTime
}

// Pause is PAUSE id | PAUSE ALL, or with Resume set RESUME id | RESUME ALL.
type Pause struct {
	QueryID string
	All     bool
	Resume  bool
}

// AlterSystem is ALTER SYSTEM 'name'='value'.
type AlterSystem struct {
	Name, Value string
}

// Terminate is TERMINATE [QUERY] id | TERMINATE ALL.
type Terminate struct {
	QueryID string
	All     bool
}

// SetProperty is SET 'name'='value'.
type SetProperty struct {
	Name, Value string
}

// DefineVariable is DEFINE name = 'value'; Value is the literal's contents.
type DefineVariable struct {
	Name, Value string
}

// UndefineVariable is UNDEFINE name.
type UndefineVariable struct {
	Name string
}

// UnsetProperty is UNSET 'name'.
type UnsetProperty struct {
	Name string
}

// QueryStatement is a bare SELECT (push or pull query).
type QueryStatement struct {
	Query *Query
}

func (*CreateType) statement()       {}
func (*AlterSystem) statement()      {}
func (*Pause) statement()            {}
func (*AssertTopic) statement()      {}
func (*AssertSchema) statement()     {}
func (*DropType) statement()         {}
func (*CreateSource) statement()     {}
func (*InsertInto) statement()       {}
func (*InsertValues) statement()     {}
func (*Print) statement()            {}
func (*Explain) statement()          {}
func (*Show) statement()             {}
func (*Describe) statement()         {}
func (*DescribeFunction) statement() {}
func (*Drop) statement()             {}
func (*AlterSource) statement()      {}
func (*Terminate) statement()        {}
func (*SetProperty) statement()      {}
func (*DefineVariable) statement()   {}
func (*UndefineVariable) statement() {}
func (*UnsetProperty) statement()    {}
func (*QueryStatement) statement()   {}

// Query is a SELECT.
type Query struct {
	Items     []SelectItem
	From      string
	FromAlias string
	FromPos   Pos
	Window    *Window        // nil without a WINDOW clause
	Joins     []JoinedSource // in the order written (see join.go)
	Where     Expr
	GroupBy   []Expr
	// HasGroupBy: the clause is there, maybe as "GROUP BY ()"
	HasGroupBy bool
	// PARTITION BY: the expressions (none for "PARTITION BY ()"), whether
	// the clause is there and where it starts
	PartitionBy    []Expr
	HasPartitionBy bool
	PartitionPos   Pos
	Having         Expr
	EmitChanges    bool
	EmitFinal      bool
	Limit          *int64
	// LimitNotInteger: the LIMIT is a number that is not an integer, which
	// the grammar takes and preparing the statement refuses
	LimitNotInteger bool
}

// SelectItem is one projection entry: '*', 'alias.*', 'struct->*' or an
// expression with an optional alias.
type SelectItem struct {
	Star      bool
	StructAll bool   // Expr->*: every field of the struct Expr
	Qualifier string // for alias.*
	Expr      Expr
	Alias     string
	Pos       Pos
}

// Expr is an expression node.
type Expr interface {
	Position() Pos
}

// LiteralKind tells which kind of literal a Literal is.
type LiteralKind int

// Literal kinds.
const (
	NullLit LiteralKind = iota
	BoolLit
	IntLit
	DecimalLit
	DoubleLit
	StringLit
)

// Literal is a constant.
type Literal struct {
	Kind LiteralKind
	Text string // number text or string value
	Bool bool
	P    Pos
}

// ColumnRef is a (possibly qualified) column name.
type ColumnRef struct {
	Qualifier string
	Name      string
	P         Pos
}

// FuncCall is a function call; Star marks COUNT(*).
type FuncCall struct {
	Name     string // upper-cased
	Args     []Expr
	Star     bool
	Distinct bool
	P        Pos
}

// Binary is an arithmetic, comparison, logical or concatenation operator.
type Binary struct {
	Op   string // + - * / % = <> < <= > >= AND OR, IS DISTINCT FROM
	L, R Expr
	P    Pos
}

// Unary is NOT x or -x / +x.
type Unary struct {
	Op string // NOT, -, +
	X  Expr
	P  Pos
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
	P   Pos
}

// Between is x [NOT] BETWEEN lo AND hi.
type Between struct {
	X, Lo, Hi Expr
	Not       bool
	P         Pos
}

// InList is x [NOT] IN (a, b, ...).
type InList struct {
	X    Expr
	List []Expr
	Not  bool
	P    Pos
}

// Like is x [NOT] LIKE pattern [ESCAPE 'c'].
type Like struct {
	X, Pattern Expr
	Not        bool
	Escape     rune // 0 when there is no ESCAPE clause
	P          Pos
}

// When is one WHEN ... THEN ... branch of a CASE.
type When struct {
	Cond, Result Expr
}

// Case is CASE [operand] WHEN ... THEN ... [ELSE ...] END; Operand is nil for
// the searched form.
type Case struct {
	Operand Expr
	Whens   []When
	Else    Expr
	P       Pos
}

// Cast is CAST(x AS type).
type Cast struct {
	X    Expr
	Type Type
	P    Pos
}

// Position returns where the expression starts.
func (e *Literal) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *ColumnRef) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *FuncCall) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Binary) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Unary) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *IsNull) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Between) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *InList) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Like) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Cast) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Case) Position() Pos { return e.P }

// ArrayCtor is ARRAY[e, ...].
type ArrayCtor struct {
	Elems []Expr
	P     Pos
}

// MapCtor is MAP(k := v, ...).
type MapCtor struct {
	Keys, Values []Expr
	P            Pos
}

// StructCtor is STRUCT(name := v, ...).
type StructCtor struct {
	Names  []string
	Values []Expr
	P      Pos
}

// Subscript is x[index]: an ARRAY element (1-based) or a MAP value.
type Subscript struct {
	X, Index Expr
	P        Pos
}

// Deref is x->field, a STRUCT field.
type Deref struct {
	X     Expr
	Field string
	P     Pos
}

// Position returns where the expression starts.
func (e *ArrayCtor) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *MapCtor) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *StructCtor) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Subscript) Position() Pos { return e.P }

// Position returns where the expression starts.
func (e *Deref) Position() Pos { return e.P }

// UnsupportedError names a construct ksqlDB accepts but this server does not run.
type UnsupportedError struct {
	Pos       Pos
	Construct string
}

func (e *UnsupportedError) Error() string {
	return e.Construct + " is not supported by this ksqlDB server"
}

// Lambda is a lambda function argument of TRANSFORM, FILTER or REDUCE:
// "x => body" or "(x, y) => body".
type Lambda struct {
	Params []string
	Body   Expr
	P      Pos
}

// Position implements Expr.
func (e *Lambda) Position() Pos { return e.P }
