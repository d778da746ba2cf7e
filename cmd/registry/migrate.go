package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/bangsa/registry/schema"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelWarn)
	db, err := openDB(ctx, d, log, true)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	fmt.Fprintf(stdout, "schema at version %d\n", schema.Latest())
	return nil
}
