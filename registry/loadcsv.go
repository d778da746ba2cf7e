package registry

import (
	"encoding/csv"
	"errors"
	"io"
)

// csvReader reads CSV records with the line each starts on.
type csvReader struct{ r *csv.Reader }

func newCSVReader(r io.Reader) *csvReader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row, so a bad row is rejected rather than ending the load
	cr.ReuseRecord = false
	return &csvReader{r: cr}
}

// csvParseError is a row the CSV reader could not parse; reading goes on after it.
type csvParseError struct {
	line int
	msg  string
}

func (e *csvParseError) Error() string { return e.msg }

func (c *csvReader) read() ([]string, int, error) {
	rec, err := c.r.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return rec, pe.StartLine, &csvParseError{line: pe.StartLine, msg: pe.Err.Error()}
	}
	if err != nil {
		return nil, 0, err // FieldPos is only valid after a record was read
	}
	line, _ := c.r.FieldPos(0)
	return rec, line, nil
}
