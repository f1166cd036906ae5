package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/functions"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// DESCRIBE FUNCTION as ksqlDB 0.29's DescribeFunctionExecutor answers it
// (confluentinc/ksql v7.9.0,
// ksqldb-rest-app/.../rest/server/execution/DescribeFunctionExecutor.java):
// the describe_function entity of the function's factory, looked up by
// the upper-cased name as written (InternalFunctionRegistry), each
// variation with its arguments and return type (functions.DescribeFunction
// holds them, generated from ksqlDB's annotations). A name with no
// function fails the request with the KsqlException of
// InternalFunctionRegistry.getUdfFactory, which KsqlResource answers with
// Errors.badRequest: HTTP 400, generic_error 40000.

func describeFunction(p sql.Parsed, st *sql.DescribeFunction) (*restapi.FunctionDescriptionList, error) {
	d, ok := functions.DescribeFunction(strings.ToUpper(st.Name))
	if !ok {
		return nil, badRequest("Can't find any functions with the name '" + st.Name + "'")
	}
	infos := make([]restapi.FunctionInfo, 0, len(d.Functions))
	for _, v := range d.Functions {
		args := make([]restapi.ArgumentInfo, 0, len(v.Arguments))
		types := make([]string, 0, len(v.Arguments))
		for _, a := range v.Arguments {
			args = append(args, restapi.ArgumentInfo{Name: a.Name, Type: a.Type, Description: a.Description, IsVariadic: a.Variadic})
			types = append(types, a.Type)
		}
		infos = append(infos, restapi.FunctionInfo{Arguments: args, ReturnType: v.ReturnType, Description: v.Description, ArgumentTypes: types})
	}
	return &restapi.FunctionDescriptionList{Type: "describe_function", StatementText: p.Text, Name: d.Name,
		Description: d.Description, Author: d.Author, Version: d.Version, Path: d.Path, Functions: infos,
		FunctionType: d.Type, Warnings: []restapi.Warning{}}, nil
}
