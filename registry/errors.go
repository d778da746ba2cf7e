package registry

import (
	"errors"
	"fmt"
	"strings"
)

// The registry's error vocabulary. Adapters map their own errors onto these (the store maps
// pgx.ErrNoRows to ErrNotFound); the API maps these to HTTP statuses in one table.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrInvalid      = errors.New("invalid input")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnavailable means a dependency (the database) cannot serve now; callers may retry.
	ErrUnavailable = errors.New("temporarily unavailable")
)

// FieldError names one field that was wrong and why. Messages never contain the value, since
// values are personal data.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError is an ErrInvalid carrying every field that was wrong.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// add records a problem with field.
func (e *ValidationError) add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns e when it holds problems, nil otherwise.
func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid returns a validation error for a single field.
func Invalid(field, format string, args ...any) error {
	e := &ValidationError{}
	e.add(field, format, args...)
	return e
}
