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
	"storelens/app/i18n"
	"storelens/localdb"
	"storelens/vision"
	"strconv"
	"strings"
)

// Env is what a subcommand gets from the composition root.
type Env struct {
	Stdout, Stderr io.Writer
	// DataDir is the global --data-dir ("" for the default).
	DataDir string
	// Lang is the language a person reads the command in: --lang, else
	// the locale's (i18n.SystemLang).
	Lang string
	// Verbose (-v) lets diagnostics through: each retry, the video
	// decoder's own complaints.
	Verbose bool
}

// T is the catalogue's sentence key in the command's language.
func (e Env) T(key string, kv ...any) string { return i18n.Say(key, kv...).In(e.lang()) }

func (e Env) lang() string {
	if e.Lang == "" {
		return i18n.SystemLang()
	}
	return e.Lang
}

// Main runs the subcommand args[0] with the rest of args and returns the
// process's exit code: 0 done (or -h), 2 a mistake in the command line, 1
// a failure, printed in the command's language.
func Main(ctx context.Context, env Env, args []string) int {
	env.Lang = langOf(args[1:])
	cmd, ok := Lookup(args[0])
	if !ok {
		fmt.Fprintln(env.Stderr, env.T("cli.unknown", "Name", args[0]))
		Usage(env.Stderr)
		return 2
	}
	err := cmd.Run(ctx, env, args[1:])
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	}
	return Fail(env, err)
}

// langOf is the language a command line asks for with --lang (so that
// even a mistake in its other flags is explained in it), else the locale's.
func langOf(args []string) string {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		v, found := strings.CutPrefix(a, "lang=")
		if !found && a == "lang" && i+1 < len(args) {
			v, found = args[i+1], true
		}
		if found {
			if c, ok := i18n.Lang(v); ok {
				return c
			}
		}
	}
	return i18n.SystemLang()
}

// langValue is the --lang flag: zh or en (zh-CN, cn, en_US … understood).
type langValue struct{ env *Env }

func (l langValue) String() string {
	if l.env == nil {
		return ""
	}
	return l.env.lang()
}

func (l langValue) Set(s string) error {
	c, ok := i18n.Lang(s)
	if !ok {
		return fmt.Errorf("%q: use zh or en", s)
	}
	l.env.Lang = c
	return nil
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
	lang := i18n.SystemLang()
	say := func(key string, kv ...any) string { return i18n.Say(key, kv...).In(lang) }
	fmt.Fprintln(w, say("cli.usage.head"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, say("cli.usage.window"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, say("cli.usage.commands"))
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		summary := commands[n].Summary
		if k := "cli.summary." + n; i18n.Default().Has(lang, k) {
			summary = say(k)
		}
		fmt.Fprintf(w, "  %-12s %s\n", n, summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, say("cli.usage.more"))
}

// ErrUsage marks a mistake in the command line; the caller prints usage.
var ErrUsage = errors.New("usage")

// NewFlagSet returns a flag set for a subcommand that reports errors instead
// of exiting, and accepts --data-dir locally as well as globally.
func NewFlagSet(env *Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("storelens "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&env.DataDir, "data-dir", env.DataDir, "data directory (default: the per-user data folder)")
	fs.Var(langValue{env}, "lang", "language of what is printed: zh or en (default: the locale's)")
	quiet := quietDecoders()
	fs.BoolFunc("v", "print diagnostics too: each retry, the video decoder's own messages", func(s string) error {
		v, err := strconv.ParseBool(s)
		env.Verbose = v
		if v {
			quiet.undo()
		}
		return err
	})
	fs.Usage = func() { flagUsage(env, name, fs) }
	return fs
}

// flagUsage is a subcommand's -h in the command's language: each flag's
// words from the catalogue (cli.flag.<command>.<flag>, else
// cli.flag.<flag> for the flags every command has), else as declared.
func flagUsage(env *Env, name string, fs *flag.FlagSet) {
	lang := env.lang()
	cat := i18n.Default()
	w := fs.Output()
	fmt.Fprintln(w, i18n.Say("cli.help.head", "Cmd", name).In(lang))
	key := strings.ReplaceAll(name, " ", "-")
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		for _, k := range []string{"cli.flag." + key + "." + f.Name, "cli.flag." + f.Name} {
			if cat.Has(lang, k) {
				usage = i18n.Say(k).In(lang)
				break
			}
		}
		line := "  -" + f.Name
		if kind != "" {
			line += " " + kind
		}
		if len(line) <= 4 {
			line += "\t"
		} else {
			line += "\n    \t"
		}
		line += strings.ReplaceAll(usage, "\n", "\n    \t")
		if d := f.DefValue; d != "" && d != "false" && d != "0" && f.Name != "lang" && f.Name != "data-dir" {
			line += i18n.Say("cli.help.default", "Value", d).In(lang) // its own space in English
		}
		fmt.Fprintln(w, line)
	})
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

// Fail prints err the way every command does, in the command's language
// where the error carries catalogue phrases, and returns the exit code.
func Fail(env Env, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(env.Stderr, "storelens: %s\n", explain(env, err))
	return 1
}

// saidError is a command's own error, as catalogue phrases.
type saidError struct{ say i18n.Text }

func (e *saidError) Error() string   { return e.say.In(i18n.English) }
func (e *saidError) Text() i18n.Text { return e.say }

// sayErr is the error of catalogue key cli.err.<key> with its arguments.
func sayErr(key string, kv ...any) error { return &saidError{say: i18n.Say("cli.err."+key, kv...)} }

// explain is err for a person: its catalogue phrases in the command's
// language when it has them (errors.As a Text() i18n.Text), else its text.
func explain(env Env, err error) string {
	var said interface{ Text() i18n.Text }
	if errors.As(err, &said) && len(said.Text()) > 0 {
		return said.Text().In(env.lang())
	}
	return err.Error()
}

// Exit is what main returns for an error of the window's start.
func Exit(err error) int {
	if err == nil {
		return 0
	}
	return Fail(Env{Stderr: os.Stderr}, err)
}

// quietDecoders keeps OpenCV's and FFmpeg's own log lines ("[msmpeg4 @ …]
// ignoring overflow", GStreamer warnings) off the terminal; the command
// says what went wrong itself. -v lets them through (undo, before a video
// is opened). A setting the user made in the environment wins.
func quietDecoders() quieted {
	vision.QuietLibraryLogs(true)
	var q quieted
	for k, v := range map[string]string{"OPENCV_FFMPEG_LOGLEVEL": "-8", "OPENCV_LOG_LEVEL": "SILENT", "GST_DEBUG": "0"} {
		if _, set := os.LookupEnv(k); !set {
			os.Setenv(k, v)
			q = append(q, k)
		}
	}
	return q
}

type quieted []string

func (q quieted) undo() {
	vision.QuietLibraryLogs(false)
	for _, k := range q {
		os.Unsetenv(k)
	}
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
