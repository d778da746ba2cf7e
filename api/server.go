// Package api is the registry's HTTP interface: an OpenAPI 3.1 service (huma) under /v1 for
// ministries, batch jobs and stewards, plus health checks and offline API docs. It translates
// between HTTP and the registry's use cases and owns no business rules.
package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

// Version is the API version reported in the OpenAPI document.
const Version = "1.0.0"

// MaxBodyBytes caps request bodies: a person record is a few hundred bytes.
const MaxBodyBytes = 64 << 10

// Options configure the HTTP handler.
type Options struct {
	Logger *slog.Logger
	// RateLimit is each API key's sustained requests per second (0: unlimited); RateBurst the
	// bucket size (0: one second's worth).
	RateLimit float64
	RateBurst int
	// BindKeysToClientCerts requires, on every authenticated operation, a verified TLS client
	// certificate whose subject common name is the key's source: a key stolen from one ministry is
	// useless without that ministry's certificate (mutual TLS, one certificate per ministry).
	BindKeysToClientCerts bool
}

type server struct {
	svc       *registry.Service
	log       *slog.Logger
	limits    *keyLimiter
	certBound bool
}

// New returns the registry's HTTP handler and its huma API (whose OpenAPI document the caller may
// serialise).
func New(svc *registry.Service, opts Options) (http.Handler, huma.API) {
	s := &server{svc: svc, log: opts.Logger, limits: newKeyLimiter(opts.RateLimit, opts.RateBurst), certBound: opts.BindKeysToClientCerts}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Citizen Registry API", Version)
	cfg.Info.Description = "Links every ministry's local person IDs to one national citizen ID, " +
		"matches duplicates, and serves golden records. Authenticate with `Authorization: Bearer <key>`; " +
		"reads of citizen data carry `X-Purpose` and `X-End-User` and are written to the citizen's access log."
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = "" // served offline by docsHandler, never from a CDN
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "A source's API key from `registry keys create`."},
	}
	api := humago.New(mux, cfg)
	api.UseMiddleware(s.authenticate(api))
	s.register(api)
	mux.HandleFunc("GET /docs", docsHandler)
	mux.Handle("GET /docs/", http.StripPrefix("/docs/", docsAssets()))
	mux.Handle("GET /console", consoleHandler())
	mux.Handle("GET /console/", consoleHandler())
	return s.middleware(mux), api
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
	keyClientIP
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

func principal(ctx context.Context) registry.Principal {
	p, _ := ctx.Value(keyPrincipal).(registry.Principal)
	return p
}

// middleware gives every request an ID, caps and checks its body before huma parses it (huma's
// JSON decoder would silently replace invalid UTF-8), recovers panics, and logs the request by
// IDs only.
func (s *server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 || !isToken(id) {
			id = uuid.NewString()
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			ctx = context.WithValue(ctx, keyClientIP, host)
		}
		r = r.WithContext(ctx)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(ctx, "panic", "request_id", id, "panic", p)
				if !rec.wrote {
					writeProblem(rec, http.StatusInternalServerError, "internal error; quote the request ID when reporting it")
				}
			}
			s.log.InfoContext(ctx, "request", "request_id", id, "method", r.Method, "route", r.Pattern,
				"status", rec.status, "duration_ms", time.Since(start).Milliseconds())
		}()
		if r.Body != nil && r.ContentLength != 0 && r.Method != http.MethodGet && !streamsBody(r) {
			body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
			if err != nil {
				writeProblem(rec, http.StatusBadRequest, "could not read the request body")
				return
			}
			if len(body) > MaxBodyBytes {
				writeProblem(rec, http.StatusRequestEntityTooLarge, "the request body is larger than 64 KiB")
				return
			}
			if !utf8.Valid(body) {
				writeProblem(rec, http.StatusUnprocessableEntity, "the request body is not valid UTF-8",
					&huma.ErrorDetail{Location: "body", Message: "invalid UTF-8"})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		next.ServeHTTP(rec, r)
	})
}

func isToken(s string) bool {
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return false
		}
	}
	return true
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status, r.wrote = code, true
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (an upload extends its read deadline).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// authenticate checks the bearer key of every operation that declares security, and puts the
// principal in the request context.
func (s *server) authenticate(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if op == nil || len(op.Security) == 0 {
			next(ctx)
			return
		}
		h := ctx.Header("Authorization")
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="registry"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "missing bearer API key (Authorization: Bearer <key>)")
			return
		}
		p, err := s.svc.Authenticate(ctx.Context(), strings.TrimSpace(secret))
		if err != nil {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="registry", error="invalid_token"`)
			se := s.problem(ctx.Context(), err).(huma.StatusError)
			huma.WriteErr(api, ctx, se.GetStatus(), se.Error())
			return
		}
		if s.certBound && !certFor(ctx.TLS(), p.Source) {
			huma.WriteErr(api, ctx, http.StatusForbidden, "this key must be used with its ministry's client certificate (mutual TLS)")
			return
		}
		if ok, wait := s.limits.allow(p.KeyID, time.Now()); !ok {
			ctx.SetHeader("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			huma.WriteErr(api, ctx, http.StatusTooManyRequests, "rate limit of this API key exceeded; retry after the Retry-After delay")
			return
		}
		next(huma.WithValue(ctx, keyPrincipal, p))
	}
}

// certFor reports whether the connection presented a verified client certificate issued to
// source (its subject common name).
func certFor(state *tls.ConnectionState, source string) bool {
	if state == nil || len(state.VerifiedChains) == 0 || len(state.VerifiedChains[0]) == 0 {
		return false
	}
	return state.VerifiedChains[0][0].Subject.CommonName == source
}

func readContext(ctx context.Context, h ReadHeaders) registry.ReadContext {
	ip, _ := ctx.Value(keyClientIP).(string)
	return registry.ReadContext{Principal: principal(ctx), Purpose: h.Purpose, EndUser: h.EndUser, ClientIP: ip,
		ConfidentialUntil: h.ConfidentialUntil}
}
