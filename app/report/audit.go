package report

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"storelens/app/audit"
	"storelens/app/i18n"
	"storelens/localdb"
)

// cashierAudit is the cashier audit's findings in the period (as the last
// audit run kept them): per store and kind, and each finding with its
// sentence and state.
type cashierAudit struct {
	findings                []localdb.AuditFinding
	rows                    []auditRow
	open, dismissed, tasked int
	stores                  int
}

type auditRow struct {
	store, name string
	byKind      map[string]int
	total       int
}

// auditListed is how many findings the PDF lists one by one; the workbook
// has them all.
const auditListed = 40

func (s *cashierAudit) Collect(ctx context.Context, r *Report) error {
	all, err := r.src.DB.AuditFindings(ctx, localdb.FindingFilter{From: r.Period.From.AddDate(0, 0, -1), To: r.Period.To.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	by := map[string]*auditRow{}
	for i := len(all) - 1; i >= 0; i-- { // oldest first
		f := all[i]
		if !r.Has(f.StoreCode) || !r.inPeriod(f.At, storeZone(f.TimeZone)) {
			continue
		}
		s.findings = append(s.findings, f)
		switch f.Status {
		case localdb.FindingDismissed:
			s.dismissed++
			continue // set aside by the manager: listed, not counted against the store
		case localdb.FindingTasked:
			s.tasked++
		default:
			s.open++
		}
		row := by[f.StoreCode]
		if row == nil {
			row = &auditRow{store: f.StoreCode, name: f.StoreName, byKind: map[string]int{}}
			by[f.StoreCode] = row
		}
		row.byKind[f.Kind]++
		row.total++
	}
	for _, row := range by {
		s.rows = append(s.rows, *row)
	}
	s.stores = len(s.rows)
	sort.Slice(s.rows, func(i, j int) bool {
		if s.rows[i].total != s.rows[j].total {
			return s.rows[i].total > s.rows[j].total
		}
		return s.rows[i].store < s.rows[j].store
	})
	return nil
}

func (s *cashierAudit) Highlights(r *Report) []i18n.Text {
	if len(s.findings) == 0 {
		return nil
	}
	if s.tasked == 0 && s.dismissed == 0 {
		return []i18n.Text{i18n.Say("report.hl.audit.open", "N", s.open, "Stores", s.stores)}
	}
	return []i18n.Text{i18n.Say("report.hl.audit", "N", s.open+s.tasked, "Stores", s.stores, "Tasked", s.tasked, "Dismissed", s.dismissed)}
}

// line is one finding as the PDF and the workbook say it.
func (s *cashierAudit) line(f localdb.AuditFinding, r *Report) string {
	ev, _ := audit.Decode(f.Evidence)
	return audit.Summary(f.Kind, storeZone(f.TimeZone), ev).In(r.Lang)
}

func (s *cashierAudit) WritePDF(d *Doc, r *Report) error {
	d.need(160)
	d.bookmark(r.T("report.sec.audit"))
	d.heading(r.T("report.sec.audit"))
	if len(s.findings) == 0 {
		d.para(r.T("report.audit.none"), sizeBody, muted)
		return nil
	}
	for _, t := range s.Highlights(r) {
		d.para(t.In(r.Lang), sizeBody, ink)
	}
	d.gap(4)
	if len(s.rows) > 0 {
		cols := []column{{title: r.T("report.col.store"), width: 44}, {title: r.T("report.col.name"), width: 110}}
		for _, k := range audit.Kinds {
			cols = append(cols, column{title: r.T("audit.short." + k), width: 62, right: true})
		}
		cols = append(cols, column{title: r.T("report.col.total"), right: true})
		var rows [][]cell
		for _, row := range s.rows {
			cs := []cell{txt(row.store), txt(row.name)}
			for _, k := range audit.Kinds {
				c := txt("")
				if n := row.byKind[k]; n > 0 {
					c = colored(fmt.Sprint(n), bad)
				}
				cs = append(cs, c)
			}
			rows = append(rows, append(cs, txt(fmt.Sprint(row.total))))
		}
		d.table(cols, rows, sizeSmall)
		d.gap(6)
	}
	d.subheading(r.T("report.audit.list"))
	for i, f := range s.findings {
		if i == auditListed {
			d.para(r.T("report.audit.more", "N", len(s.findings)-auditListed), sizeSmall, muted)
			break
		}
		c := ink
		state := ""
		switch f.Status {
		case localdb.FindingDismissed:
			c, state = muted, " ("+r.T("audit.status.dismissed")+": "+f.Reason+")"
		case localdb.FindingTasked:
			state = " (" + r.T("audit.status.tasked") + ")"
		}
		d.para(fmt.Sprintf("%s · %s %s · %s: %s%s", f.At.In(storeZone(f.TimeZone)).Format("01-02 15:04"), f.StoreCode, f.StoreName,
			r.T("audit.kind."+f.Kind), s.line(f, r), state), sizeSmall, c)
	}
	return nil
}

func (s *cashierAudit) WriteExcel(_ context.Context, b *Book, r *Report) error {
	sh, err := b.sheet(r.T("report.sheet.audit"))
	if err != nil {
		return err
	}
	cols := []xcol{{r.T("report.col.time"), 17, sText}, {r.T("report.col.store"), 10, sText}, {r.T("report.col.name"), 18, sText},
		{r.T("report.col.kind"), 16, sText}, {r.T("report.col.state"), 10, sText}, {r.T("report.col.finding"), 60, sText},
		{r.T("report.col.receipts"), 28, sText}, {r.T("report.col.reason"), 24, sText}}
	var rows [][]any
	for _, f := range s.findings {
		ev, _ := audit.Decode(f.Evidence)
		var nos []string
		for _, rc := range ev.Receipts {
			nos = append(nos, rc.No)
		}
		rows = append(rows, []any{f.At.In(storeZone(f.TimeZone)).Format("2006-01-02 15:04:05"), f.StoreCode, f.StoreName, r.T("audit.kind." + f.Kind),
			r.T("audit.status." + f.Status), s.line(f, r), strings.Join(nos, ", "), f.Reason})
	}
	_, err = b.table(sh, 1, cols, rows)
	return err
}
