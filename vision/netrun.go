package vision

import (
	"fmt"
	"os"
	"sync"

	"gocv.io/x/gocv"

	"storelens/vision/ort"
)

// netRunner runs a network on an NCHW blob and returns its outputs. The
// outputs stay valid until the next forward.
type netRunner interface {
	forward(blob gocv.Mat, w, h int) ([]netOutput, error)
	runtime() string
	close() error
}

type netOutput struct {
	dims []int
	data []float32
}

// ORTLibrary loads ONNX Runtime once per process from the first place
// ort.Find looks that has it. The error says where it looked or why the
// library would not load.
var ORTLibrary = sync.OnceValues(func() (*ort.Library, error) {
	p, err := ort.Find()
	if err != nil {
		return nil, fmt.Errorf("%w (looked beside the program and in .cache/npm; run make deps, or set %s)", err, ort.EnvPath)
	}
	return ort.Open(p)
})

// ortRunner runs the network on ONNX Runtime.
type ortRunner struct {
	s     *ort.Session
	outs  []ort.Tensor
	res   []netOutput
	shape []int64
}

func newORTRunner(cfg NanoDetConfig, name string) (*ortRunner, error) {
	lib, err := ORTLibrary()
	if err != nil {
		return nil, err
	}
	model := cfg.ModelData
	if model == nil {
		if model, err = os.ReadFile(cfg.Model); err != nil {
			return nil, fmt.Errorf("person detector model %s: %w", name, err)
		}
	}
	threads := cfg.Threads
	if threads < 1 {
		threads = 1
	}
	s, err := lib.NewSession(model, threads)
	if err != nil {
		return nil, fmt.Errorf("person detector %s on ONNX Runtime %s: %w", name, lib.Version, err)
	}
	if n := len(s.Outputs()); n != 6 {
		s.Close()
		return nil, fmt.Errorf("person detector model %s has %d outputs, not NanoDet's six (scores and boxes at three strides)", name, n)
	}
	return &ortRunner{s: s, shape: make([]int64, 4)}, nil
}

func (r *ortRunner) runtime() string { return RuntimeORT }

func (r *ortRunner) forward(blob gocv.Mat, w, h int) ([]netOutput, error) {
	data, err := blob.DataPtrFloat32()
	if err != nil {
		return nil, err
	}
	r.shape[0], r.shape[1], r.shape[2], r.shape[3] = 1, 3, int64(h), int64(w)
	if r.outs, err = r.s.Run(data, r.shape, r.outs); err != nil {
		return nil, err
	}
	r.res = r.res[:0]
	for _, t := range r.outs {
		dims := make([]int, len(t.Shape))
		for i, d := range t.Shape {
			dims[i] = int(d)
		}
		r.res = append(r.res, netOutput{dims: dims, data: t.Data})
	}
	return r.res, nil
}

func (r *ortRunner) close() error { return r.s.Close() }

// cvRunner runs the network through OpenCV's dnn module.
type cvRunner struct {
	net     gocv.Net
	outputs []string
	mats    []gocv.Mat
	res     []netOutput
}

func newOpenCVRunner(cfg NanoDetConfig, name string) (*cvRunner, error) {
	var net gocv.Net
	if cfg.ModelData != nil {
		var err error
		if net, err = gocv.ReadNetFromONNXBytes(cfg.ModelData); err != nil {
			return nil, fmt.Errorf("person detector %s: %v; reinstall StoreLens or pass --detector motion", name, err)
		}
	} else {
		net = gocv.ReadNetFromONNX(cfg.Model)
	}
	if net.Empty() {
		net.Close()
		return nil, fmt.Errorf("person detector model %s: OpenCV could not load it; reinstall StoreLens or pass --detector motion", name)
	}
	_ = net.SetPreferableBackend(gocv.NetBackendOpenCV)
	_ = net.SetPreferableTarget(gocv.NetTargetCPU)
	r := &cvRunner{net: net}
	for _, n := range net.GetUnconnectedOutLayers() {
		l := net.GetLayer(n)
		r.outputs = append(r.outputs, l.GetName())
		l.Close()
	}
	if len(r.outputs) != 6 {
		net.Close()
		return nil, fmt.Errorf("person detector model %s has %d outputs, not NanoDet's six (scores and boxes at three strides)", name, len(r.outputs))
	}
	return r, nil
}

func (r *cvRunner) runtime() string { return RuntimeOpenCV }

func (r *cvRunner) forward(blob gocv.Mat, _, _ int) ([]netOutput, error) {
	r.release()
	r.net.SetInput(blob, "")
	r.mats = r.net.ForwardLayers(r.outputs)
	r.res = r.res[:0]
	for _, o := range r.mats {
		v, err := o.DataPtrFloat32()
		if err != nil {
			return nil, err
		}
		r.res = append(r.res, netOutput{dims: o.Size(), data: v})
	}
	return r.res, nil
}

func (r *cvRunner) release() {
	for _, m := range r.mats {
		m.Close()
	}
	r.mats = nil
}

func (r *cvRunner) close() error {
	r.release()
	return r.net.Close()
}
