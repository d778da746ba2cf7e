# The registry's everyday tasks. `make help` lists them.

.PHONY: help run test lint generate bench swagger-ui

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## run the registry on its embedded database, with demo data on first start
	go run ./cmd/registry serve --demo

test: ## the whole test suite (starts its own throwaway PostgreSQL)
	go test -race ./...

lint: ## formatting, vet, generated-code drift
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	go vet ./...
	go tool sqlc diff

generate: ## regenerate sqlc code and the OpenAPI golden file
	go tool sqlc generate
	go test ./api -run TestOpenAPIGolden -update

bench: ## benchmarks (figures go to docs/benchmarks.md)
	go test -run '^$$' -bench . -benchmem ./...

swagger-ui: ## refresh the embedded Swagger UI from the npm registry
	cd $$(mktemp -d) && npm pack swagger-ui-dist && tar xzf swagger-ui-dist-*.tgz && \
	cp package/swagger-ui-bundle.js package/swagger-ui.css package/LICENSE package/NOTICE \
	   package/swagger-ui-bundle.js.LICENSE.txt $(CURDIR)/api/swaggerui/ && \
	node -p 'require("./package/package.json").version' > $(CURDIR)/api/swaggerui/VERSION
