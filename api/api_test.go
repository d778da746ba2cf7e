package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/api"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) { pgtest.Main(m) }

type client struct {
	t    testing.TB
	srv  *httptest.Server
	svc  *registry.Service
	pool *pgxpool.Pool
}

func newClient(t testing.TB) *client {
	t.Helper()
	pool := pgtest.NewPool(t)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	h, _ := api.New(svc, api.Options{})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &client{t: t, srv: srv, svc: svc, pool: pool}
}

func (c *client) key(source string, scopes ...registry.Scope) string {
	c.t.Helper()
	_, secret, err := c.svc.CreateKey(context.Background(), source, scopes, "", 0)
	if err != nil {
		c.t.Fatal(err)
	}
	return secret
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (c *client) do(method, path, key string, body any, headers ...string) response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := response{status: res.StatusCode, header: res.Header, raw: raw}
	json.Unmarshal(raw, &out.body)
	return out
}

var readHeaders = []string{"X-Purpose", "service delivery", "X-End-User", "officer-17"}

func (c *client) count(table string) int {
	var n int
	if err := c.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

func TestSubmitResolveReadMatch(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	dk := c.key("dukcapil", registry.ScopeSubmit, registry.ScopeResolve, registry.ScopeRead)
	kk := c.key("kemenkes", registry.ScopeSubmit, registry.ScopeResolve, registry.ScopeRead, registry.ScopeMatch)

	res := c.do("PUT", "/v1/sources/dukcapil/records/D-1", dk, map[string]string{
		"nik": "3273054107900001", "full_name": "Siti Rahayu", "sex": "F", "birth_date": "1990-07-01",
	})
	if res.status != http.StatusCreated || res.body["outcome"] != "created" {
		t.Fatalf("submit: %d %s", res.status, res.raw)
	}
	citizen := res.body["citizen_id"].(string)

	res = c.do("PUT", "/v1/sources/kemenkes/records/RS-9", kk, map[string]string{
		"local_id": "RS-9", "nik": "3273054107900001", "full_name": "SITI RAHAYU", "sex": "P", "birth_date": "01/07/1990",
	})
	if res.status != http.StatusCreated || res.body["outcome"] != "linked" || res.body["citizen_id"] != citizen {
		t.Fatalf("second source: %d %s", res.status, res.raw)
	}
	if res.body["explanation"] == nil {
		t.Fatalf("a link without explanation: %s", res.raw)
	}

	// Re-submitting identical content answers the same, with 200.
	again := c.do("PUT", "/v1/sources/kemenkes/records/RS-9", kk, map[string]string{
		"local_id": "RS-9", "nik": "3273054107900001", "full_name": "SITI RAHAYU", "sex": "P", "birth_date": "01/07/1990",
	})
	if again.status != http.StatusOK || again.body["unchanged"] != true || again.body["citizen_id"] != citizen {
		t.Fatalf("re-submit: %d %s", again.status, again.raw)
	}

	res = c.do("GET", "/v1/sources/kemenkes/records/RS-9", kk, nil, readHeaders...)
	if res.status != http.StatusOK || res.body["citizen_id"] != citizen {
		t.Fatalf("resolve: %d %s", res.status, res.raw)
	}
	res = c.do("GET", "/v1/citizens/"+citizen, kk, nil, readHeaders...)
	if res.status != http.StatusOK {
		t.Fatalf("citizen: %d %s", res.status, res.raw)
	}
	golden := res.body["golden"].(map[string]any)
	name := golden["full_name"].(map[string]any)
	if name["value"] != "Siti Rahayu" || name["source"] != "dukcapil" || name["local_id"] != nil {
		t.Fatalf("golden full_name = %v: want dukcapil's value without dukcapil's local ID", name)
	}
	res = c.do("POST", "/v1/match", kk, map[string]string{"full_name": "Siti Rahayu", "birth_date": "1990-07-01"}, readHeaders...)
	if res.status != http.StatusOK {
		t.Fatalf("match: %d %s", res.status, res.raw)
	}
	cands := res.body["candidates"].([]any)
	if len(cands) == 0 || cands[0].(map[string]any)["citizen_id"] != citizen {
		t.Fatalf("match candidates = %s", res.raw)
	}
}

func TestBadInputIsAProblemAndWritesNothing(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	key := c.key("dukcapil", registry.ScopeSubmit, registry.ScopeResolve, registry.ScopeRead)
	path := "/v1/sources/dukcapil/records/D-1"
	long := strings.Repeat("a", 600)
	cases := []struct {
		name   string
		body   any
		status int
		field  string // the location the problem must name
	}{
		{"invalid JSON", `{"full_name": "Siti"`, 400, ""},
		{"unknown field", `{"full_name": "Siti", "nickname": "Ti"}`, 422, "nickname"},
		{"wrong case", `{"Full_Name": "Siti"}`, 422, "Full_Name"},
		{"wrong type", `{"full_name": 42}`, 422, "full_name"},
		{"invalid UTF-8", []byte("{\"full_name\": \"Siti \xff\"}"), 422, "body"},
		{"NUL", `{"full_name": "Siti\u0000"}`, 422, "full_name"},
		{"over-long", `{"full_name": "` + long + `"}`, 422, "full_name"},
		{"impossible date", `{"full_name": "Siti", "birth_date": "1990-02-30"}`, 422, "birth_date"},
		{"path and body differ", `{"local_id": "D-2", "full_name": "Siti"}`, 422, "local_id"},
		{"no identity", `{"city": "Bandung"}`, 422, "full_name"},
	}
	for _, tc := range cases {
		res := c.do("PUT", path, key, tc.body)
		if res.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, res.status, tc.status, res.raw)
			continue
		}
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s: content type %q, want a problem document", tc.name, ct)
		}
		if tc.field != "" && !strings.Contains(string(res.raw), tc.field) {
			t.Errorf("%s: problem does not name %q: %s", tc.name, tc.field, res.raw)
		}
		if strings.Contains(string(res.raw), "Siti") {
			t.Errorf("%s: problem echoes personal data: %s", tc.name, res.raw)
		}
	}
	if n := c.count("source_records"); n != 0 {
		t.Fatalf("bad requests wrote %d records", n)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	body := map[string]string{"full_name": "Siti"}
	if res := c.do("PUT", "/v1/sources/dukcapil/records/D-1", "", body); res.status != 401 {
		t.Fatalf("no key: %d", res.status)
	}
	if res := c.do("PUT", "/v1/sources/dukcapil/records/D-1", "rk_not-a-key", body); res.status != 401 {
		t.Fatalf("unknown key: %d", res.status)
	}
	other := c.key("kemenkes", registry.ScopeSubmit)
	if res := c.do("PUT", "/v1/sources/dukcapil/records/D-1", other, body); res.status != 403 {
		t.Fatalf("other source's key: %d %s", res.status, res.raw)
	}
	resolveOnly := c.key("dukcapil", registry.ScopeResolve)
	if res := c.do("PUT", "/v1/sources/dukcapil/records/D-1", resolveOnly, body); res.status != 403 {
		t.Fatalf("key without submit scope: %d", res.status)
	}
	if res := c.do("GET", "/v1/sources/dukcapil/records/D-1", resolveOnly, nil); res.status != 422 {
		t.Fatalf("read without purpose headers: %d %s", res.status, res.raw)
	}
	if res := c.do("GET", "/v1/sources/dukcapil/records/nobody", resolveOnly, nil, readHeaders...); res.status != 404 {
		t.Fatalf("unknown record: %d", res.status)
	}
	if res := c.do("GET", "/healthz", "", nil); res.status != 200 {
		t.Fatalf("healthz: %d", res.status)
	}
	if res := c.do("GET", "/readyz", "", nil); res.status != 200 {
		t.Fatalf("readyz: %d", res.status)
	}
}

