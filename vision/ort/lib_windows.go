package ort

import (
	"fmt"
	"syscall"
	"unsafe"
)

// openLibrary loads the DLL and finds its OrtGetApiBase.
func openLibrary(path string) (unsafe.Pointer, error) {
	h, err := syscall.LoadLibrary(path)
	if err != nil {
		return nil, err
	}
	f, err := syscall.GetProcAddress(h, "OrtGetApiBase")
	if err != nil {
		_ = syscall.FreeLibrary(h)
		return nil, fmt.Errorf("not an ONNX Runtime library (no OrtGetApiBase): %w", err)
	}
	return unsafe.Pointer(f), nil //nolint:govet // a function address from the loader, not Go memory
}
