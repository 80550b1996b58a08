package report

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"

	"storelens/app/i18n"
	"storelens/app/insight"
)

// Book is the workbook being written: numbers as numbers with number
// formats, a frozen header row and a filter on every table.
type Book struct {
	f      *excelize.File
	sheets int
	styles map[cellStyle]int
	// below is the conditional format of a figure under its tag average.
	below int
}

// cellStyle names the number formats of the workbook.
type cellStyle int

const (
	sText    cellStyle = iota
	sHead              // header row
	sInt               // 1,234
	sDec1              // 12.3 (dwell in minutes, entries per day)
	sPct               // 6.25%
	sMoney             // ¥1,234.56, exact to the fen
	sDate              // 2026-11-16
	sTime              // 2026-11-16 14:00
	sTitle             // a sheet's title line
	sNote              // a muted line under it
	sBadText           // a red word (overdue)
)

const (
	fmtMoney = `"¥"#,##0.00`
	fmtDate  = "yyyy-mm-dd"
	fmtTime  = "yyyy-mm-dd hh:mm"
)

func newBook() (*Book, error) {
	b := &Book{f: excelize.NewFile(), styles: map[cellStyle]int{}}
	font := func(bold bool, size float64, color string) *excelize.Font {
		return &excelize.Font{Bold: bold, Size: size, Color: color, Family: "Microsoft YaHei"}
	}
	custom := func(s string) *string { return &s }
	defs := map[cellStyle]*excelize.Style{
		sText:    {Font: font(false, 10, "")},
		sHead:    {Font: font(true, 10, "FFFFFF"), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F5FA8"}}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}},
		sInt:     {Font: font(false, 10, ""), NumFmt: 3},
		sDec1:    {Font: font(false, 10, ""), CustomNumFmt: custom("#,##0.0")},
		sPct:     {Font: font(false, 10, ""), NumFmt: 10},
		sMoney:   {Font: font(false, 10, ""), CustomNumFmt: custom(fmtMoney)},
		sDate:    {Font: font(false, 10, ""), CustomNumFmt: custom(fmtDate)},
		sTime:    {Font: font(false, 10, ""), CustomNumFmt: custom(fmtTime)},
		sTitle:   {Font: font(true, 14, "1F5FA8")},
		sNote:    {Font: font(false, 9, "6B6B6B")},
		sBadText: {Font: font(true, 10, "C62828")},
	}
	for k, s := range defs {
		id, err := b.f.NewStyle(s)
		if err != nil {
			return nil, err
		}
		b.styles[k] = id
	}
	var err error
	b.below, err = b.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	return b, err
}

// sheet adds a sheet named name (the first replaces the blank one).
func (b *Book) sheet(name string) (string, error) {
	name = sheetName(name)
	b.sheets++
	var err error
	if b.sheets == 1 {
		err = b.f.SetSheetName("Sheet1", name)
	} else {
		_, err = b.f.NewSheet(name)
	}
	if err != nil {
		return name, err
	}
	return name, nil
}

// printLayout prints every sheet landscape on A4, one page wide.
func (b *Book) printLayout() error {
	fit := true
	wide, tall, land, a4 := 1, 0, "landscape", 9
	for _, sh := range b.f.GetSheetList() {
		if err := b.f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return err
		}
		if err := b.f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: &land, FitToWidth: &wide, FitToHeight: &tall, Size: &a4}); err != nil {
			return err
		}
	}
	return nil
}

// sheetName keeps a sheet name legal: at most 31 characters, none of []:*?/\.
func sheetName(s string) string {
	out := []rune{}
	for _, c := range s {
		switch c {
		case '[', ']', ':', '*', '?', '/', '\\':
			c = '-'
		}
		out = append(out, c)
	}
	if len(out) > 31 {
		out = out[:31]
	}
	return string(out)
}

// xcol is a column of a sheet's table.
type xcol struct {
	title string
	width float64
	style cellStyle
}

// fitWidth widens column i of cols to the longest text of that column in
// rows (a CJK character counts twice, as it shows), up to limit, so that a
// value is not cut by the cell beside it.
func fitWidth(cols []xcol, rows [][]any, i int, limit float64) {
	for _, r := range rows {
		if i >= len(r) {
			continue
		}
		t, ok := r[i].(string)
		if !ok {
			continue
		}
		cols[i].width = min(limit, max(cols[i].width, float64(i18n.Cells(t)+1)))
	}
}

// cellName is the A1 name of column col (1-based) in row.
func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}

