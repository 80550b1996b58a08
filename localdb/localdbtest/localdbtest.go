// Package localdbtest lets the tests of other packages look inside a local
// store's file: count rows, read a column, plant a row that no feed would
// send. The product never imports it; *localdb.DB hands out no connection,
// so this package opens its own on the same file.
package localdbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	stdsync "sync"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the driver localdb uses
)

var (
	mu    stdsync.Mutex
	conns = map[string]*sql.DB{}
)

// File is anything with a database file, such as *localdb.DB.
type File interface{ Path() string }

// Conn returns a connection pool on db's file, for reads and writes, closed
// when the test ends. Writes wait for the app's own writer (busy timeout).
func Conn(tb testing.TB, db File) *sql.DB {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if c, ok := conns[db.Path()]; ok {
		return c
	}
	c, err := Open(db)
	if err != nil {
		tb.Fatalf("open %s: %v", db.Path(), err)
	}
	conns[db.Path()] = c
	path := db.Path()
	tb.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		conns[path].Close()
		delete(conns, path)
	})
	return c
}

// Open opens a one-connection pool on db's file for reads and writes; the
// caller closes it. Bulk loaders that build test chains use it.
func Open(db File) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "OFF") // test data: speed over durability
	c, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: db.Path()}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	return c, nil
}

// InTx runs fn in one transaction on c, committing when fn returns nil.
func InTx(ctx context.Context, c *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Int runs a query that returns one integer, failing the test on error.
func Int(tb testing.TB, db File, query string, args ...any) int64 {
	tb.Helper()
	var n int64
	if err := Conn(tb, db).QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// Exec runs a statement, failing the test on error.
func Exec(tb testing.TB, db File, query string, args ...any) {
	tb.Helper()
	if _, err := Conn(tb, db).Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", shorten(query), err)
	}
}

func shorten(q string) string {
	if len(q) > 80 {
		return fmt.Sprintf("%s…", q[:80])
	}
	return q
}
