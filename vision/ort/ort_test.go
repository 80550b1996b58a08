package ort_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storelens/assets"
	"storelens/vision/ort"
)

// library finds the ONNX Runtime that `make deps` brings. Under `make
// test` (STORELENS_REQUIRE_ORT=1) a missing library fails the test.
func library(t *testing.T) *ort.Library {
	t.Helper()
	// A file that is not the library is an error, and leaves the real one
	// loadable.
	bad := filepath.Join(t.TempDir(), ort.LibraryName)
	if err := os.WriteFile(bad, []byte("not a library"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ort.Open(bad); err == nil {
		t.Errorf("%s opened", bad)
	}
	p, err := ort.Find()
	if err != nil {
		if os.Getenv("STORELENS_REQUIRE_ORT") != "" {
			t.Fatalf("%v: run make deps", err)
		}
		t.Skipf("%v: run make deps", err)
	}
	l, err := ort.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestThePersonDetectorRunsAtAnyMultipleOf32(t *testing.T) {
	l := library(t)
	if !strings.HasPrefix(l.Version, "1.") {
		t.Errorf("version %q", l.Version)
	}
	model, err := assets.PersonModel()
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.NewSession(model, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Outputs()) != 6 {
		t.Fatalf("outputs %v, want NanoDet's six", s.Outputs())
	}
	for _, size := range [][2]int{{320, 320}, {384, 288}, {480, 352}} {
		w, h := size[0], size[1]
		in := make([]float32, 3*w*h)
		out, err := s.Run(in, []int64{1, 3, int64(h), int64(w)}, nil)
		if err != nil {
			t.Fatalf("%dx%d: %v", w, h, err)
		}
		cells := 0
		for _, o := range out {
			if len(o.Shape) != 3 || int64(len(o.Data)) != o.Shape[0]*o.Shape[1]*o.Shape[2] {
				t.Fatalf("%dx%d: output %s of shape %v with %d values", w, h, o.Name, o.Shape, len(o.Data))
			}
			if o.Shape[2] == 80 {
				cells += int(o.Shape[1])
			}
		}
		if want := (w/8)*(h/8) + (w/16)*(h/16) + (w/32)*(h/32); cells != want {
			t.Errorf("%dx%d: %d cells, want %d", w, h, cells, want)
		}
	}
	if _, err := s.Run(make([]float32, 10), []int64{1, 3, 320, 320}, nil); err == nil {
		t.Error("a short input ran")
	}
}

func TestABrokenModelOrLibraryIsAnErrorNotACrash(t *testing.T) {
	l := library(t)
	if _, err := l.NewSession([]byte("not a model"), 1); err == nil {
		t.Error("a broken model loaded")
	}
	bad := filepath.Join(t.TempDir(), ort.LibraryName)
	if err := os.WriteFile(bad, []byte("not a library"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ort.Open(bad); err == nil {
		t.Errorf("%s opened after the real library", bad)
	}
	t.Setenv(ort.EnvPath, bad)
	p, err := ort.Find()
	if err != nil || p != bad {
		t.Fatalf("Find with %s set: %q, %v", ort.EnvPath, p, err)
	}
	t.Setenv(ort.EnvPath, filepath.Join(t.TempDir(), "missing"))
	if _, err := ort.Find(); err == nil || !strings.Contains(err.Error(), ort.EnvPath) {
		t.Errorf("Find with a missing file: %v", err)
	}
}