// table writes a table from row top: a header row, then rows (a nil
// value is an empty cell), each column in its format, with widths, a
// filter and the header frozen when top is 1. It returns the last row.
func (b *Book) table(sheet string, top int, cols []xcol, rows [][]any) (int, error) {
	f := b.f
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = c.title
		if err := f.SetColWidth(sheet, colName(i+1), colName(i+1), c.width); err != nil {
			return 0, err
		}
	}
	if err := f.SetSheetRow(sheet, cellName(1, top), &head); err != nil {
		return 0, err
	}
	if err := f.SetCellStyle(sheet, cellName(1, top), cellName(len(cols), top), b.styles[sHead]); err != nil {
		return 0, err
	}
	if err := f.SetRowHeight(sheet, top, 30); err != nil {
		return 0, err
	}
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, cellName(1, top+1+i), &r); err != nil {
			return 0, err
		}
	}
	last := top + len(rows)
	if len(rows) > 0 {
		for i, c := range cols {
			if err := f.SetCellStyle(sheet, cellName(i+1, top+1), cellName(i+1, last), b.styles[c.style]); err != nil {
				return 0, err
			}
		}
	}
	if err := f.AutoFilter(sheet, cellName(1, top)+":"+cellName(len(cols), max(last, top+1)), nil); err != nil {
		return 0, err
	}
	if top == 1 {
		if err := b.freeze(sheet, 1, 1); err != nil {
			return 0, err
		}
	}
	return last, nil
}

// freeze keeps the first rows (and cols columns) in view.
func (b *Book) freeze(sheet string, rows, cols int) error {
	return b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: cols, YSplit: rows,
		TopLeftCell: cellName(cols+1, rows+1), ActivePane: "bottomRight"})
}

// belowAverage marks each cell of column col (rows first..last) that is
// under the cell of column avg beside it.
func (b *Book) belowAverage(sheet string, col, avg, first, last int) error {
	if last < first {
		return nil
	}
	c, a := colName(col), colName(avg)
	rule := fmt.Sprintf("AND(ISNUMBER(%s%d),ISNUMBER(%s%d),%s%d<%s%d)", c, first, a, first, c, first, a, first)
	return b.f.SetConditionalFormat(sheet, fmt.Sprintf("%s%d:%s%d", c, first, c, last),
		[]excelize.ConditionalFormatOptions{{Type: "formula", Criteria: rule, Format: &b.below}})
}

// title writes a sheet's title line and a note under it.
func (b *Book) title(sheet, title, note string) error {
	if err := b.f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(sheet, "A1", "A1", b.styles[sTitle]); err != nil {
		return err
	}
	if note == "" {
		return nil
	}
	if err := b.f.SetCellValue(sheet, "A2", note); err != nil {
		return err
	}
	return b.f.SetCellStyle(sheet, "A2", "A2", b.styles[sNote])
}

// Cell values. A figure that is not defined (a ratio without its
// denominator) is an empty cell, never a zero.

func ratioCell(r insight.Ratio) any {
	if !r.Valid() || math.IsNaN(r.Value()) || math.IsInf(r.Value(), 0) {
		return nil
	}
	return r.Value()
}

func moneyCell(fen int64) any { return float64(fen) / 100 }

// metricCell is the value of m in k as the workbook keeps it (money in
// yuan, dwell in minutes), and its format.
func metricCell(k insight.KPIs, m insight.Metric) (any, cellStyle) {
	v, ok := k.Value(m)
	return metricValueCell(m, v, ok), metricStyle(m)
}

// metricValueCell is a value of m (a store's, a tag average, a ratio's)
// as the workbook keeps it: money in yuan to the fen, dwell in minutes, an
// undefined value as an empty cell.
func metricValueCell(m insight.Metric, v float64, ok bool) any {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	switch m {
	case insight.Sales, insight.ATV:
		return math.Round(v) / 100
	case insight.Dwell:
		return math.Round(v/6) / 10
	}
	return v
}

// metricStyle is the number format of metric m.
func metricStyle(m insight.Metric) cellStyle {
	switch m {
	case insight.EntryRate, insight.Conversion:
		return sPct
	case insight.Sales, insight.ATV:
		return sMoney
	case insight.Dwell, insight.DailyEntries:
		return sDec1
	}
	return sInt
}

// styled is a value in a streamed sheet with its format.
func (b *Book) styled(v any, s cellStyle) excelize.Cell {
	return excelize.Cell{StyleID: b.styles[s], Value: v}
}

// writeExcel writes every section's sheets.
func (r *Report) writeExcel(ctx context.Context, w io.Writer) error {
	b, err := newBook()
	if err != nil {
		return err
	}
	defer b.f.Close()
	props := &excelize.DocProperties{Title: r.Title() + " " + r.PeriodText(), Creator: r.T("report.brand"),
		Subject: r.Scope(), Language: r.Lang}
	if err := b.f.SetDocProps(props); err != nil {
		return err
	}
	for _, s := range r.sections {
		if err := s.WriteExcel(ctx, b, r); err != nil {
			return err
		}
	}
	if err := b.printLayout(); err != nil {
		return err
	}
	b.f.SetActiveSheet(0)
	return b.f.Write(w)
}
