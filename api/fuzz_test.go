package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bangsa/registry/registry"
)

// FuzzSubmitBody sends arbitrary bodies to the submit operation: the answer is never a 5xx, every
// 4xx is a problem document, and a rejected request writes nothing.
func FuzzSubmitBody(f *testing.F) {
	for _, seed := range []string{
		`{"full_name":"Siti Rahayu","birth_date":"1990-07-01","nik":"3273054107900001"}`,
		`{"full_name":"Siti","Full_Name":"x"}`,
		`{"full_name":42}`,
		`{"full_name":"\u0000"}`,
		`{"birth_date":"1990-02-30","full_name":"a"}`,
		`{"local_id":"other","full_name":"a"}`,
		`[1,2,3]`, `null`, `"text"`, `{"full_name":"a"} trailing`, "{\"full_name\":\"\xff\"}",
	} {
		f.Add(seed)
	}
	shared := newClient(f)
	key := shared.key("dukcapil", registry.ScopeSubmit)
	f.Fuzz(func(t *testing.T, body string) {
		c := *shared
		c.t = t
		before := c.count("source_records")
		res := c.do("PUT", "/v1/sources/dukcapil/records/F-1", key, body)
		if res.status >= 500 {
			t.Fatalf("body %q: status %d: %s", body, res.status, res.raw)
		}
		if res.status >= 400 {
			if !strings.HasPrefix(res.header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("body %q: %d without a problem document", body, res.status)
			}
			if c.count("source_records") != before {
				t.Fatalf("body %q: rejected with %d but a record was written", body, res.status)
			}
		} else if res.status != http.StatusOK && res.status != http.StatusCreated {
			t.Fatalf("body %q: unexpected status %d", body, res.status)
		}
	})
}
