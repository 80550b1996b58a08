//go:build linux || darwin

package ort

// #cgo linux LDFLAGS: -ldl
// #include <dlfcn.h>
// #include <stdlib.h>
import "C"

import (
	"errors"
	"unsafe"
)

// openLibrary loads the shared library and finds its OrtGetApiBase.
func openLibrary(path string) (unsafe.Pointer, error) {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	h := C.dlopen(cp, C.RTLD_NOW|C.RTLD_LOCAL)
	if h == nil {
		return nil, errors.New(C.GoString(C.dlerror()))
	}
	sym := C.CString("OrtGetApiBase")
	defer C.free(unsafe.Pointer(sym))
	f := C.dlsym(h, sym)
	if f == nil {
		C.dlclose(h)
		return nil, errors.New("not an ONNX Runtime library (no OrtGetApiBase)")
	}
	return f, nil
}
