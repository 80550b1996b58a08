package ort

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// EnvPath names the variable that points at the library to use instead of
// the one StoreLens finds.
const EnvPath = "STORELENS_ONNXRUNTIME"

// ErrNotFound is returned by Find when no library is in any of the places
// it looks.
var ErrNotFound = errors.New("no ONNX Runtime library found")

// npmDir is where the npm package onnxruntime-node keeps this platform's
// library, relative to the package.
func npmDir() string {
	osName := map[string]string{"windows": "win32"}[runtime.GOOS]
	if osName == "" {
		osName = runtime.GOOS
	}
	arch := map[string]string{"amd64": "x64"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	return filepath.Join("bin", "napi-v6", osName, arch)
}

// Candidates are the places Find looks, in order: the file EnvPath names;
// beside the program, in lib/ beside it or one level up, and in
// ../lib/storelens (where the Linux archive installs it); then, for a
// program run from a source tree, the npm package that `make deps` unpacks
// into .cache/npm of any folder above the program or the working
// directory.
func Candidates() []string {
	var c []string
	if p := os.Getenv(EnvPath); p != "" {
		return []string{p}
	}
	var roots []string
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		dir := filepath.Dir(exe)
		c = append(c, filepath.Join(dir, LibraryName), filepath.Join(dir, "lib", LibraryName),
			filepath.Join(dir, "..", "lib", LibraryName), filepath.Join(dir, "..", "lib", "storelens", LibraryName))
		roots = append(roots, dir)
	}
	if wd, err := os.Getwd(); err == nil {
		roots = append(roots, wd)
	}
	rel := filepath.Join(".cache", "npm", "onnxruntime-node", npmDir(), LibraryName)
	for _, r := range roots {
		for d := r; ; d = filepath.Dir(d) {
			c = append(c, filepath.Join(d, rel))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return c
}

// Find returns the first library among Candidates that exists.
func Find() (string, error) {
	for _, p := range Candidates() {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p := os.Getenv(EnvPath); p != "" {
		return "", errors.New(p + " (" + EnvPath + ") does not exist")
	}
	return "", ErrNotFound
}
