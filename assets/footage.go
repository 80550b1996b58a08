package assets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SampleFootage finds a sample video shipped beside StoreLens (vtest.avi,
// tree.avi, …): the PETS 2009 S2L1 clip that Debian's opencv-doc package also
// ships. The demo chain builds its clips from it and the tests count on it.
//
// It looks, in order, in $STORELENS_TESTDATA, in the shared data folder
// beside the source tree (../shared/data), in the project's download cache
// (.cache/data, filled by `make testdata`), beside the binary (data/, or
// the source tree its bin/ sits in, whatever the working folder) and in
// opencv-doc's install path.
func SampleFootage(name string) (string, error) {
	var dirs []string
	if d := os.Getenv("STORELENS_TESTDATA"); d != "" {
		dirs = append(dirs, d)
	}
	if root, ok := moduleRoot(); ok {
		dirs = append(dirs, filepath.Join(root, "..", "shared", "data"), filepath.Join(root, ".cache", "data"))
	}
	if exe, err := os.Executable(); err == nil {
		// Beside the binary (a package ships data/), or bin/ of a source
		// tree, wherever it was started from.
		bin := filepath.Dir(exe)
		dirs = append(dirs, filepath.Join(bin, "data"), filepath.Join(bin, "..", ".cache", "data"), filepath.Join(bin, "..", "..", "shared", "data"))
	}
	dirs = append(dirs, "/usr/share/doc/opencv-doc/examples/data", "/usr/share/opencv4/samples/data")
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Size() > 0 {
			return filepath.Abs(p)
		}
	}
	return "", fmt.Errorf("sample footage %s not found (looked in %v); run `make testdata` or set STORELENS_TESTDATA", name, dirs)
}

// moduleRoot walks up from the working directory to the folder holding
// go.mod, which is where tests and `make run` start.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// ErrNoFootage is returned where sample footage is required but absent.
var ErrNoFootage = errors.New("sample footage not available")
