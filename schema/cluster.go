package schema

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoServerBinaries is returned when no PostgreSQL server binaries can be found.
var ErrNoServerBinaries = errors.New("no PostgreSQL server binaries found (initdb, pg_ctl, postgres): " +
	"install them with `apt-get install postgresql` or pass --db / REGISTRY_DATABASE_URL")

// ClusterOptions tunes a private cluster. The zero value is a durable cluster for real data.
type ClusterOptions struct {
	// Ephemeral trades durability for speed (fsync off): for throwaway test clusters only.
	Ephemeral bool
	// Logger receives start/stop notices; nil discards them.
	Logger *slog.Logger
}

// Cluster is a private PostgreSQL cluster kept in a data directory and reached only through a
// unix socket inside that directory, so it never collides with another PostgreSQL on the machine.
type Cluster struct {
	dir     string // absolute data directory
	bindir  string
	cred    *syscall.Credential // non-nil when the server must run as another user (we are root)
	started bool                // this process started the server, so Stop stops it
	log     *slog.Logger
}

// DatabaseName is the database the registry uses inside its private cluster.
const DatabaseName = "registry"

const clusterUser = "registry"

// OpenCluster makes sure a cluster exists in dir (initialising it the first time) and is running:
// if another registry process already runs it, OpenCluster connects to that one instead of starting
// a second. It returns ErrNoServerBinaries when PostgreSQL is not installed.
func OpenCluster(ctx context.Context, dir string, opts ClusterOptions) (*Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	bindir, err := FindServerBinaries()
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: abs, bindir: bindir, log: opts.Logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if os.Geteuid() == 0 {
		if c.cred, err = serverCredential(); err != nil {
			return nil, err
		}
		if err := checkTraversable(abs, int(c.cred.Uid)); err != nil {
			return nil, err
		}
	}

	// The lock file makes "is it running? if not, start it" atomic across registry processes.
	unlock, err := lockFile(filepath.Join(abs, "cluster.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()

	if _, err := os.Stat(filepath.Join(c.pgdata(), "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := c.initdb(ctx, opts); err != nil {
			return nil, err
		}
	}
	// A server that runs but does not take connections (starting up, shutting down, or too busy
	// to answer within ping's timeout, as in a checkpoint on a loaded machine) is waited for, not
	// raced with a second server on the same data, which its lock file would refuse.
	for deadline := time.Now().Add(2 * time.Minute); ; {
		err := c.ping(ctx, "postgres")
		if err == nil {
			c.log.Info("using running database cluster", "data_dir", abs)
			return c, nil
		}
		if c.pgctl(ctx, "status") != nil {
			break // not running: start it
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("database cluster is running but does not accept connections (see %s): %w",
				filepath.Join(abs, "postgres.log"), err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	if err := c.writeConfig(opts); err != nil {
		return nil, err
	}
	logPath := filepath.Join(abs, "postgres.log")
	if err := c.ownedFile(logPath); err != nil {
		return nil, err
	}
	if err := c.pgctl(ctx, "start", "-w", "-t", "120", "-l", logPath); err != nil {
		return nil, fmt.Errorf("start database cluster (see %s): %w", logPath, err)
	}
	c.started = true
	c.log.Info("started database cluster", "data_dir", abs)
	if err := c.ensureDatabase(ctx, DatabaseName); err != nil {
		return nil, err
	}
	return c, nil
}

// URL is the connection string for database db in this cluster. Its application_name names this
// process, so Stop can tell this process's connections from other clients'.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("host=%s port=5432 user=%s dbname=%s sslmode=disable application_name=%s",
		c.socketDir(), clusterUser, db, c.appName())
}

func (c *Cluster) appName() string { return fmt.Sprintf("registry-%d", os.Getpid()) }

// Started reports whether this process started the server (and so should stop it).
func (c *Cluster) Started() bool { return c.started }

// Stop stops the server if this process started it and no other client is connected (a `registry
// serve` that came up meanwhile keeps its database). Close connection pools first.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.started {
		return nil
	}
	// A command that has just exited may still be listed while its backends wind down: look
	// again for up to a second before deciding another client needs the cluster.
	for attempt := 0; ; attempt++ {
		n, err := c.otherClients(ctx)
		if err != nil || n == 0 {
			break
		}
		if attempt == 10 {
			c.log.Info("leaving database cluster running for other clients", "clients", n)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := c.pgctl(ctx, "stop", "-w", "-m", "fast"); err != nil {
		return fmt.Errorf("stop database cluster: %w", err)
	}
	c.started = false
	c.log.Info("stopped database cluster", "data_dir", c.dir)
	return nil
}

// Shutdown stops the server whoever started it (operators' and tests' cleanup).
func (c *Cluster) Shutdown(ctx context.Context) error {
	if err := c.pgctl(ctx, "stop", "-w", "-m", "fast"); err != nil {
		return fmt.Errorf("stop database cluster: %w", err)
	}
	c.started = false
	return nil
}

func (c *Cluster) pgdata() string    { return filepath.Join(c.dir, "pg") }
func (c *Cluster) socketDir() string { return filepath.Join(c.dir, "run") }

func (c *Cluster) initdb(ctx context.Context, opts ClusterOptions) error {
	for _, d := range []string{c.pgdata(), c.socketDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
		if c.cred != nil {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return fmt.Errorf("chown %s: %w", d, err)
			}
		}
	}
	c.log.Info("initialising database cluster", "data_dir", c.dir)
	args := []string{"-D", c.pgdata(), "-U", clusterUser, "--auth=trust", "-E", "UTF8", "--no-locale"}
	if opts.Ephemeral {
		args = append(args, "--no-sync")
	}
	if out, err := c.command(ctx, "initdb", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w: %s", err, lastLine(out))
	}
	f, err := os.OpenFile(filepath.Join(c.pgdata(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("\n# Settings written by the registry at each start.\ninclude_if_exists = 'registry.conf'\n")
	return err
}

// writeConfig rewrites the registry's settings at each start, so a moved data directory still
// gets the right socket path.
func (c *Cluster) writeConfig(opts ClusterOptions) error {
	settings := []string{
		"listen_addresses = ''",
		fmt.Sprintf("unix_socket_directories = '%s'", strings.ReplaceAll(c.socketDir(), "'", "''")),
		"unix_socket_permissions = 0700",
		"max_connections = 200",
		// The key table's index (blocking_keys, some 250 MB a million records) takes inserts at
		// random places through a load: a buffer cache smaller than it reads and writes back a
		// page for every few keys. Much larger (a quarter of the machine's memory) slowed a first
		// load, each of its new pages landing in a buffer touched for the first time.
		"shared_buffers = '1GB'",
		"maintenance_work_mem = '256MB'",
		"max_wal_size = '4GB'",
		// A bulk load writes WAL faster than the 16 MB of buffers PostgreSQL gives it by default
		// drain: backends then write it out themselves, a few pages at a time (pg_stat_wal's
		// wal_buffers_full).
		"wal_buffers = '64MB'",
		// A new WAL segment is otherwise written full of zeros before its first use, by the
		// backend that needs it (perf: 7 % of a first load's CPU on a fresh registry). Without
		// it a segment's blocks are allocated as it is written, and recycled segments keep
		// theirs. On the two loads of docs/benchmarks.md run one after the other, the second
		// load took 6 s less (72.0 s against 78.0 s) and the first 4 s more (50.8 s, 46.9 s).
		"wal_init_zero = off",
		"checkpoint_timeout = '15min'",
	}
	if opts.Ephemeral {
		settings = append(settings, "fsync = off", "synchronous_commit = off", "full_page_writes = off")
	}
	p := filepath.Join(c.pgdata(), "registry.conf")
	if err := os.WriteFile(p, []byte(strings.Join(settings, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return c.ownedFile(p)
}

// ownedFile makes sure path exists and is writable by the server's user.
func (c *Cluster) ownedFile(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	if c.cred != nil {
		return os.Chown(path, int(c.cred.Uid), int(c.cred.Gid))
	}
	return nil
}

func (c *Cluster) ensureDatabase(ctx context.Context, db string) error {
	conn, err := c.connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, db).Scan(&exists); err != nil {
		return fmt.Errorf("look up database: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", db, err)
	}
	return nil
}

func (c *Cluster) connect(ctx context.Context, db string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return pgx.Connect(ctx, c.URL(db))
}

func (c *Cluster) ping(ctx context.Context, db string) error {
	if _, err := os.Stat(filepath.Join(c.socketDir(), ".s.PGSQL.5432")); err != nil {
		return err
	}
	conn, err := c.connect(ctx, db)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

func (c *Cluster) otherClients(ctx context.Context) (int, error) {
	conn, err := c.connect(ctx, "postgres")
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int
	// Our own pool's connections may still be closing: they carry our application_name.
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE backend_type = 'client backend' AND application_name <> $1`, c.appName()).Scan(&n)
	return n, err
}

func (c *Cluster) pgctl(ctx context.Context, action string, args ...string) error {
	cmd := c.command(ctx, "pg_ctl", append([]string{action, "-D", c.pgdata()}, args...)...)
	// pg_ctl start leaves the server running with our stdout: do not capture it through a pipe
	// that would keep this process waiting, write it to a temporary file instead.
	out, err := os.CreateTemp("", "registry-pgctl-*.log")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		b, _ := os.ReadFile(out.Name())
		return fmt.Errorf("pg_ctl %s: %w: %s", action, err, lastLine(b))
	}
	return nil
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bindir, name), args...)
	// The server must outlive a cancelled context of the command that started it.
	if name == "pg_ctl" {
		cmd = exec.Command(filepath.Join(c.bindir, name), args...)
	}
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if c.cred != nil {
		cmd.SysProcAttr.Credential = c.cred
	}
	return cmd
}

// FindServerBinaries returns the directory holding initdb, pg_ctl and postgres: from PATH, then
// `pg_config --bindir`, then the newest /usr/lib/postgresql/*/bin.
func FindServerBinaries() (string, error) {
	return findServerBinaries("/usr/lib/postgresql/*/bin")
}

func findServerBinaries(versionedGlob string) (string, error) {
	has := func(dir string) bool {
		for _, n := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if has(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); has(d) {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob(versionedGlob)
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	return "", ErrNoServerBinaries
}

func pgMajor(bindir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return n
}

// serverCredential picks the unprivileged user that runs the server when we are root, since
// PostgreSQL refuses to run as root.
func serverCredential() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, but no unprivileged user (postgres or nobody) exists to run the database server")
}

// checkTraversable fails early, with a useful message, when the unprivileged server user could
// not reach the data directory (e.g. a checkout under /root).
func checkTraversable(dir string, uid int) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok && int(st.Uid) != uid && fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the database server runs as an unprivileged user that cannot enter %s: "+
				"choose a --data-dir outside it (e.g. under /var/lib or /tmp)", d)
		}
		if d == "/" || d == filepath.Dir(d) {
			return nil
		}
	}
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
