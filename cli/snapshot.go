package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"storelens/app"
)

func init() {
	Register(Command{Name: "snapshot", Summary: "the frame of a store camera at a store-local moment, as a PNG (faces blurred)", Run: runSnapshot})
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func runSnapshot(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "snapshot")
	store := fs.String("store", "", "the store's code")
	camera := fs.String("camera", "", "the camera's code (default: the store's entrance camera)")
	at := fs.String("at", "", `the store-local moment, "YYYY-MM-DD HH:MM:SS"`)
	out := fs.String("out", "", "the PNG file to write")
	noBlur := fs.Bool("no-blur", false, "keep faces as recorded (for your own eyes only)")
	feedURL := fs.String("feed", "", "HQ feed URL to fetch footage not yet on this laptop (default: the one saved by the app; token from STORELENS_TOKEN or the keyring)")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	if *store == "" || strings.TrimSpace(*at) == "" || *out == "" {
		fmt.Fprintln(env.Stderr, env.T("cli.snapshot.need"))
		return ErrUsage
	}
	// The file's folder must be there before footage is fetched for it.
	if dir := filepath.Dir(*out); !isDir(dir) {
		return sayErr("outdir", "Path", *out, "Dir", dir)
	}
	core, _, err := openInsightWith(ctx, env, app.Config{FeedURL: strings.TrimSpace(*feedURL), Token: os.Getenv("STORELENS_TOKEN")})
	if err != nil {
		return err
	}
	defer core.Close()
	snap, err := core.TakeSnapshot(ctx, app.SnapshotRequest{StoreCode: *store, CameraCode: *camera, Local: *at, NoBlur: *noBlur})
	if err != nil {
		return err
	}
	if err := snap.WritePNG(*out); err != nil {
		return sayErr("writefile", "Path", *out, "Err", err.Error())
	}
	fmt.Fprintln(env.Stdout, *out)
	key := "cli.snapshot.done"
	if !snap.Blurred {
		key = "cli.snapshot.unblurred"
	}
	fmt.Fprintln(env.Stderr, env.T(key, "Store", snap.StoreCode, "Camera", snap.Camera.Code, "At", snap.At.Format("15:04:05")))
	return nil
}
