// Command storelens is StoreLens (店镜), the desktop tool of a retail chain's
// regional managers. Without a subcommand it opens the window; subcommands
// (sync, count, health, flags, …) run headless for scripts and HQ analysts.
//
// main is the one composition root: it parses the global flags, opens the
// app core and hands it to the UI or to a subcommand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/cli"
	"storelens/ui"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	global := flag.NewFlagSet("storelens", flag.ContinueOnError)
	dataDir := global.String("data-dir", "", "data directory (default: the per-user data folder)")
	demo := global.Bool("demo", false, "start the built-in demo chain on loopback and sync from it")
	feed := global.String("feed", "", "HQ feed URL (overrides the one saved in Settings)")
	version := global.Bool("version", false, "print the version and exit")
	lang := global.String("lang", "", "the window's language for this run: zh or en (default: the one chosen in Settings, else the locale's)")
	global.Usage = func() { cli.Usage(os.Stderr) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *lang != "" {
		if _, ok := i18n.Lang(*lang); !ok {
			fmt.Fprintf(os.Stderr, "storelens: --lang %q: use zh or en / 请写 zh 或 en\n", *lang)
			return 2
		}
	}
	if *version {
		fmt.Println("storelens", app.Version)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if rest := global.Args(); len(rest) > 0 {
		if rest[0] == "help" {
			cli.Usage(os.Stdout)
			return 0
		}
		return cli.Main(ctx, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, DataDir: *dataDir}, rest)
	}

	core, err := app.New(ctx, app.Config{DataDir: *dataDir, Demo: *demo, FeedURL: *feed})
	if err != nil {
		return cli.Exit(err)
	}
	defer core.Close()
	return cli.Exit(ui.Run(ctx, core, ui.Options{Lang: *lang}))
}
