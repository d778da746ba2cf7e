package main

import (
	"testing"

	"github.com/bangsa/registry/schema/pgtest"
)

// TestMain gives the in-process tests of this package (train, eval, the end-to-end quality
// suite) a throwaway PostgreSQL; the binary-driven end-to-end test runs its own.
func TestMain(m *testing.M) { pgtest.Main(m) }
