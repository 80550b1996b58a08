package tfjs

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storelens/vision/ort"

	"gocv.io/x/gocv"
)

// A small graph in the shape of NanoDet's (NCHW input, NHWC convolutions
// between transposes, a bias add, LeakyRelu, a padded max pool, a bilinear
// resize, a concat, a reshape whose shape is folded from SparseToDense, a
// split and a sigmoid), written as TensorFlow.js writes one, converted, run
// through OpenCV, and compared with the same layers computed here in Go.

const (
	tn, tc, th, tw = 1, 3, 8, 8 // input
	tk, to         = 3, 4       // kernel, output channels
)

// filterValue and biasValue are exact in float16 (multiples of 1/64).
func filterValue(i int) float32 { return float32((i*37)%17-8) / 64 }
func biasValue(i int) float32   { return float32(i-2) / 16 }
func inputValue(i int) float32  { return float32(math.Sin(float64(i)*0.7)) * 2 }

type weight struct {
	Name         string            `json:"name"`
	Shape        []int             `json:"shape"`
	DType        string            `json:"dtype"`
	Quantization map[string]string `json:"quantization,omitempty"`
}

func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	frac := uint16(b>>13) & 0x3ff
	if f == 0 {
		return sign
	}
	return sign | uint16(exp)<<10 | frac
}

func writeTinyModel(t *testing.T) string {
	dir := t.TempDir()
	var bin []byte
	var ws []weight
	addF16 := func(name string, shape []int, v []float32) {
		for _, x := range v {
			bin = binary.LittleEndian.AppendUint16(bin, toHalf(x))
		}
		ws = append(ws, weight{name, shape, "float32", map[string]string{"dtype": "float16", "original_dtype": "float32"}})
	}
	addI32 := func(name string, shape []int, v ...int32) {
		for _, x := range v {
			bin = binary.LittleEndian.AppendUint32(bin, uint32(x))
		}
		ws = append(ws, weight{name, shape, "int32", nil})
	}
	filter := make([]float32, tk*tk*tc*to)
	for i := range filter {
		filter[i] = filterValue(i)
	}
	bias := make([]float32, to)
	for i := range bias {
		bias[i] = biasValue(i)
	}
	addF16("filter", []int{tk, tk, tc, to}, filter)
	addF16("bias", []int{to}, bias)
	addI32("to_nhwc", []int{4}, 0, 2, 3, 1)
	addI32("to_nchw", []int{4}, 0, 3, 1, 2)
	addI32("pool_pads", []int{4, 2}, 0, 0, 0, 1, 0, 1, 0, 0)
	addI32("size", []int{2}, 8, 8)
	addI32("axis", []int{}, 3)
	addI32("shape_base", []int{3}, 1, 8, -1)
	addI32("where", []int{0, 1})
	addI32("dense_shape", []int{1}, 3)
	addI32("gather", []int{0})
	addI32("zero", []int{}, 0)
	addI32("split_sizes", []int{2}, 3, 5)
	addI32("split_axis", []int{}, 1)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	type node map[string]any
	nodes := []node{
		{"name": "input", "op": "Placeholder", "attr": node{"shape": node{"shape": node{"dim": []node{{"size": "1"}, {"size": "3"}, {"size": "8"}, {"size": "8"}}}}}},
		{"name": "out_b", "op": "Identity", "input": []string{"split:1"}},
		{"name": "out_a", "op": "Identity", "input": []string{"sig"}},
		{"name": "sig", "op": "Sigmoid", "input": []string{"split"}},
		{"name": "split", "op": "SplitV", "input": []string{"reshape", "split_sizes", "split_axis"}, "attr": node{"num_split": node{"i": "2"}}},
		{"name": "reshape", "op": "Reshape", "input": []string{"nchw", "shape"}},
		{"name": "shape", "op": "AddV2", "input": []string{"shape_base", "sparse"}},
		{"name": "sparse", "op": "SparseToDense", "input": []string{"where", "dense_shape", "gather", "zero"}},
		{"name": "nchw", "op": "Transpose", "input": []string{"concat", "to_nchw"}},
		{"name": "concat", "op": "ConcatV2", "input": []string{"up", "act", "axis"}},
		{"name": "up", "op": "ResizeBilinear", "input": []string{"pool", "size"}, "attr": node{"half_pixel_centers": node{"b": true}, "align_corners": node{"b": false}}},
		{"name": "pool", "op": "MaxPool", "input": []string{"padded"}, "attr": node{"ksize": node{"list": node{"i": []string{"1", "2", "2", "1"}}}, "strides": node{"list": node{"i": []string{"1", "2", "2", "1"}}}, "padding": node{"s": b64("VALID")}, "data_format": node{"s": b64("NHWC")}}},
		{"name": "padded", "op": "Pad", "input": []string{"act", "pool_pads"}},
		{"name": "act", "op": "LeakyRelu", "input": []string{"biased"}, "attr": node{"alpha": node{"f": 0.1}}},
		{"name": "biased", "op": "Add", "input": []string{"conv", "bias"}},
		{"name": "conv", "op": "Conv2D", "input": []string{"nhwc", "filter"}, "attr": node{"strides": node{"list": node{"i": []string{"1", "1", "1", "1"}}}, "padding": node{"s": b64("SAME")}, "data_format": node{"s": b64("NHWC")}, "dilations": node{"list": node{"i": []string{"1", "1", "1", "1"}}}}},
		{"name": "nhwc", "op": "Transpose", "input": []string{"input", "to_nhwc"}},
	}
	for _, w := range ws {
		nodes = append(nodes, node{"name": w.Name, "op": "Const"})
	}
	model := node{
		"format": "graph-model", "modelTopology": node{"node": nodes},
		"signature":       node{"outputs": node{"out_a:0": node{"name": "out_a:0"}, "out_b:0": node{"name": "out_b:0"}}},
		"weightsManifest": []node{{"paths": []string{"tiny.bin"}, "weights": ws}},
	}
	js, _ := json.Marshal(model)
	os.WriteFile(filepath.Join(dir, "tiny.bin"), bin, 0o644)
	path := filepath.Join(dir, "tiny.json")
	os.WriteFile(path, js, 0o644)
	return path
}

