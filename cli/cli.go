// Package cli holds StoreLens's headless subcommands (sync, count, health,
// flags, …). Each subcommand lives in its own file and registers itself in
// init, so adding one touches nothing else. Commands speak to the user on
// stderr and keep stdout for results (one JSON object with --json).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"storelens/app"
	"storelens/localdb"
	"strings"
)

// Env is what a subcommand gets from the composition root.
type Env struct {
	Stdout, Stderr io.Writer
	// DataDir is the global --data-dir ("" for the default).
	DataDir string
}

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string // one line for `storelens help`
	Run     func(ctx context.Context, env Env, args []string) error
}

var commands = map[string]Command{}

// Register adds a subcommand; it panics on a duplicate name.
func Register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: duplicate command " + c.Name)
	}
	commands[c.Name] = c
}

// Lookup returns the subcommand called name.
func Lookup(name string) (Command, bool) {
	c, ok := commands[name]
	return c, ok
}

// Usage writes the list of subcommands.
func Usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: storelens [--data-dir DIR] [--demo] [--feed URL] [command [flags]]\n\n")
	fmt.Fprintf(w, "Without a command, StoreLens opens its window.\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintf(w, "\nRun `storelens COMMAND -h` for a command's flags.\n")
}

// ErrUsage marks a mistake in the command line; the caller prints usage.
var ErrUsage = errors.New("usage")

// NewFlagSet returns a flag set for a subcommand that reports errors instead
// of exiting, and accepts --data-dir locally as well as globally.
func NewFlagSet(env *Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("storelens "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&env.DataDir, "data-dir", env.DataDir, "data directory (default: the per-user data folder)")
	return fs
}

// ParseFlags parses a subcommand's flags. -h returns flag.ErrHelp (exit 0),
// a bad flag ErrUsage (exit 2, the flag package has said why), and a stray
// argument a clear error: every input of a command is a flag.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return ErrUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected %q; every input is a flag (see %s -h)", strings.TrimPrefix(fs.Name(), "storelens "), fs.Arg(0), fs.Name())
	}
	return nil
}

// ParseLine reads "x1,y1,x2,y2" (integers or decimals) into four numbers.
func ParseLine(s string) ([4]float64, error) {
	var out [4]float64
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return out, fmt.Errorf("line %q: want four numbers x1,y1,x2,y2", s)
	}
	for i, p := range parts {
		if _, err := fmt.Sscan(strings.TrimSpace(p), &out[i]); err != nil {
			return out, fmt.Errorf("line %q: %q is not a number", s, p)
		}
	}
	if out[0] == out[2] && out[1] == out[3] {
		return out, fmt.Errorf("line %q: both ends are the same point", s)
	}
	return out, nil
}

// Fail prints err the way every command does and returns the exit code.
func Fail(w io.Writer, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(w, "storelens: %v\n", err)
	return 1
}

// Exit is what main returns for err.
func Exit(err error) int {
	if err == nil {
		return 0
	}
	return Fail(os.Stderr, err)
}

// withStoreIf runs fn on the app's local store when needed (a command given
// a camera stores what it finds), else with none: a bare video is checked
// without opening, or creating, a database.
func withStoreIf[T any](ctx context.Context, env Env, needed bool, fn func(db *localdb.DB) (T, error)) (T, error) {
	if !needed {
		return fn(nil)
	}
	core, err := app.New(ctx, app.Config{DataDir: env.DataDir})
	if err != nil {
		var zero T
		return zero, err
	}
	defer core.Close()
	return fn(core.DB())
}
