package dashboard

import (
	"fmt"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/fixtures"
)

// simulationGaps returns the stations this project's simulation leaves
// out of its lines (see sim.NotSimulatedStations).
func simulationGaps() ([]NotSimulated, error) {
	rows, err := fixtures.Stations()
	if err != nil {
		return nil, fmt.Errorf("stations the simulation serves: %w", err)
	}
	gaps, err := sim.NotSimulatedStations(rows)
	if err != nil {
		return nil, fmt.Errorf("stations the simulation serves: %w", err)
	}
	out := make([]NotSimulated, 0, len(gaps))
	for _, g := range gaps {
		out = append(out, NotSimulated{Line: g.Line.String(), StationID: g.StationID, Reason: g.Reason})
	}
	return out, nil
}
