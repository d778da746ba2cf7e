package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/bangsa/registry/registry"
)

// runGrants manages what sources may see beyond the default (see docs/security.md).
func runGrants(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("grants: want add, list or remove")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("grants "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	var g registry.Grant
	var kind string
	fs.StringVar(&g.Source, "source", "", "the source the grant applies to")
	fs.StringVar(&kind, "kind", "", "read_all, cross_reference, hide_field or confidential")
	fs.StringVar(&g.Target, "target", "", "cross_reference / hide_field: the other source (or *)")
	fs.StringVar(&g.Field, "field", "", "hide_field: the person field")
	id := fs.Int64("id", 0, "grant ID (remove)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	g.Kind = registry.GrantKind(kind)
	switch sub {
	case "add":
		if err := g.Validate(); err != nil {
			return err
		}
	case "remove":
		if *id <= 0 {
			return errors.New("grants remove: --id is required")
		}
	case "list":
	default:
		return fmt.Errorf("grants: unknown subcommand %q (add, list, remove)", sub)
	}
	log := newLogger(stderr, slog.LevelWarn)
	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)
	switch sub {
	case "add":
		n, err := svc.AddGrant(ctx, g)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "grant %d: %s %s %s %s\n", n, g.Source, g.Kind, g.Target, g.Field)
	case "remove":
		if err := svc.RemoveGrant(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed grant %d\n", *id)
	case "list":
		gs, err := svc.ListGrants(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSOURCE\tKIND\tTARGET\tFIELD")
		for _, g := range gs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", g.ID, g.Source, g.Kind, g.Target, g.Field)
		}
		return tw.Flush()
	}
	return nil
}
