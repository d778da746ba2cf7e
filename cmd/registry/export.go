package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/google/uuid"
)

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "links" {
		return fmt.Errorf("export: want `export links`")
	}
	fs := flag.NewFlagSet("export links", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	log := newLogger(stderr, slog.LevelWarn)
	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	bw := bufio.NewWriterSize(stdout, 1<<16)
	w := csv.NewWriter(bw)
	w.Write([]string{"source", "local_id", "citizen_id"})
	err = db.service(log).ExportLinks(ctx, func(source, localID string, citizen uuid.UUID) error {
		return w.Write([]string{source, localID, citizen.String()})
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
