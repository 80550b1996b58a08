package localdb

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bulk writes travel as one JSON array of rows bound to a single parameter
// and unpacked by SQLite (jsonb_each), instead of a multi-row VALUES list
// with one bound parameter per value: each bound value costs a cgo call and
// a conversion in database/sql, which a page of a million values feels.

// jsonSelect turns a VALUES tuple template such as "(?,'device',?)" into
// the select list reading the same values from a jsonb_each row:
// "value->>0,'device',value->>1". The k-th "?" reads element k.
func jsonSelect(tuple string) string {
	t := strings.TrimSpace(tuple)
	t = strings.TrimSuffix(strings.TrimPrefix(t, "("), ")")
	var sb strings.Builder
	k := 0
	for i := 0; i < len(t); i++ {
		if t[i] == '?' {
			sb.WriteString("value->>")
			sb.WriteString(strconv.Itoa(k))
			k++
			continue
		}
		sb.WriteByte(t[i])
	}
	return sb.String()
}

// appendJSONRow appends vals as a JSON array. Integers, floats, strings,
// booleans (as 0/1) and nil (null) are what the bulk writes carry.
func appendJSONRow(b []byte, vals []any) ([]byte, error) {
	b = append(b, '[')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSONValue(b, v); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

func appendJSONValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return b, fmt.Errorf("value %v is not a finite number", x)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), nil
	case bool:
		if x {
			return append(b, '1'), nil
		}
		return append(b, '0'), nil
	case string:
		return appendJSONString(b, x), nil
	default:
		return b, fmt.Errorf("bulk write: unexpected value type %T", v)
	}
}

// appendJSONString quotes s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == 0x7f {
			j, _ := json.Marshal(s)
			return append(b, j...)
		}
	}
	if !utf8.ValidString(s) {
		j, _ := json.Marshal(s)
		return append(b, j...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// insertJSON writes the rows of batch (ncols values each, flattened) with
// one INSERT: into is "INSERT INTO t(cols)".
func insertJSON(ctx context.Context, x execer, into string, ncols int, batch []any) error {
	if len(batch) == 0 {
		return nil
	}
	b := make([]byte, 0, len(batch)*8)
	b = append(b, '[')
	for i := 0; i < len(batch); i += ncols {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSONRow(b, batch[i:i+ncols]); err != nil {
			return err
		}
	}
	b = append(b, ']')
	sel := make([]string, ncols)
	for k := range sel {
		sel[k] = "value->>" + strconv.Itoa(k)
	}
	_, err := x.ExecContext(ctx, into+` SELECT `+strings.Join(sel, ",")+` FROM jsonb_each(jsonb(?))`, string(b))
	return MapError(err)
}
