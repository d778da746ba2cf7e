package api

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// consoleFiles is the data stewards' web console: static HTML, CSS and plain JavaScript with no
// build step and no third-party code, embedded so that it works with no internet access. It
// talks to the /v1 API with the steward's key, which it keeps in sessionStorage only.
//
//go:embed console
var consoleFiles embed.FS

// consoleCSP allows nothing but the console's own files and calls to its own origin: no inline
// script or style, no framing, no form posts elsewhere. The console shows personal data, so a
// stray injected tag must not be able to run or to send it anywhere.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// consoleHandler serves the console at /console and /console/ (the page) and /console/<asset>.
func consoleHandler() http.Handler {
	sub, err := fs.Sub(consoleFiles, "console")
	if err != nil {
		panic(err) // the embedded directory is part of the build
	}
	files := http.StripPrefix("/console", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", consoleCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		// Embedded files carry no modification time, so nothing could revalidate a cached copy:
		// always fetch, so a new binary's console is never mixed with an old one's script.
		h.Set("Cache-Control", "no-cache")
		if r.URL.Path == "/console" || strings.HasSuffix(r.URL.Path, "/index.html") {
			// Serve the page itself rather than FileServer's redirects: its asset URLs are
			// absolute, so it works at either address.
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/console/"
			files.ServeHTTP(w, r2)
			return
		}
		files.ServeHTTP(w, r)
	})
}
