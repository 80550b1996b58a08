package vision

import (
	"context"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"
)

// The DNN detector's code path is exercised without downloaded weights: the
// test writes a tiny but real ONNX network (GlobalAveragePool → 1×1 Conv →
// Reshape) whose bias encodes two SSD detection rows, a person and a car.
// OpenCV loads, runs and returns it like any SSD person detector, so
// loading, forward pass, output parsing, class filtering and box scaling are
// all tested; the detection quality of a real model is not.

func pbVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
func pbInt(field int, v int64) []byte { return pbVarint(pbVarint(nil, uint64(field)<<3), uint64(v)) }
func pbBytes(field int, data []byte) []byte {
	b := pbVarint(nil, uint64(field)<<3|2)
	b = pbVarint(b, uint64(len(data)))
	return append(b, data...)
}
func pbStr(field int, s string) []byte { return pbBytes(field, []byte(s)) }
func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func onnxTensor(name string, dtype int64, dims []int64, raw []byte) []byte {
	var b []byte
	for _, d := range dims {
		b = append(b, pbInt(1, d)...)
	}
	return cat(b, pbInt(2, dtype), pbStr(8, name), pbBytes(9, raw))
}

func onnxValueInfo(name string, dims []int64) []byte {
	var shape []byte
	for _, d := range dims {
		shape = append(shape, pbBytes(1, pbInt(1, d))...)
	}
	tensor := cat(pbInt(1, 1), pbBytes(2, shape))
	return cat(pbStr(1, name), pbBytes(2, pbBytes(1, tensor)))
}

func onnxNode(op string, in []string, out string, attrs ...[]byte) []byte {
	var b []byte
	for _, i := range in {
		b = append(b, pbStr(1, i)...)
	}
	b = cat(b, pbStr(2, out), pbStr(3, op+"_"+out), pbStr(4, op))
	for _, a := range attrs {
		b = append(b, pbBytes(5, a)...)
	}
	return b
}

// onnxInts is an attribute holding a list of integers.
func onnxInts(name string, v ...int64) []byte {
	b := cat(pbStr(1, name), pbInt(20, 7))
	for _, x := range v {
		b = append(b, pbInt(8, x)...)
	}
	return b
}

func floats(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

// ssdModel writes an ONNX network that always answers with rows.
func ssdModel(t *testing.T, rows [][7]float32) string {
	n := int64(len(rows))
	var bias []float32
	for _, r := range rows {
		bias = append(bias, r[:]...)
	}
	shape := make([]byte, 32)
	for i, v := range []uint64{1, 1, uint64(n), 7} {
		binary.LittleEndian.PutUint64(shape[8*i:], v)
	}
	graph := cat(
		pbBytes(1, onnxNode("GlobalAveragePool", []string{"data"}, "pooled")),
		pbBytes(1, onnxNode("Conv", []string{"pooled", "W", "B"}, "det", onnxInts("kernel_shape", 1, 1))),
		pbBytes(1, onnxNode("Reshape", []string{"det", "shape"}, "detection_out")),
		pbStr(2, "tiny_ssd"),
		pbBytes(5, onnxTensor("W", 1, []int64{7 * n, 3, 1, 1}, make([]byte, 4*7*n*3))),
		pbBytes(5, onnxTensor("B", 1, []int64{7 * n}, floats(bias...))),
		pbBytes(5, onnxTensor("shape", 7, []int64{4}, shape)),
		pbBytes(11, onnxValueInfo("data", []int64{1, 3, 300, 300})),
		pbBytes(12, onnxValueInfo("detection_out", []int64{1, 1, n, 7})),
	)
	model := cat(pbInt(1, 7), pbStr(2, "storelens-test"), pbBytes(7, graph), pbBytes(8, cat(pbStr(1, ""), pbInt(2, 11))))
	p := filepath.Join(t.TempDir(), "tiny_ssd.onnx")
	if err := os.WriteFile(p, model, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDNNDetector(t *testing.T) {
	model := ssdModel(t, [][7]float32{
		{0, 15, 0.9, 0.25, 0.2, 0.45, 0.9}, // a person
		{0, 7, 0.95, 0.6, 0.1, 0.8, 0.5},   // a car: not counted
		{0, 15, 0.3, 0.5, 0.5, 0.6, 0.9},   // a doubtful person: weak
	})
	d, err := NewDNNDetector(DNNConfig{Model: model})
	if err != nil {
		t.Fatal(err)
	}
	src := openFootage(t, "vtest.avi")
	frame := gocv.NewMat()
	defer frame.Close()
	if err := src.Read(context.Background(), &frame); err != nil {
		t.Fatal(err)
	}
	dets, err := d.Detect(frame)
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) != 2 {
		t.Fatalf("detections %+v, want the person and the doubtful person, not the car", dets)
	}
	want := Box{0.25 * 768, 0.2 * 576, 0.2 * 768, 0.7 * 576}
	if g := dets[0].Box; math.Abs(g.X-want.X) > 0.5 || math.Abs(g.Y-want.Y) > 0.5 || math.Abs(g.W-want.W) > 0.5 || math.Abs(g.H-want.H) > 0.5 {
		t.Errorf("person box %+v, want %+v (scaled to the frame)", g, want)
	}
	if dets[0].Score < 0.5 || dets[1].Score >= 0.5 {
		t.Errorf("scores %.2f and %.2f: want a strong and a weak detection", dets[0].Score, dets[1].Score)
	}

	// Behind the counter, the network's person is tracked like any other.
	c, err := NewCounter(Config{Entrance: Line{Pt{384, 120}, Pt{384, 576}}, Detector: d}, 768, 576, src.FPS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 10; i++ {
		if err := src.Read(context.Background(), &frame); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if err := c.Process(frame); err != nil {
			t.Fatal(err)
		}
	}
	confirmed := 0
	for _, tr := range c.tr.Tracks() {
		if tr.Confirmed() {
			confirmed++
		}
	}
	if res := c.Finish(); confirmed != 1 || len(res.Events) != 0 {
		t.Errorf("%d confirmed tracks and %d crossings from one standing person, want 1 and 0", confirmed, len(res.Events))
	}
}

func TestDNNDetectorBadModel(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "person.onnx")
	os.WriteFile(bad, []byte("not a network"), 0o600)
	for _, p := range []string{bad, filepath.Join(dir, "missing.onnx")} {
		d, err := NewDNNDetector(DNNConfig{Model: p})
		if err == nil {
			d.Close()
			t.Fatalf("model %s loaded", p)
		}
		if !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("error %q does not name the model", err)
		}
	}
}