// reference computes the tiny graph directly: out_a [1,3,N] sigmoid of the
// first three channels, out_b [1,5,N] the other five, N = 64.
func reference(in []float32) (a, b []float32) {
	at := func(c, y, x int) float32 { return in[(c*th+y)*tw+x] }
	act := make([]float32, th*tw*to) // NHWC
	for y := range th {
		for x := range tw {
			for o := range to {
				s := biasValue(o)
				for ky := range tk {
					for kx := range tk {
						iy, ix := y+ky-1, x+kx-1 // SAME, 3×3
						if iy < 0 || ix < 0 || iy >= th || ix >= tw {
							continue
						}
						for c := range tc {
							s += at(c, iy, ix) * filterValue(((ky*tk+kx)*tc+c)*to+o)
						}
					}
				}
				if s < 0 {
					s *= 0.1
				}
				act[(y*tw+x)*to+o] = s
			}
		}
	}
	// Pad one row and column of zeros at the end, max pool 2×2/2: 9×9 → 4×4.
	const ph, pw = 4, 4
	pool := make([]float32, ph*pw*to)
	for y := range ph {
		for x := range pw {
			for o := range to {
				m := float32(math.Inf(-1))
				for dy := range 2 {
					for dx := range 2 {
						v := float32(0)
						if yy, xx := 2*y+dy, 2*x+dx; yy < th && xx < tw {
							v = act[(yy*tw+xx)*to+o]
						}
						m = max(m, v)
					}
				}
				pool[(y*pw+x)*to+o] = m
			}
		}
	}
	// Bilinear 4×4 → 8×8 with half-pixel centres.
	up := make([]float32, th*tw*to)
	src := func(d, n int) (int, int, float32) {
		s := (float32(d)+0.5)*float32(n)/float32(2*n) - 0.5
		s = max(s, 0)
		i0 := int(s)
		i1 := min(i0+1, n-1)
		return i0, i1, s - float32(i0)
	}
	for y := range th {
		y0, y1, fy := src(y, ph)
		for x := range tw {
			x0, x1, fx := src(x, pw)
			for o := range to {
				p := func(yy, xx int) float32 { return pool[(yy*pw+xx)*to+o] }
				up[(y*tw+x)*to+o] = (1-fy)*((1-fx)*p(y0, x0)+fx*p(y0, x1)) + fy*((1-fx)*p(y1, x0)+fx*p(y1, x1))
			}
		}
	}
	// Concat on channels (up, act) → 8 channels, NCHW, reshape [1,8,64].
	for ch := range 2 * to {
		for i := range th * tw {
			var v float32
			if ch < to {
				v = up[i*to+ch]
			} else {
				v = act[i*to+ch-to]
			}
			if ch < 3 {
				a = append(a, float32(1/(1+math.Exp(-float64(v)))))
			} else {
				b = append(b, v)
			}
		}
	}
	return a, b
}

