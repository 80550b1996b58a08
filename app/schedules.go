package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"storelens/app/i18n"
	"storelens/app/vocab"
	"storelens/localdb"
)

// Schedule is an inspection schedule (定时抓拍计划).
type Schedule = localdb.InspectionSchedule

// CameraRoles are the cameras a schedule can look through.
var CameraRoles = []string{"entrance", "storefront", "till", "floor"}

// ScheduleEdit is a schedule as the manager writes it: a name, days of the
// week, times, the stores (all, a tag, or by code) and cameras, and the
// date it applies from — e.g. "门口叫卖检查-10点", every day at 10:00 from
// 2024-05-20; "店外吊旗巡检", Sun–Fri 09:30.
type ScheduleEdit struct {
	ID         int64 // 0 for a new schedule
	Name       string
	Weekdays   localdb.Weekdays
	Times      string // "10:00, 14:00"
	Tag        string
	StoreCodes []string
	CameraRole string // "" is the entrance camera
	StartsOn   string // "YYYY-MM-DD", "" from now on
	Paused     bool
}

// Schedules lists the inspection schedules, active and paused, by name.
func (a *App) Schedules(ctx context.Context) ([]Schedule, error) { return a.db.Schedules(ctx) }

// SaveSchedule checks and stores a schedule made or changed here; the
// change goes to HQ with the next sync.
func (a *App) SaveSchedule(ctx context.Context, e ScheduleEdit) (Schedule, error) {
	s := Schedule{ID: e.ID, Name: strings.TrimSpace(e.Name), Weekdays: e.Weekdays, CameraRole: e.CameraRole,
		StartsOn: strings.TrimSpace(e.StartsOn), Tag: strings.TrimSpace(e.Tag), Active: !e.Paused}
	if s.Name == "" {
		return s, said("schedule.err.name")
	}
	if s.Weekdays == 0 || s.Weekdays > localdb.AllWeek {
		return s, said("schedule.err.days", "Name", s.Name)
	}
	times, err := normalTimes(e.Times)
	if err != nil {
		return s, said("schedule.err.times", "Name", s.Name, "Times", e.Times)
	}
	s.Times = times
	if s.CameraRole == "" {
		s.CameraRole = "entrance"
	}
	if !vocab.Valid(CameraRoles, s.CameraRole) {
		return s, said("schedule.err.role", "Role", s.CameraRole, "Roles", strings.Join(CameraRoles, ", "))
	}
	if s.StartsOn != "" {
		if _, err := time.Parse(time.DateOnly, s.StartsOn); err != nil {
			return s, said("schedule.err.starts", "Name", s.Name, "Date", s.StartsOn)
		}
	}
	if s.Tag != "" {
		tags, err := a.db.TagNames(ctx)
		if err != nil {
			return s, err
		}
		if !vocab.Valid(tags, s.Tag) {
			return s, said("schedule.err.tag", "Tag", s.Tag, "Tags", strings.Join(tags, "、"))
		}
	}
	for _, c := range e.StoreCodes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		st, err := a.db.StoreByCode(ctx, c)
		if errors.Is(err, localdb.ErrNotFound) {
			return s, said("schedule.err.store", "Code", c)
		}
		if err != nil {
			return s, err
		}
		s.StoreIDs = append(s.StoreIDs, st.ID)
	}
	if len(s.StoreIDs) > 0 {
		s.Tag = "" // stores named one by one
	}
	if s.ID != 0 {
		// An edit keeps what the form does not show (a store HQ set).
		all, err := a.db.Schedules(ctx)
		if err != nil {
			return s, err
		}
		for _, old := range all {
			if old.ID == s.ID && len(s.StoreIDs) == 0 && s.Tag == "" {
				s.StoreID = old.StoreID
			}
		}
	}
	saved, err := a.db.SaveSchedule(ctx, s, vocab.ActorManager, time.Now())
	if err != nil {
		return saved, err
	}
	a.SyncNow()
	return saved, nil
}

// normalTimes reads "10:00, 14:00" into "10:00,14:00", sorted, each once.
func normalTimes(s string) (string, error) {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		hh, mm, ok := strings.Cut(f, ":")
		if !ok {
			hh, mm, ok = strings.Cut(f, "：")
		}
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
			return "", errors.New("not a time")
		}
		t := time.Date(0, 1, 1, h, m, 0, 0, time.UTC).Format("15:04")
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return "", errors.New("no time")
	}
	slices.Sort(out)
	return strings.Join(out, ","), nil
}

// PauseSchedules pauses (or, with pause false, resumes) schedules.
func (a *App) PauseSchedules(ctx context.Context, ids []int64, pause bool) error {
	if err := a.db.SetSchedulesActive(ctx, ids, !pause, vocab.ActorManager, time.Now()); err != nil {
		return err
	}
	a.SyncNow()
	return nil
}

// DeleteSchedules removes schedules; the snapshots they took stay.
func (a *App) DeleteSchedules(ctx context.Context, ids []int64) error {
	if err := a.db.DeleteSchedules(ctx, ids, vocab.ActorManager, time.Now()); err != nil {
		return err
	}
	a.SyncNow()
	return nil
}

// StoreCodes are the store codes by store id, for a schedule's lines.
func (a *App) StoreCodes(ctx context.Context) (map[int64]string, error) {
	stores, err := a.db.Stores(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(stores))
	for _, st := range stores {
		out[st.ID] = st.Code
	}
	return out, nil
}

// weekdayKeys are the catalogue keys of Monday … Sunday, the bits of a
// Weekdays.
var weekdayKeys = []string{"weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat", "weekday.sun"}

// WeekdaysText names a weekday set in lang: "every day", "Mon–Fri, Sun",
// "Sat, Sun"; runs of three days or more are written as a span.
func WeekdaysText(w Weekdays, lang string) string {
	if w&AllWeek == AllWeek {
		return i18n.Say("weekday.all").In(lang)
	}
	name := func(i int) string { return i18n.Say(weekdayKeys[i]).In(lang) }
	var parts []string
	for i := 0; i < 7; {
		if w&(1<<i) == 0 {
			i++
			continue
		}
		j := i
		for j+1 < 7 && w&(1<<(j+1)) != 0 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, name(i)+"–"+name(j))
		case j == i+1:
			parts = append(parts, name(i), name(j))
		default:
			parts = append(parts, name(i))
		}
		i = j + 1
	}
	return strings.Join(parts, i18n.Say("list.sep").In(lang))
}
