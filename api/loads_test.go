package api_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bangsa/registry/registry"
)

// personFile is a CSV of n distinct people (well over the 64 KiB cap of ordinary bodies) and
// two rows the loader must reject.
func personFile(n int) []byte {
	var b strings.Builder
	b.WriteString("local_id,nik,full_name,given_name,family_name,sex,birth_date,birth_place,address,village,district,city,province,postcode,phone,email\n")
	for i := range n {
		fmt.Fprintf(&b, "K-%d,,Orang %c%c%c Nomor %d,,,M,%s,Bandung,Jl. Merdeka No. %d,,,Kota Bandung,Jawa Barat,40111,,\n",
			i, 'A'+i%26, 'A'+i/26%26, 'A'+i/676%26, i, time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*7).Format("2006-01-02"), i)
	}
	b.WriteString(",,no local id,,,,,,,,,,,,,\n")
	b.WriteString("K-x,too,few\n")
	return []byte(b.String())
}

func (c *client) waitLoad(id, key string) response {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		res := c.do("GET", "/v1/loads/"+id, key, nil)
		if res.status != http.StatusOK {
			c.t.Fatalf("get load: %d %s", res.status, res.raw)
		}
		if s := res.body["state"]; s == "done" || s == "failed" {
			return res
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("load still %v after a minute: %s", res.body["state"], res.raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestBulkLoadOverHTTP(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	bulk := c.key("kemenkes", registry.ScopeBulk)
	file := personFile(1500)
	if len(file) < 100<<10 {
		t.Fatalf("test file of %d bytes does not exceed the body cap", len(file))
	}

	res := c.do("POST", "/v1/sources/kemenkes/loads", bulk, file, "Content-Type", "text/csv")
	if res.status != http.StatusAccepted || res.body["id"] == nil {
		t.Fatalf("upload: %d %s", res.status, res.raw)
	}
	id := res.body["id"].(string)
	if loc := res.header.Get("Location"); loc != "/v1/loads/"+id {
		t.Fatalf("Location %q", loc)
	}
	done := c.waitLoad(id, bulk)
	b := done.body
	if b["state"] != "done" || b["rows"] != 1502.0 || b["loaded"] != 1500.0 || b["rejected"] != 2.0 || b["progress"] != 1.0 {
		t.Fatalf("finished load: %s", done.raw)
	}
	if n := c.count("source_records"); n != 1500 {
		t.Fatalf("%d records", n)
	}

	// The rejects, as a CSV that can be fixed and uploaded again.
	rej := c.do("GET", "/v1/loads/"+id+"/rejects", bulk, nil)
	if rej.status != http.StatusOK || !strings.HasPrefix(rej.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("rejects: %d %s", rej.status, rej.raw)
	}
	lines := strings.Split(strings.TrimSpace(string(rej.raw)), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], ",reject_line,reject_reason") || !strings.Contains(lines[1], "local_id is empty") {
		t.Fatalf("rejects body:\n%s", rej.raw)
	}
	page := c.do("GET", "/v1/loads/"+id+"/rejects?limit=1", bulk, nil)
	if !strings.Contains(page.header.Get("Link"), "after=") {
		t.Fatalf("no next link on a full page: %v", page.header)
	}

	// The same file again, gzipped: nothing changes.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(file)
	zw.Close()
	events := c.count("events")
	res = c.do("POST", "/v1/sources/kemenkes/loads", bulk, gz.Bytes(), "Content-Type", "application/gzip")
	if res.status != http.StatusAccepted {
		t.Fatalf("second upload: %d %s", res.status, res.raw)
	}
	again := c.waitLoad(res.body["id"].(string), bulk)
	if again.body["unchanged"] != 1500.0 || again.body["loaded"] != 0.0 || c.count("events") != events {
		t.Fatalf("second load changed things: %s", again.raw)
	}
}

func TestBulkLoadAccess(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	bulk := c.key("kemenkes", registry.ScopeBulk)
	other := c.key("kemensos", registry.ScopeBulk)
	submit := c.key("kemenkes", registry.ScopeSubmit)
	file := personFile(3)

	if res := c.do("POST", "/v1/sources/kemenkes/loads", submit, file, "Content-Type", "text/csv"); res.status != http.StatusForbidden {
		t.Fatalf("without the bulk scope: %d %s", res.status, res.raw)
	}
	if res := c.do("POST", "/v1/sources/kemenkes/loads", other, file, "Content-Type", "text/csv"); res.status != http.StatusForbidden {
		t.Fatalf("another source's upload: %d %s", res.status, res.raw)
	}
	if res := c.do("POST", "/v1/sources/kemenkes/loads", "", file, "Content-Type", "text/csv"); res.status != http.StatusUnauthorized {
		t.Fatalf("without a key: %d %s", res.status, res.raw)
	}
	if res := c.do("POST", "/v1/sources/kemenkes/loads", bulk, nil, "Content-Type", "text/csv"); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty upload: %d %s", res.status, res.raw)
	}
	res := c.do("POST", "/v1/sources/kemenkes/loads", bulk, file, "Content-Type", "text/csv")
	if res.status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", res.status, res.raw)
	}
	id := res.body["id"].(string)
	c.waitLoad(id, bulk)
	for _, path := range []string{"/v1/loads/" + id, "/v1/loads/" + id + "/rejects"} {
		if res := c.do("GET", path, other, nil); res.status != http.StatusNotFound {
			t.Fatalf("%s by another source: %d", path, res.status)
		}
	}
	if res := c.do("GET", "/v1/loads/not-a-uuid", bulk, nil); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad ID: %d", res.status)
	}
}
