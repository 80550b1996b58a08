// Package ort runs ONNX models on ONNX Runtime's CPU library, loaded at run
// time (dlopen, LoadLibrary) from the file the npm package onnxruntime-node
// ships. It binds the few entries of ORT's C API a detector needs: an
// environment, a session from model bytes with a thread count, one float
// tensor in and named float tensors out. Without the library, Open returns
// an error and the caller runs the model another way.
package ort

// #include <stdlib.h>
// #include "ort.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// apiVersion is the version of the C API asked for: 14 is ONNX Runtime
// 1.14, which has every entry used here; later libraries serve it too.
const apiVersion = 14

// Library is a loaded ONNX Runtime.
type Library struct {
	Path    string
	Version string
	env     unsafe.Pointer
}

var (
	loadMu sync.Mutex
	loaded *Library
)

// Open loads the library at path once per process; later calls with the
// same path return the same library, and with another path an error (a
// process holds one ONNX Runtime).
func Open(path string) (*Library, error) {
	loadMu.Lock()
	defer loadMu.Unlock()
	if loaded != nil {
		if loaded.Path != path {
			return nil, fmt.Errorf("ONNX Runtime %s: %s is loaded already", path, loaded.Path)
		}
		return loaded, nil
	}
	base, err := openLibrary(path)
	if err != nil {
		return nil, fmt.Errorf("ONNX Runtime %s: %w", path, err)
	}
	if msg := C.sl_ort_init(base, apiVersion); msg != nil {
		return nil, fmt.Errorf("ONNX Runtime %s: %s", path, take(msg))
	}
	l := &Library{Path: path, Version: C.GoString(C.sl_ort_version())}
	id := C.CString("storelens")
	defer C.free(unsafe.Pointer(id))
	// ORT_LOGGING_LEVEL_ERROR: failures come back as errors; nothing else
	// is written to stderr.
	if msg := C.sl_ort_env(3, id, &l.env); msg != nil {
		return nil, fmt.Errorf("ONNX Runtime %s: %s", path, take(msg))
	}
	loaded = l
	return l, nil
}

// take turns a message from the C side into a Go string and frees it.
func take(msg *C.char) string {
	defer C.free(unsafe.Pointer(msg))
	return C.GoString(msg)
}

// Session is a model ready to run. It is not safe for concurrent Runs.
type Session struct {
	s       unsafe.Pointer
	inputs  []string
	outputs []string
	cIn     *C.char
	cOut    []*C.char
	values  []unsafe.Pointer
	mu      sync.Mutex
}

// Tensor is one output: its name, shape and values (copied out of the
// runtime, so they stay valid after the next Run only if the caller keeps
// its own copy: Run reuses the slices).
type Tensor struct {
	Name  string
	Shape []int64
	Data  []float32
}

// NewSession loads a model from its bytes. threads is how many cores one
// Run may use (1: the caller's own thread only).
func (l *Library) NewSession(model []byte, threads int) (*Session, error) {
	if len(model) == 0 {
		return nil, errors.New("no model")
	}
	if threads < 1 {
		threads = 1
	}
	cm := C.CBytes(model)
	defer C.free(cm)
	s := &Session{}
	if msg := C.sl_ort_session(l.env, cm, C.size_t(len(model)), C.int(threads), &s.s); msg != nil {
		return nil, errors.New(take(msg))
	}
	runtime.SetFinalizer(s, (*Session).Close)
	var nin, nout C.size_t
	if msg := C.sl_ort_counts(s.s, &nin, &nout); msg != nil {
		s.Close()
		return nil, errors.New(take(msg))
	}
	for out := range 2 {
		n := nin
		if out == 1 {
			n = nout
		}
		for i := range int(n) {
			var name *C.char
			if msg := C.sl_ort_name(s.s, C.int(out), C.size_t(i), &name); msg != nil {
				s.Close()
				return nil, errors.New(take(msg))
			}
			if out == 0 {
				s.inputs = append(s.inputs, C.GoString(name))
				C.free(unsafe.Pointer(name))
			} else {
				s.outputs = append(s.outputs, C.GoString(name))
				s.cOut = append(s.cOut, name)
			}
		}
	}
	if len(s.inputs) != 1 {
		s.Close()
		return nil, fmt.Errorf("the model has %d inputs; one image input is needed", len(s.inputs))
	}
	s.cIn = C.CString(s.inputs[0])
	s.values = make([]unsafe.Pointer, len(s.outputs))
	return s, nil
}

// Inputs and Outputs are the model's tensor names.
func (s *Session) Inputs() []string  { return s.inputs }
func (s *Session) Outputs() []string { return s.outputs }

// Run feeds data, of the given shape, to the model's input and returns
// every output. out, when it has the outputs' length, is filled in place
// (its slices reused), so a caller running frame after frame allocates
// nothing.
func (s *Session) Run(data []float32, shape []int64, out []Tensor) ([]Tensor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s == nil {
		return nil, errors.New("the session is closed")
	}
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	if n != int64(len(data)) || len(data) == 0 {
		return nil, fmt.Errorf("input of %d values for shape %v", len(data), shape)
	}
	for i := range s.values {
		s.values[i] = nil
	}
	msg := C.sl_ort_run(s.s, s.cIn, (*C.float)(unsafe.Pointer(&data[0])), C.size_t(len(data)),
		(*C.int64_t)(unsafe.Pointer(&shape[0])), C.size_t(len(shape)),
		(**C.char)(unsafe.Pointer(&s.cOut[0])), C.size_t(len(s.cOut)), (*unsafe.Pointer)(unsafe.Pointer(&s.values[0])))
	defer func() {
		for _, v := range s.values {
			if v != nil {
				C.sl_ort_release_value(v)
			}
		}
	}()
	if msg != nil {
		return nil, errors.New(take(msg))
	}
	if len(out) != len(s.outputs) {
		out = make([]Tensor, len(s.outputs))
	}
	for i, v := range s.values {
		var p *C.float
		var dims [8]C.int64_t
		rank := C.size_t(len(dims))
		if msg := C.sl_ort_tensor(v, &p, &dims[0], &rank); msg != nil {
			return nil, fmt.Errorf("output %s: %s", s.outputs[i], take(msg))
		}
		t := &out[i]
		t.Name = s.outputs[i]
		t.Shape = t.Shape[:0]
		count := int64(1)
		for _, d := range dims[:rank] {
			t.Shape = append(t.Shape, int64(d))
			count *= int64(d)
		}
		t.Data = append(t.Data[:0], unsafe.Slice((*float32)(unsafe.Pointer(p)), count)...)
	}
	return out, nil
}

// Close releases the session.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s == nil {
		return nil
	}
	C.sl_ort_release_session(s.s)
	s.s = nil
	for _, c := range s.cOut {
		C.free(unsafe.Pointer(c))
	}
	s.cOut = nil
	if s.cIn != nil {
		C.free(unsafe.Pointer(s.cIn))
		s.cIn = nil
	}
	runtime.SetFinalizer(s, nil)
	return nil
}
