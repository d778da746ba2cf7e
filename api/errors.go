package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/bangsa/registry/registry"
)

// statusOf maps the registry's error vocabulary to HTTP statuses: the one table.
var statusOf = []struct {
	err    error
	status int
}{
	{registry.ErrInvalid, http.StatusUnprocessableEntity},
	{registry.ErrNotFound, http.StatusNotFound},
	{registry.ErrConflict, http.StatusConflict},
	{registry.ErrUnauthorized, http.StatusUnauthorized},
	{registry.ErrForbidden, http.StatusForbidden},
	{registry.ErrUnavailable, http.StatusServiceUnavailable},
}

// problem turns a use case's error into an RFC 9457 problem document. Errors outside the
// vocabulary are logged with the request ID and answered with a bare 500 naming only that ID.
func (s *server) problem(ctx context.Context, err error) error {
	for _, e := range statusOf {
		if !errors.Is(err, e.err) {
			continue
		}
		var ve *registry.ValidationError
		if errors.As(err, &ve) {
			details := make([]error, len(ve.Fields))
			for i, f := range ve.Fields {
				loc := f.Field
				if !strings.Contains(loc, ".") {
					loc = "body." + loc // domain fields are the request body's
				}
				details[i] = &huma.ErrorDetail{Location: loc, Message: f.Message}
			}
			return huma.NewError(e.status, "the request has invalid fields", details...)
		}
		switch e.status {
		case http.StatusServiceUnavailable:
			s.log.WarnContext(ctx, "dependency unavailable", "request_id", requestID(ctx), "err", err)
			return huma.NewError(e.status, "the registry is temporarily unavailable; retry shortly")
		case http.StatusNotFound:
			return huma.NewError(e.status, "no such resource, or not visible to this key")
		case http.StatusConflict:
			return huma.NewError(e.status, "a concurrent change conflicted with this request; retry it")
		case http.StatusUnauthorized:
			return huma.NewError(e.status, "missing, unknown, expired or revoked API key")
		}
		return huma.NewError(e.status, publicMessage(err, e.err))
	}
	if errors.Is(err, context.Canceled) {
		return huma.NewError(499, "request cancelled")
	}
	s.log.ErrorContext(ctx, "internal error", "request_id", requestID(ctx), "err", err)
	return internalError(ctx)
}

// publicMessage is the domain's own description of the error, which by the registry's rules
// names fields and scopes but never personal data.
func publicMessage(err, kind error) string {
	if msg := err.Error(); msg != "" {
		return msg
	}
	return kind.Error()
}

func internalError(ctx context.Context) error {
	m := &huma.ErrorModel{
		Status: http.StatusInternalServerError,
		Title:  http.StatusText(http.StatusInternalServerError),
		Detail: "internal error; quote the request ID when reporting it",
	}
	if id := requestID(ctx); id != "" {
		m.Instance = "urn:request:" + id
	}
	return m
}

func init() {
	// Strict JSON: a case-variant key ("Full_Name") is an unknown field, not an alias that Go's
	// decoder would quietly accept.
	huma.ValidateStrictCasing = true
	// Huma copies validation values and raw error text into problem documents. Values may be
	// personal data and error text may be internal, so neither leaves the server: details keep
	// only their message and location, and a 500 says nothing but its request ID.
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		if status >= 500 {
			var c context.Context = context.Background()
			if ctx != nil {
				c = ctx.Context()
			}
			if len(errs) > 0 {
				slog.Default().ErrorContext(c, "internal error", "request_id", requestID(c), "err", errors.Join(errs...))
			}
			return internalError(c).(huma.StatusError)
		}
		return newProblem(status, msg, errs...)
	}
	huma.NewError = newProblem
}

func newProblem(status int, msg string, errs ...error) huma.StatusError {
	m := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: msg}
	for _, e := range errs {
		if e == nil {
			continue
		}
		var d *huma.ErrorDetail
		if dd, ok := e.(huma.ErrorDetailer); ok {
			d = dd.ErrorDetail()
		} else {
			d = &huma.ErrorDetail{Message: e.Error()}
		}
		m.Errors = append(m.Errors, &huma.ErrorDetail{Message: d.Message, Location: d.Location})
	}
	return m
}

// writeProblem writes a problem document from plain net/http code (middleware that runs before
// huma parses the request).
func writeProblem(w http.ResponseWriter, status int, detail string, details ...*huma.ErrorDetail) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(&huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: detail, Errors: details})
}
