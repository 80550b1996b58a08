package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
	"storelens/vision"
)

// blackoutClip writes 20 s of vtest.avi at half size whose picture goes
// black from 12 s on and stays black to the end.
func blackoutClip(t *testing.T) string {
	t.Helper()
	src := assetstest.Footage(t, "vtest.avi")
	s, err := vision.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := filepath.Join(t.TempDir(), "blackout.avi")
	sz := image.Pt(s.Size().X/2, s.Size().Y/2)
	w, err := gocv.VideoWriterFile(out, "MJPG", s.FPS(), sz.X, sz.Y, true)
	if err != nil {
		t.Fatal(err)
	}
	f, small := gocv.NewMat(), gocv.NewMat()
	defer f.Close()
	defer small.Close()
	for n := 0; float64(n)/s.FPS() < 20; n++ {
		if err := s.Read(context.Background(), &f); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatal(err)
		}
		gocv.Resize(f, &small, sz, 0, 0, gocv.InterpolationArea)
		if float64(n)/s.FPS() >= 12 {
			small.SetTo(gocv.NewScalar(0, 0, 0, 0))
		}
		if err := w.Write(small); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHealthJSONShape(t *testing.T) {
	clip := blackoutClip(t)
	var stdout, stderr bytes.Buffer
	err := runHealth(context.Background(), Env{Stdout: &stdout, Stderr: &stderr}, []string{"--video", clip, "--json", "--sustain", "5s"})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	// Exactly one JSON object, nothing else, on stdout.
	dec := json.NewDecoder(bytes.NewReader(stdout.Bytes()))
	var got map[string]any
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout.String())
	}
	if dec.More() {
		t.Errorf("more than one JSON value on stdout: %s", stdout.String())
	}
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if !reflect.DeepEqual(keys(got), []string{"alerts", "fps", "frames"}) {
		t.Errorf("top-level keys = %v", keys(got))
	}
	if got["frames"].(float64) != 200 || got["fps"].(float64) != 10 {
		t.Errorf("frames, fps = %v, %v; want 200, 10", got["frames"], got["fps"])
	}
	alerts := got["alerts"].([]any)
	if len(alerts) != 1 {
		t.Fatalf("alerts = %v, want one no_signal", alerts)
	}
	a := alerts[0].(map[string]any)
	if !reflect.DeepEqual(keys(a), []string{"detail", "end_s", "kind", "start_s"}) {
		t.Errorf("alert keys = %v", keys(a))
	}
	if a["kind"] != "no_signal" || a["end_s"] != nil || a["start_s"].(float64) < 12 || a["start_s"].(float64) > 13 {
		t.Errorf("alert = %v, want no_signal from 12 s, end_s null (still black at the end)", a)
	}
	if d := a["detail"].(map[string]any); d["reason"] != "black" {
		t.Errorf("detail = %v", d)
	}
}

func TestHealthBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string // in the message; "" for a usage error
	}{
		{[]string{"--json"}, ""},
		{[]string{"--video", filepath.Join(t.TempDir(), "none.avi")}, "does not exist"},
		{[]string{"--video", "x.avi", "--sustain", "45s"}, "at most 30s"},
		{[]string{"--video", "x.avi", "--relearn"}, ""},
		{[]string{"--video", "x.avi", "stray"}, "unexpected"},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		err := runHealth(context.Background(), Env{Stdout: &stdout, Stderr: &stderr}, tc.args)
		switch {
		case err == nil:
			t.Errorf("%v: accepted", tc.args)
		case tc.want == "" && !errors.Is(err, ErrUsage):
			t.Errorf("%v: err = %v, want a usage error", tc.args, err)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%v: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
		if stdout.Len() > 0 {
			t.Errorf("%v: wrote %q to stdout on failure", tc.args, stdout.String())
		}
	}
}
