package cli

import (
	"context"
	"fmt"
	"time"

	"storelens/app"
	"storelens/sync/demofeed"
)

func init() {
	Register(Command{Name: "demo-feed", Summary: "serve the built-in demo chain over HTTP (the HQ feed protocol)", Run: runDemoFeed})
}

func runDemoFeed(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "demo-feed")
	listen := fs.String("listen", "127.0.0.1:8477", "address to serve on (host:port)")
	seed := fs.Int64("seed", app.DemoSeed, "seed of the chain's figures (the default builds the chain of the window's --demo)")
	until := fs.String("until", "", "last local day served, YYYY-MM-DD (default: yesterday)")
	token := fs.String("token", app.DemoToken, "bearer token clients must send")
	clips := fs.String("clips", demofeed.DefaultClipDir(), "folder caching the MP4 clips cut from the sample footage (\"\" for none)")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	cfg := app.DemoChain(*clips, func(f string, a ...any) { fmt.Fprintf(env.Stderr, f+"\n", a...) })
	cfg.Seed, cfg.Token = *seed, *token
	if *until != "" {
		t, err := time.Parse("2006-01-02", *until)
		if err != nil {
			return fmt.Errorf("--until %q is not a date; write it as YYYY-MM-DD, e.g. --until 2026-11-26", *until)
		}
		cfg.Until = t
	}
	r, err := demofeed.Listen(ctx, cfg, *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "demo feed: %d stores, counts and POS up to %s, seed %d, serving %s; Ctrl-C stops\n",
		r.StoreCount(), r.Until(), *seed, r.URL)
	fmt.Fprintln(env.Stdout, r.URL)
	return r.Wait()
}
