package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"storelens/assets/assetstest"
	"strings"
	"testing"
)

func runCountCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd, ok := Lookup("count")
	if !ok {
		t.Fatal("count is not registered")
	}
	var o, e bytes.Buffer
	err = cmd.Run(context.Background(), Env{Stdout: &o, Stderr: &e, DataDir: t.TempDir()}, args)
	return o.String(), e.String(), err
}

func TestCountJSON(t *testing.T) {
	video := assetstest.Footage(t, "vtest.avi")
	out, _, err := runCountCmd(t, "--video", video, "--line", "384,120,384,576", "--outside-line", "560,100,560,576", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"detector", "entries", "events", "fps", "frames", "in", "out", "passers_by", "runtime"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	var res struct {
		Detector, Runtime        string
		In, Out, Entries, Frames int
		PassersBy                int `json:"passers_by"`
		FPS                      float64
		Events                   []map[string]any
	}
	json.Unmarshal([]byte(out), &res)
	switch {
	case res.Detector == "motion" && res.Runtime != "opencv",
		res.Detector == "dnn" && res.Runtime != "onnxruntime" && res.Runtime != "opencv",
		res.Detector == "dnn" && os.Getenv("STORELENS_REQUIRE_ORT") == "1" && res.Runtime != "onnxruntime":
		t.Errorf("detector %q ran on %q", res.Detector, res.Runtime)
	}
	if res.Frames != 795 || res.FPS != 10 {
		t.Errorf("frames %d fps %v, want 795 at 10", res.Frames, res.FPS)
	}
	if res.In < 10 || res.Out < 10 || res.PassersBy < 20 || res.Entries > res.In {
		t.Errorf("in %d out %d passers-by %d entries %d: far from the clip's ~14 in, ~18 out, ~34 outside crossings", res.In, res.Out, res.PassersBy, res.Entries)
	}
	in, outN, outside := 0, 0, 0
	for _, e := range res.Events {
		var ek []string
		for k := range e {
			ek = append(ek, k)
		}
		sort.Strings(ek)
		if want := []string{"dir", "frame", "line", "reentry", "staff", "t_s", "track"}; !reflect.DeepEqual(ek, want) {
			t.Fatalf("event keys %v, want %v", ek, want)
		}
		switch {
		case e["line"] == "outside":
			outside++
		case e["dir"] == "in":
			in++
		case e["dir"] == "out":
			outN++
		}
		if f, ts := e["frame"].(float64), e["t_s"].(float64); f < 0 || f > 795 || ts*10-f > 1 || f-ts*10 > 1 {
			t.Errorf("event at frame %v, t_s %v: inconsistent at 10 fps", f, ts)
		}
	}
	if in != res.In || outN != res.Out || outside != res.PassersBy {
		t.Errorf("events: %d in, %d out, %d outside; totals say %d, %d, %d", in, outN, outside, res.In, res.Out, res.PassersBy)
	}
}

func TestCountBadInput(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "door.avi")
	os.WriteFile(text, []byte(strings.Repeat("not video ", 100)), 0o600)
	video := assetstest.Footage(t, "vtest.avi")
	for _, tc := range []struct {
		name    string
		args    []string
		usage   bool
		mention string
	}{
		{"no video", []string{"--line", "1,2,3,4"}, true, "--video"},
		{"no line", []string{"--video", text}, true, "--line"},
		{"missing file", []string{"--video", filepath.Join(dir, "gone.mp4"), "--line", "1,2,3,4"}, false, "gone.mp4"},
		{"not a video", []string{"--video", text, "--line", "1,2,3,4"}, false, "door.avi"},
		{"bad line", []string{"--video", text, "--line", "1,2,3"}, false, "four numbers"},
		{"line off the frame", []string{"--video", video, "--line", "100,100,2000,100"}, false, "outside the 768x576 frame"},
		{"camera without start", []string{"--video", video, "--camera", "WH001-C1"}, false, "first frame"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runCountCmd(t, tc.args...)
			if err == nil {
				t.Fatalf("succeeded: %s", out)
			}
			if out != "" {
				t.Errorf("stdout %q on failure, want nothing", out)
			}
			if tc.usage != errors.Is(err, ErrUsage) {
				t.Errorf("error %v: usage error %v, want %v", err, errors.Is(err, ErrUsage), tc.usage)
			}
			if msg := err.Error() + stderr; !strings.Contains(msg, tc.mention) {
				t.Errorf("message %q does not mention %q", msg, tc.mention)
			}
		})
	}
}

// The built-in learnt detector, the default, counts the annotated
// crossings of a line on vtest.avi (H300: 18 in, 13 out in the public
// annotation) within one or two, says which detector counted, and finds
// nobody crossing in tree.avi; --detector motion still counts the old way.
func TestCountWithTheLearntDetector(t *testing.T) {
	out, _, err := runCountCmd(t, "--video", assetstest.Footage(t, "vtest.avi"), "--line", "0,300,768,300", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Detector string
		In, Out  int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Detector != "dnn" || res.In < 16 || res.In > 20 || res.Out < 11 || res.Out > 15 {
		t.Errorf("dnn on H300: %+v; want detector dnn, about 18 in and 13 out", res)
	}
	out, _, err = runCountCmd(t, "--video", assetstest.Footage(t, "tree.avi"), "--line", "0,200,320,200", "--detector", "dnn", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.In+res.Out != 0 {
		t.Errorf("dnn on tree.avi (no people): %+v %v", res, err)
	}
	out, _, err = runCountCmd(t, "--video", assetstest.Footage(t, "vtest.avi"), "--line", "0,300,768,300", "--detector", "motion", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Detector != "motion" || res.In < 14 || res.Out < 10 {
		t.Errorf("--detector motion: %+v %v", res, err)
	}
	if _, _, err := runCountCmd(t, "--video", assetstest.Footage(t, "tree.avi"), "--line", "0,200,320,200", "--detector", "yolo"); err == nil || !strings.Contains(err.Error(), "dnn or motion") {
		t.Errorf("an unknown detector: %v", err)
	}
}

// Without an outside line passers-by are not measured, and the command
// says so rather than "0": null in the JSON, "not measured" in the summary.
func TestCountWithoutOutsideLineSaysNotMeasured(t *testing.T) {
	video := assetstest.Footage(t, "vtest.avi")
	out, _, err := runCountCmd(t, "--video", video, "--line", "384,120,384,576", "--detector", "motion", "--json", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw["passers_by"]) != "null" {
		t.Errorf("passers_by %s without an outside line, want null", raw["passers_by"])
	}
	out, _, err = runCountCmd(t, "--video", video, "--line", "384,120,384,576", "--detector", "motion", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "passers-by:    not measured") || strings.Contains(out, "passers-by:    0") {
		t.Errorf("summary without an outside line:\n%s", out)
	}
}
