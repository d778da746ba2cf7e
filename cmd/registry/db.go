package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// dbFlags are the database flags every command shares.
type dbFlags struct {
	url     string
	dataDir string
	nikKeys string
	trust   string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.url, "db", envOr("REGISTRY_DATABASE_URL", ""), "PostgreSQL URL (env REGISTRY_DATABASE_URL); empty: embedded database in --data-dir")
	fs.StringVar(&d.dataDir, "data-dir", envOr("REGISTRY_DATA_DIR", "./registry-data"), "embedded database directory (env REGISTRY_DATA_DIR)")
	fs.StringVar(&d.trust, "trust", envOr("REGISTRY_TRUST", ""), `golden-record trust order of sources: "default,order; field=order; ..." (env REGISTRY_TRUST; default: dukcapil first, then the most recent value)`)
	fs.StringVar(&d.nikKeys, "nik-keys", envOr("REGISTRY_NIK_KEYS", ""), "NIK encryption key file (env REGISTRY_NIK_KEYS); default for the embedded database: DATA_DIR/nik-keys.json, created on first use")
}

// nikKeyFile is where the NIK keys are: --nik-keys, or beside the embedded database. An external
// database needs an explicit key file: the keys must never live in the database they protect.
func (d dbFlags) nikKeyFile() (string, error) {
	if d.nikKeys != "" {
		return d.nikKeys, nil
	}
	if d.url != "" {
		return "", errors.New("NIKs are stored encrypted: pass --nik-keys FILE (env REGISTRY_NIK_KEYS); " +
			"create one with `registry nik-keys init FILE`")
	}
	return filepath.Join(d.dataDir, "nik-keys.json"), nil
}

// database is an open connection pool, with the embedded cluster behind it if we started one.
type database struct {
	pool    *pgxpool.Pool
	cluster *schema.Cluster
	nik     *registry.NIKCipher
	surv    registry.Survivorship
}

// loadNIKKeys opens the key file, creating it for the embedded database on first use.
func loadNIKKeys(d dbFlags) (*registry.NIKCipher, error) {
	path, err := d.nikKeyFile()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && d.nikKeys == "" && d.url == "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		ks, err := registry.NewNIKKeySet()
		if err != nil {
			return nil, err
		}
		if err := registry.WriteNIKKeys(path, ks); err != nil {
			return nil, fmt.Errorf("create NIK key file: %w", err)
		}
	}
	return registry.LoadNIKKeys(path)
}

// openDB connects to --db, or to the embedded cluster in --data-dir (starting it if no other
// registry process runs it). The embedded database is migrated automatically, since the registry
// owns it; an external one must already be current (`registry migrate`), so that an operator
// decides when a shared database changes.
func openDB(ctx context.Context, d dbFlags, log *slog.Logger, migrate bool) (*database, error) {
	surv, err := registry.ParseSurvivorship(d.trust)
	if err != nil {
		return nil, fmt.Errorf("--trust: %w", err)
	}
	nik, err := loadNIKKeys(d)
	if err != nil {
		return nil, err
	}
	db := &database{nik: nik, surv: surv}
	url := d.url
	if url == "" {
		c, err := schema.OpenCluster(ctx, d.dataDir, schema.ClusterOptions{Logger: log})
		if err != nil {
			return nil, err
		}
		db.cluster = c
		url = c.URL(schema.DatabaseName)
		migrate = true
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		db.close(ctx)
		return nil, fmt.Errorf("database URL: %w", err)
	}
	cfg.MaxConns = max(cfg.MaxConns, 32)
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	pgstore.ConfigurePool(cfg)
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		db.close(ctx)
		return nil, fmt.Errorf("connect: %w", err)
	}
	if migrate {
		applied, err := schema.Migrate(ctx, db.pool)
		if err != nil {
			db.close(ctx)
			return nil, err
		}
		if len(applied) > 0 {
			log.Info("applied migrations", "versions", applied)
		}
	}
	if err := schema.Check(ctx, db.pool); err != nil {
		db.close(ctx)
		return nil, err
	}
	return db, nil
}

// close closes the pool and stops the embedded cluster if this process started it.
func (db *database) close(ctx context.Context) {
	if db.pool != nil {
		db.pool.Close()
	}
	if db.cluster != nil {
		if err := db.cluster.Stop(context.WithoutCancel(ctx)); err != nil {
			slog.Default().Warn("stop embedded database", "err", err)
		}
	}
}

// service builds the Service on the database. It decides with the registry's active matching
// model (the one `registry train` last activated), read once here: a process started after an
// activation uses the new model, one already running keeps the model it started with, and every
// link records which. A registry never trained matches with matching.DefaultModel(). A stored
// model that cannot be read is logged (IDs only) and the default used instead of refusing to
// start: the links still say which model decided them.
func (db *database) service(log *slog.Logger) *registry.Service {
	svc := registry.NewService(pgstore.New(db.pool, pgstore.WithNIKCipher(db.nik)), registry.Options{Logger: log, Model: matching.DefaultModel(), Survivorship: &db.surv, MaxRecordsPerKey: maxRecordsPerKey()})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := svc.UseActiveModel(ctx)
	switch {
	case err == nil:
		log.Debug("matching model", "version", m.Version)
	case errors.Is(err, registry.ErrNotFound):
		log.Debug("no trained matching model; using the default", "version", svc.Model().Version)
	default:
		log.Error("active matching model unusable; using the default", "version", svc.Model().Version, "err", err)
	}
	return svc
}
