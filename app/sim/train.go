package sim

import "fmt"

// TrainStatus is a train's service status. The values and names are the
// reference's IntEnum; arrivals carry the name.
type TrainStatus int

// Train statuses.
const (
	OutOfService TrainStatus = iota
	InService
	BrokenDown
)

func (s TrainStatus) String() string {
	switch s {
	case OutOfService:
		return "out_of_service"
	case InService:
		return "in_service"
	case BrokenDown:
		return "broken_down"
	}
	return fmt.Sprintf("TrainStatus(%d)", int(s))
}

// Direction is a direction of travel along a line: "a" towards index 0,
// "b" towards the terminal.
type Direction byte

// Directions.
const (
	DirA Direction = 'a'
	DirB Direction = 'b'
)

func (d Direction) String() string { return string(d) }

// Train is one train of a line.
type Train struct {
	ID     string // e.g. "BL003"
	Status TrainStatus

	station *Station
	dir     Direction
}

// Position returns the station the train stands at and its direction.
func (t *Train) Position() (*Station, Direction) { return t.station, t.dir }

// trainID builds the reference's id: first letter of the colour, "L", and a
// 3-digit index, e.g. "GL007".
func trainID(c Color, k int) string {
	return fmt.Sprintf("%cL%03d", c.String()[0]-'a'+'A', k)
}
