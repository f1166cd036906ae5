package ksqldb

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Custom types as ksqlDB 0.29 keeps them (confluentinc/ksql v7.9.0,
// TypeRegistryImpl, RegisterTypeFactory, DropTypeFactory,
// DdlCommandExec.executeRegisterType and executeDropType): a name,
// upper-cased, for a type; CREATE TYPE and DROP TYPE are commands of the
// command topic. ksqlDB resolves a custom type's name when it builds a
// statement's syntax tree, so a statement holds the type itself: a source
// declared with a custom type, or a query casting to one, keeps its type
// when the name is dropped or registered again.

func (s *Server) execCreateType(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.CreateType) (any, error) {
	t, err := types.FromSQLWith(st.Type, ec.ms.ResolveType)
	if err != nil {
		return nil, err
	}
	name := strings.ToUpper(st.Name)
	old, exists := ec.ms.Types[name]
	if exists && !st.IfNotExists {
		return nil, stmterr.Bad("Cannot register custom type '%s' since it is already registered with type: %s", st.Name, old)
	}
	cmdID := "type/" + st.Name + "/create"
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	if exists {
		return status(p, cmdID, fmt.Sprintf("%s is already registered with type %s", st.Name, old), seq, ""), nil
	}
	ec.ms.Types[name] = t
	return status(p, cmdID, fmt.Sprintf("Registered custom type with name '%s' and SQL type %s", st.Name, t), seq, ""), nil
}

func (s *Server) execDropType(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.DropType) (any, error) {
	name := strings.ToUpper(st.Name)
	_, exists := ec.ms.Types[name]
	if !exists && !st.IfExists {
		return nil, stmterr.Bad("Type %s does not exist.", st.Name)
	}
	cmdID := "type/" + st.Name + "/drop"
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	if !exists {
		return status(p, cmdID, fmt.Sprintf("Type '%s' does not exist", st.Name), seq, ""), nil
	}
	delete(ec.ms.Types, name)
	return status(p, cmdID, fmt.Sprintf("Dropped type '%s'", st.Name), seq, ""), nil
}

func showTypes(ms *metastore.Store, p sql.Parsed) *restapi.TypeList {
	out := &restapi.TypeList{Type: "type_list", StatementText: p.Text, Types: map[string]restapi.FieldSchema{}, Warnings: []restapi.Warning{}}
	for name, t := range ms.Types {
		out.Types[name] = schemaInfo(t)
	}
	return out
}

var sqlTypeOf = reflect.TypeFor[sql.Type]()

// resolveCustomTypes writes the custom types a statement names into it, as
// ksqlDB's parser does: every type in the statement (column definitions,
// CAST targets, a CREATE TYPE's own type) that names a custom type becomes
// that type's text. A type that names none is left as written, and an
// unknown name is left for the statement to refuse.
func resolveCustomTypes(stmt sql.Statement, custom map[string]types.Type) {
	if len(custom) == 0 {
		return
	}
	seen := map[uintptr]bool{}
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			visit(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				visit(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				visit(v.Index(i))
			}
		case reflect.Struct:
			if v.Type() == sqlTypeOf {
				if v.CanSet() {
					resolveOne(v.Addr().Interface().(*sql.Type), custom)
				}
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					visit(v.Field(i))
				}
			}
		}
	}
	visit(reflect.ValueOf(stmt))
}

func resolveOne(t *sql.Type, custom map[string]types.Type) {
	if _, err := types.FromSQL(*t); err == nil {
		return
	}
	resolved, err := types.FromSQLWith(*t, func(name string) (types.Type, bool) {
		ct, ok := custom[name]
		return ct, ok
	})
	if err != nil {
		return
	}
	text := resolved.String()
	name := text
	if i := strings.IndexAny(text, "<("); i >= 0 {
		name = text[:i]
	}
	*t = sql.Type{Name: name, Text: text}
}
