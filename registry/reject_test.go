package registry

import (
	"slices"
	"testing"
)

// TestRejectRows checks the rows a rejects file holds, which the CLI's rejects file and the API's
// rejects listing both write: re-loadable as they are (the added columns carry RejectPrefix).
func TestRejectRows(t *testing.T) {
	header := []string{"local_id", "full_name", "nik"}
	if got, want := RejectsHeader(header[:2]), []string{"local_id", "full_name", "reject_line", "reject_reason"}; !slices.Equal(got, want) {
		t.Errorf("RejectsHeader = %q, want %q", got, want)
	}
	if header[2] != "nik" {
		t.Errorf("RejectsHeader wrote into its argument: %q", header)
	}
	short := Reject{Line: 7, Fields: []string{"", "Siti"}, Reason: "local_id is empty"}
	if got, want := short.CSVRow(len(header)), []string{"", "Siti", "", "7", "local_id is empty"}; !slices.Equal(got, want) {
		t.Errorf("CSVRow of a short row = %q, want %q", got, want)
	}
	long := Reject{Line: 8, Fields: []string{"a", "b", "c", "d"}, Reason: "too many fields"}
	if got, want := long.CSVRow(len(header)), []string{"a", "b", "c", "d", "8", "too many fields"}; !slices.Equal(got, want) {
		t.Errorf("CSVRow of a long row = %q, want %q", got, want)
	}
	for _, tc := range []struct{ raw, want string }{
		{`{"local_id":"","nik":3201234567890123,"name":"<b>Siti</b>"}`,
			`{"local_id":"","name":"<b>Siti</b>","nik":3201234567890123,"reject_line":3,"reject_reason":"local_id is empty"}` + "\n"},
		{`not json`, `{"reject_line":3,"reject_raw":"not json","reject_reason":"local_id is empty"}` + "\n"},
		{`[1,2]`, `{"reject_line":3,"reject_raw":"[1,2]","reject_reason":"local_id is empty"}` + "\n"},
	} {
		r := Reject{Line: 3, Fields: []string{tc.raw}, Reason: "local_id is empty"}
		if got := string(r.NDJSON()); got != tc.want {
			t.Errorf("NDJSON of %s = %s, want %s", tc.raw, got, tc.want)
		}
	}
}
