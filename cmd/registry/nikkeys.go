package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bangsa/registry/registry"
)

// runNIKKeys manages the NIK key file: init creates one, rotate adds a new current key (records
// sealed with older keys still open with them).
func runNIKKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("nik-keys: want init FILE or rotate [FILE]")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("nik-keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	path := fs.Arg(0)
	if path == "" {
		var err error
		if path, err = d.nikKeyFile(); err != nil {
			return err
		}
	}
	switch sub {
	case "init":
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("nik-keys: %s exists; a key file is never overwritten (rotate adds keys)", path)
		}
		ks, err := registry.NewNIKKeySet()
		if err != nil {
			return err
		}
		if err := registry.WriteNIKKeys(path, ks); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s with key %s; keep it outside the database and back it up: without it no NIK can be read\n", path, ks.Current)
	case "rotate":
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var ks registry.NIKKeySet
		if err := json.Unmarshal(b, &ks); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if _, err := registry.NewNIKCipher(ks); err != nil {
			return err
		}
		if err := ks.AddKey(); err != nil {
			return err
		}
		if err := registry.WriteNIKKeys(path, ks); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: new current key %s; restart registry processes to seal with it (older keys still open older values)\n", path, ks.Current)
	default:
		return fmt.Errorf("nik-keys: unknown subcommand %q (init, rotate)", sub)
	}
	return nil
}
