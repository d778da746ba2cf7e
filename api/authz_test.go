package api_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/bangsa/registry/api"
	"github.com/bangsa/registry/registry"
)

// operationScopes is the authorisation matrix: the scope each operation needs ("" for public
// ones). ownSource marks operations on a {source} path, which a key may use only for its own
// source. Every operation in the OpenAPI document must appear here.
var operationScopes = map[string]struct {
	scope     registry.Scope
	ownSource bool
	body      string
	headers   []string
}{
	"healthz":            {scope: ""},
	"readyz":             {scope: ""},
	"submit-record":      {scope: registry.ScopeSubmit, ownSource: true, body: `{"full_name":"Orang Uji"}`},
	"resolve-record":     {scope: registry.ScopeResolve, ownSource: true},
	"get-citizen":        {scope: registry.ScopeRead},
	"match":              {scope: registry.ScopeMatch, body: `{"full_name":"Orang Uji","birth_date":"1990-01-02"}`},
	"list-events":        {scope: registry.ScopeAdmin},
	"list-reviews":       {scope: registry.ScopeSteward},
	"get-review":         {scope: registry.ScopeSteward},
	"decide-review":      {scope: registry.ScopeSteward, body: `{"action":"distinct"}`, headers: []string{"If-Match", `"1"`}},
	"merge-citizens":     {scope: registry.ScopeSteward, body: `{"survivor_id":"` + uuid.NewString() + `"}`},
	"unmerge-citizen":    {scope: registry.ScopeSteward, body: `{}`},
	"link-record":        {scope: registry.ScopeSteward, body: `{}`},
	"citizen-history":    {scope: registry.ScopeSteward},
	"citizen-access-log": {scope: registry.ScopeCitizenPortal},
	"start-load":         {scope: registry.ScopeBulk, ownSource: true},
	"get-load":           {scope: registry.ScopeBulk},
	"list-load-rejects":  {scope: registry.ScopeBulk},
}

// TestAuthorizationMatrix tries every operation of the OpenAPI document with every scope (and
// with another source's key) and fails on any unexpected allow. A new operation fails the test
// until it is added to the matrix.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	_, humaAPI := api.New(nil, api.Options{})

	type caller struct {
		name   string
		key    string
		scopes []registry.Scope
	}
	callers := []caller{{name: "no key"}}
	for _, sc := range registry.AllScopes {
		callers = append(callers, caller{name: "kemenkes/" + string(sc), key: c.key("kemenkes", sc), scopes: []registry.Scope{sc}})
	}

	var paths []string
	for p := range humaAPI.OpenAPI().Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		item := humaAPI.OpenAPI().Paths[path]
		for method, op := range map[string]*huma.Operation{
			"GET": item.Get, "PUT": item.Put, "POST": item.Post, "DELETE": item.Delete, "PATCH": item.Patch,
		} {
			if op == nil {
				continue
			}
			id := op.OperationID
			rule, ok := operationScopes[id]
			if !ok {
				t.Errorf("operation %s (%s %s) is missing from the authorisation matrix", id, method, path)
				continue
			}
			for _, source := range []string{"kemenkes", "dukcapil"} {
				if !rule.ownSource && source == "dukcapil" {
					continue
				}
				url := strings.NewReplacer("{source}", source, "{local_id}", "X-1", "{citizen_id}", uuid.NewString(),
					"{review_id}", uuid.NewString(), "{load_id}", uuid.NewString()).Replace(path)
				for _, who := range callers {
					headers := append([]string{}, readHeaders...)
					headers = append(headers, rule.headers...)
					var body any
					if rule.body != "" {
						body = rule.body
					}
					res := c.do(method, url, who.key, body, headers...)
					denied := res.status == http.StatusUnauthorized || res.status == http.StatusForbidden
					mayPass := rule.scope == "" || (slicesHas(who.scopes, rule.scope) || slicesHas(who.scopes, registry.ScopeAdmin))
					if rule.ownSource && source != "kemenkes" && !slicesHas(who.scopes, registry.ScopeAdmin) {
						mayPass = false
					}
					if !mayPass && !denied {
						t.Errorf("UNEXPECTED ALLOW: %s %s as %s answered %d: %s", method, url, who.name, res.status, res.raw)
					}
					if mayPass && denied {
						t.Errorf("unexpected deny: %s %s as %s answered %d: %s", method, url, who.name, res.status, res.raw)
					}
				}
			}
		}
	}
}

func slicesHas(s []registry.Scope, v registry.Scope) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
