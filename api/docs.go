package api

import (
	"embed"
	"io/fs"
	"net/http"
)

// swaggerui holds Swagger UI (swagger-ui-dist, Apache-2.0; version in swaggerui/VERSION, refreshed
// with `make swagger-ui`), embedded so the API docs work with no internet access.
//
//go:embed swaggerui
var swaggerUI embed.FS

func docsAssets() http.Handler {
	sub, _ := fs.Sub(swaggerUI, "swaggerui")
	return http.FileServerFS(sub)
}

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Citizen Registry API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.onload = function () {
  SwaggerUIBundle({ url: "/openapi.json", dom_id: "#docs", deepLinking: true, tryItOutEnabled: false });
};
</script>
</body>
</html>
`

func docsHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
	w.Write([]byte(docsPage))
}
