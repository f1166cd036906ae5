package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/labstate"
)

// stackPlan is how serve finds its stack when no endpoint was given.
type stackPlan int

const (
	// planGiven: endpoints came from flags or CTALAB_* variables.
	planGiven stackPlan = iota
	// planLab: a lab started by "bin/lab up" is recorded and answers.
	planLab
	// planEmbedded: start the embedded stack in this process.
	planEmbedded
	// planLocal: something speaking Kafka answers on the standard port.
	planLocal
)

// findStack decides where serve's stack is. Given endpoints win. Otherwise
// the lab recorded in labDir (bin/lab up's state, .lab/lab.json) is used
// when its broker answers: its endpoints, including the JDBC URL as Kafka
// Connect reaches PostgreSQL (postgres:5432 inside the compose network),
// replace the defaults. LAB_STACK narrows the choice: containers needs a
// running containers lab, external needs the CTALAB_* variables, embedded
// ignores a recorded lab.
func findStack(ef *endpointFlags, labDir, kafkaAddr string) (stackPlan, *labstate.State, error) {
	want := os.Getenv("LAB_STACK")
	switch want {
	case "", "embedded", "containers", "external":
	default:
		return 0, nil, fmt.Errorf("LAB_STACK=%q: want embedded, containers or external", want)
	}
	if ef.given {
		return planGiven, nil, nil
	}
	if want == "external" {
		return 0, nil, errors.New("LAB_STACK=external: give the stack's endpoints with CTALAB_BROKERS, CTALAB_SCHEMA_REGISTRY, CTALAB_REST_PROXY, CTALAB_CONNECT, CTALAB_KSQLDB and CTALAB_POSTGRES_FROM_CONNECT (or the matching flags)")
	}
	st, err := labstate.Read(labDir)
	if err != nil {
		return 0, nil, err
	}
	up := st != nil && len(st.Endpoints.Brokers) > 0 && listening(st.Endpoints.Brokers[0])
	if want == "containers" {
		if !up || st.Provider != "compose" {
			return 0, nil, fmt.Errorf("LAB_STACK=containers: no containers lab is up (none recorded in %s answers); start one with: bin/lab up --provider compose", labstate.Path(labDir))
		}
		return planLab, st, nil
	}
	if up && (want == "" || (want == "embedded" && st.Provider == "embedded")) {
		return planLab, st, nil
	}
	if !listening(kafkaAddr) {
		return planEmbedded, nil, nil
	}
	return planLocal, nil, nil
}

// useLab points ef at the recorded lab's endpoints; a secured lab's
// client properties file gives them with the credentials.
func (e *endpointFlags) useLab(st *labstate.State) error {
	x := st.Endpoints
	if st.ClientProperties != "" {
		v := &clientconf.Values{}
		if err := v.LoadFile(st.ClientProperties); err != nil {
			return fmt.Errorf("the secured lab's %w", err)
		}
		cfg, err := v.Resolve()
		if err != nil {
			return fmt.Errorf("the secured lab's client properties: %w", err)
		}
		e.cfg = cfg
	} else {
		e.cfg.Kafka.Brokers = append([]string(nil), x.Brokers...)
		e.cfg.SchemaRegistry.URL, e.cfg.RESTProxy.URL, e.cfg.Connect.URL, e.cfg.KSQLDB.URL = x.SchemaRegistry, x.RESTProxy, x.Connect, x.KSQLDB
	}
	if x.PostgresFromConnect != "" {
		e.jdbc = x.PostgresFromConnect
	}
	return nil
}
