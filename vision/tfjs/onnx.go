package tfjs

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The subset of onnx.proto (ONNX IR 7) the converter writes, field by field.
// Field numbers are ONNX's; see onnx/onnx.proto.

// onnxNode is one NodeProto.
type onnxNode struct {
	Op      string
	Name    string
	Inputs  []string
	Outputs []string
	Attrs   []onnxAttr
}

// onnxAttr is an AttributeProto of one of the kinds used.
type onnxAttr struct {
	Name   string
	Kind   int // 1 float, 2 int, 3 string, 6 floats, 7 ints
	F      float32
	I      int64
	S      string
	Ints   []int64
	Floats []float32
}

func attrInt(name string, v int64) onnxAttr     { return onnxAttr{Name: name, Kind: 2, I: v} }
func attrFloat(name string, v float32) onnxAttr { return onnxAttr{Name: name, Kind: 1, F: v} }
func attrString(name, v string) onnxAttr        { return onnxAttr{Name: name, Kind: 3, S: v} }
func attrInts(name string, v ...int64) onnxAttr { return onnxAttr{Name: name, Kind: 7, Ints: v} }

// onnxTensor is an initializer: float32 or int64 data.
type onnxTensor struct {
	Name  string
	Dims  []int64
	Float bool
	F     []float32
	I     []int64
}

// onnxValue is a graph input or output. A dimension named in Params is
// written symbolically (dim_param), so a runtime that checks shapes (ONNX
// Runtime) accepts any size there; Dims keeps the size the conversion
// worked at.
type onnxValue struct {
	Name   string
	Dims   []int64
	Params map[int]string
}

type onnxGraph struct {
	Name    string
	Nodes   []*onnxNode
	Inits   []*onnxTensor
	Inputs  []onnxValue
	Outputs []onnxValue
	Opset   int64
}

func appendMsg(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

func appendStr(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendInt(b []byte, num protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func (t *onnxTensor) marshal() []byte {
	var b []byte
	for _, d := range t.Dims {
		b = appendInt(b, 1, d) // dims
	}
	if t.Float {
		b = appendInt(b, 2, 1) // data_type FLOAT
		raw := make([]byte, 4*len(t.F))
		for i, v := range t.F {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		b = appendStr(b, 8, t.Name)
		b = protowire.AppendTag(b, 9, protowire.BytesType) // raw_data
		b = protowire.AppendBytes(b, raw)
		return b
	}
	b = appendInt(b, 2, 7) // data_type INT64
	raw := make([]byte, 8*len(t.I))
	for i, v := range t.I {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	b = appendStr(b, 8, t.Name)
	b = protowire.AppendTag(b, 9, protowire.BytesType)
	return protowire.AppendBytes(b, raw)
}

func (a onnxAttr) marshal() []byte {
	b := appendStr(nil, 1, a.Name)
	switch a.Kind {
	case 1:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case 2:
		b = appendInt(b, 3, a.I)
	case 3:
		b = appendStr(b, 4, a.S)
	case 6:
		for _, f := range a.Floats {
			b = protowire.AppendTag(b, 7, protowire.Fixed32Type)
			b = protowire.AppendFixed32(b, math.Float32bits(f))
		}
	case 7:
		for _, v := range a.Ints {
			b = appendInt(b, 8, v)
		}
	}
	return appendInt(b, 20, int64(a.Kind)) // type
}

func (n *onnxNode) marshal() []byte {
	var b []byte
	for _, in := range n.Inputs {
		b = appendStr(b, 1, in)
	}
	for _, out := range n.Outputs {
		b = appendStr(b, 2, out)
	}
	b = appendStr(b, 3, n.Name)
	b = appendStr(b, 4, n.Op)
	for _, a := range n.Attrs {
		b = appendMsg(b, 5, a.marshal())
	}
	return b
}

func (v onnxValue) marshal() []byte {
	var shape []byte
	for i, d := range v.Dims {
		dim := appendInt(nil, 1, d) // dim_value
		if p, ok := v.Params[i]; ok {
			dim = appendStr(nil, 2, p) // dim_param
		}
		shape = appendMsg(shape, 1, dim)
	}
	tensor := appendInt(nil, 1, 1) // elem_type FLOAT
	tensor = appendMsg(tensor, 2, shape)
	typ := appendMsg(nil, 1, tensor) // tensor_type
	b := appendStr(nil, 1, v.Name)
	return appendMsg(b, 2, typ)
}

// marshal is the ModelProto holding g.
func (g *onnxGraph) marshal(producer string) []byte {
	var gb []byte
	for _, n := range g.Nodes {
		gb = appendMsg(gb, 1, n.marshal())
	}
	gb = appendStr(gb, 2, g.Name)
	for _, t := range g.Inits {
		gb = appendMsg(gb, 5, t.marshal())
	}
	for _, v := range g.Inputs {
		gb = appendMsg(gb, 11, v.marshal())
	}
	for _, v := range g.Outputs {
		gb = appendMsg(gb, 12, v.marshal())
	}
	b := appendInt(nil, 1, 7) // ir_version
	b = appendStr(b, 2, producer)
	b = appendMsg(b, 7, gb)
	opset := appendStr(nil, 1, "")
	opset = appendInt(opset, 2, g.Opset)
	return appendMsg(b, 8, opset)
}
