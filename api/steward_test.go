package api_test

import (
	"net/http"
	"testing"

	"github.com/bangsa/registry/registry"
)

func TestStewardWorkflow(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	dk := c.key("dukcapil", registry.ScopeSubmit)
	kk := c.key("kemenkes", registry.ScopeSubmit, registry.ScopeRead)
	st := c.key("stewards", registry.ScopeSteward, registry.ScopeRead)

	civil := c.do("PUT", "/v1/sources/dukcapil/records/D-1", dk, map[string]string{
		"nik": "3273054107900001", "full_name": "Siti Rahayu", "sex": "F", "birth_date": "1990-07-01", "city": "Kota Bandung",
	})
	health := c.do("PUT", "/v1/sources/kemenkes/records/K-1", kk, map[string]string{"full_name": "Siti Rahayu", "birth_date": "1990-07-01"})
	if health.body["outcome"] != "review" {
		t.Fatalf("uncertain record: %s", health.raw)
	}
	reviewID := health.body["review_id"].(string)

	if res := c.do("GET", "/v1/reviews", kk, nil); res.status != http.StatusForbidden {
		t.Fatalf("a ministry key listing reviews: %d", res.status)
	}
	list := c.do("GET", "/v1/reviews?status=open&sort=score", st, nil)
	if list.status != 200 || len(list.body["reviews"].([]any)) != 1 {
		t.Fatalf("queue: %d %s", list.status, list.raw)
	}
	detail := c.do("GET", "/v1/reviews/"+reviewID, st, nil, readHeaders...)
	if detail.status != 200 || detail.header.Get("ETag") != `"1"` {
		t.Fatalf("detail: %d etag %q %s", detail.status, detail.header.Get("ETag"), detail.raw)
	}
	cands := detail.body["candidate_details"].([]any)
	if len(cands) != 1 || cands[0].(map[string]any)["explanation"] == nil {
		t.Fatalf("candidates: %s", detail.raw)
	}

	decide := func(ifMatch string, body map[string]string) response {
		return c.do("POST", "/v1/reviews/"+reviewID+"/decision", st, body, "If-Match", ifMatch)
	}
	civilID := civil.body["citizen_id"].(string)
	if res := decide(`"7"`, map[string]string{"action": "merge", "citizen_id": civilID}); res.status != http.StatusConflict {
		t.Fatalf("decision on a wrong version: %d %s", res.status, res.raw)
	}
	res := decide(`"1"`, map[string]string{"action": "merge", "citizen_id": civilID})
	if res.status != 200 || res.body["citizen_id"] != civilID {
		t.Fatalf("merge decision: %d %s", res.status, res.raw)
	}
	if res := decide(`"1"`, map[string]string{"action": "distinct"}); res.status != http.StatusConflict {
		t.Fatalf("a second decision on the same version: %d %s", res.status, res.raw)
	}

	// The provisional ID now resolves to the survivor; unmerge restores it.
	provisional := health.body["citizen_id"].(string)
	got := c.do("GET", "/v1/citizens/"+provisional, st, nil, readHeaders...)
	if got.body["citizen_id"] != civilID || got.body["retired"] != true {
		t.Fatalf("retired ID read: %s", got.raw)
	}
	if res := c.do("POST", "/v1/citizens/"+provisional+"/unmerge", st, map[string]string{"reason": "twin"}); res.status != 200 {
		t.Fatalf("unmerge: %d %s", res.status, res.raw)
	}
	got = c.do("GET", "/v1/citizens/"+provisional, st, nil, readHeaders...)
	if got.body["citizen_id"] != provisional {
		t.Fatalf("after unmerge: %s", got.raw)
	}
	hist := c.do("GET", "/v1/citizens/"+provisional+"/history", st, nil, readHeaders...)
	if hist.status != 200 || len(hist.body["events"].([]any)) < 4 {
		t.Fatalf("history: %d %s", hist.status, hist.raw)
	}
	// Manual link back, then to a new citizen.
	if res := c.do("POST", "/v1/sources/kemenkes/records/K-1/link", st, map[string]string{"citizen_id": civilID}); res.status != 200 || res.body["citizen_id"] != civilID {
		t.Fatalf("manual link: %d %s", res.status, res.raw)
	}
	if res := c.do("POST", "/v1/sources/kemenkes/records/K-1/link", st, map[string]string{}); res.status != 200 || res.body["citizen_id"] == civilID {
		t.Fatalf("unlink: %d %s", res.status, res.raw)
	}
	if res := c.do("POST", "/v1/citizens/"+civilID+"/merge", st, map[string]string{"survivor_id": civilID}); res.status != 422 {
		t.Fatalf("merge into itself: %d %s", res.status, res.raw)
	}
}