func TestDocsWorkOffline(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	res := c.do("GET", "/docs", "", nil)
	if res.status != 200 || strings.Contains(string(res.raw), "https://") {
		t.Fatalf("/docs: %d, must reference no external assets:\n%s", res.status, res.raw)
	}
	for _, asset := range []string{"/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/openapi.json"} {
		if res := c.do("GET", asset, "", nil); res.status != 200 || len(res.raw) < 1000 {
			t.Fatalf("%s: %d (%d bytes)", asset, res.status, len(res.raw))
		}
	}
}

// TestOpenAPIGolden keeps the API contract visible in review: any change to the OpenAPI document
// must come with an updated api/testdata/openapi.json (go test ./api -update).
func TestOpenAPIGolden(t *testing.T) {
	_, humaAPI := api.New(nil, api.Options{})
	got, err := json.MarshalIndent(humaAPI.OpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "openapi.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./api -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the OpenAPI document changed; review the diff and run go test ./api -update")
	}
}

func TestRateLimitPerKey(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	h, _ := api.New(svc, api.Options{RateLimit: 1, RateBurst: 3})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &client{t: t, srv: srv, svc: svc, pool: pool}
	limited := c.key("kemenkes", registry.ScopeResolve)
	other := c.key("djp", registry.ScopeResolve)
	path := "/v1/sources/kemenkes/records/none"
	for i := range 3 {
		if res := c.do("GET", path, limited, nil, readHeaders...); res.status != http.StatusNotFound {
			t.Fatalf("request %d within the burst: %d", i, res.status)
		}
	}
	res := c.do("GET", path, limited, nil, readHeaders...)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
	}
	// Another key is not affected.
	if res := c.do("GET", "/v1/sources/djp/records/none", other, nil, readHeaders...); res.status != http.StatusNotFound {
		t.Fatalf("another key: %d", res.status)
	}
}