func TestConvertedGraphRunsInOpenCVAsComputedHere(t *testing.T) {
	m, err := Load(writeTinyModel(t))
	if err != nil {
		t.Fatal(err)
	}
	onnx, err := Convert(m, Options{FixedSize: true})
	if err != nil {
		t.Fatal(err)
	}
	g, err := convertGraph(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// No transpose reads another (they merge), and the one around the
	// input meets the graph's own and is gone: the convolution reads the
	// input directly.
	producer := map[string]*onnxNode{}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			producer[o] = n
		}
	}
	for _, n := range g.Nodes {
		if p := producer[n.Inputs[0]]; n.Op == "Transpose" && p != nil && p.Op == "Transpose" {
			t.Errorf("transpose %s reads transpose %s: they should have merged", n.Name, p.Name)
		}
		if n.Op == "Conv" && n.Inputs[0] != "input" {
			t.Errorf("the convolution reads %s, not the input: the transposes between did not cancel", n.Inputs[0])
		}
	}
	net, err := gocv.ReadNetFromONNXBytes(onnx)
	if err != nil || net.Empty() {
		t.Fatalf("OpenCV does not load the converted graph: %v", err)
	}
	defer net.Close()
	in := make([]float32, tn*tc*th*tw)
	for i := range in {
		in[i] = inputValue(i)
	}
	blob := gocv.NewMatWithSizes([]int{tn, tc, th, tw}, gocv.MatTypeCV32F)
	defer blob.Close()
	data, _ := blob.DataPtrFloat32()
	copy(data, in)
	net.SetInput(blob, "")
	outs := net.ForwardLayers([]string{"out_a", "out_b"})
	wantA, wantB := reference(in)
	for i, want := range [][]float32{wantA, wantB} {
		got, err := outs[i].DataPtrFloat32()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("output %d: %d values (shape %v), want %d", i, len(got), outs[i].Size(), len(want))
		}
		worst := 0.0
		for j := range want {
			worst = math.Max(worst, math.Abs(float64(got[j]-want[j])))
		}
		if worst > 1e-4 {
			t.Errorf("output %d differs from the Go computation by up to %g", i, worst)
		}
		outs[i].Close()
	}
}

// A model with an operation the converter does not know says which.
func TestAnUnknownOperationIsNamed(t *testing.T) {
	path := writeTinyModel(t)
	raw, _ := os.ReadFile(path)
	var m map[string]any
	json.Unmarshal(raw, &m)
	nodes := m["modelTopology"].(map[string]any)["node"].([]any)
	nodes[3].(map[string]any)["op"] = "Softsign"
	raw, _ = json.Marshal(m)
	os.WriteFile(path, raw, 0o644)
	model, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Convert(model, Options{}); err == nil || !strings.Contains(err.Error(), "Softsign") {
		t.Errorf("converting a Softsign: %v", err)
	}
}

// The graph as shipped (height and width free) runs in ONNX Runtime and
// gives the same values; ONNX Runtime checks every declared shape.
func TestConvertedGraphRunsInONNXRuntime(t *testing.T) {
	path, err := ort.Find()
	if err != nil {
		if os.Getenv("STORELENS_REQUIRE_ORT") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	lib, err := ort.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(writeTinyModel(t))
	if err != nil {
		t.Fatal(err)
	}
	onnx, err := Convert(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := lib.NewSession(onnx, 1)
	if err != nil {
		t.Fatalf("ONNX Runtime does not load the converted graph: %v", err)
	}
	defer s.Close()
	in := make([]float32, tn*tc*th*tw)
	for i := range in {
		in[i] = inputValue(i)
	}
	outs, err := s.Run(in, []int64{tn, tc, th, tw}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantA, wantB := reference(in)
	byName := map[string][]float32{}
	for _, o := range outs {
		byName[o.Name] = o.Data
	}
	for name, want := range map[string][]float32{"out_a": wantA, "out_b": wantB} {
		got := byName[name]
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
		}
		worst := 0.0
		for j := range want {
			worst = math.Max(worst, math.Abs(float64(got[j]-want[j])))
		}
		if worst > 1e-4 {
			t.Errorf("%s differs from the Go computation by up to %g", name, worst)
		}
	}
}
