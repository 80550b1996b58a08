package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"storelens/app"
	"storelens/app/i18n"
)

func init() {
	Register(Command{Name: "task", Summary: "raise a corrective task (task new …) or move one along (task set ID --status …)", Run: runTask})
	Register(Command{Name: "tasks", Summary: "list the corrective tasks with their status and history", Run: runTasks})
}

// tasksJSON is the one object `storelens tasks --json` writes.
type tasksJSON struct {
	Tasks []taskJSON `json:"tasks"`
}

type taskJSON struct {
	ID            string        `json:"id"`
	Store         string        `json:"store"`
	Category      string        `json:"category"`
	Title         string        `json:"title"`
	Body          string        `json:"body,omitempty"`
	KPI           string        `json:"kpi,omitempty"`
	Status        string        `json:"status"`
	WaitingToSend bool          `json:"waiting_to_send"`
	Due           string        `json:"due"`
	Reply         string        `json:"reply,omitempty"`
	History       []historyJSON `json:"history"`
}

type historyJSON struct {
	At      string `json:"at"`
	Status  string `json:"status"`
	By      string `json:"by"`
	Comment string `json:"comment"`
}

func runTask(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, env.T("cli.task.usage"))
		return ErrUsage
	}
	switch args[0] {
	case "new":
		return runTaskNew(ctx, env, args[1:])
	case "set":
		return runTaskSet(ctx, env, args[1:])
	default:
		fmt.Fprintln(env.Stderr, env.T("cli.task.usage"))
		return ErrUsage
	}
}

func runTaskNew(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "task new")
	store := fs.String("store", "", "the store's code")
	category := fs.String("category", "other", "door_greeting, opening_hours, display, till, camera or other")
	title := fs.String("title", "", "what the store should change")
	body := fs.String("body", "", "more detail: the moment, the numbers")
	evidence := fs.String("evidence", "", "a PNG or JPEG kept with the task (e.g. from storelens snapshot)")
	due := fs.String("due", "", "due date YYYY-MM-DD")
	kpi := fs.String("kpi", "", "the KPI the task targets (entry_rate, conversion, …)")
	draft := fs.Bool("draft", false, "keep it as a draft on this laptop (send it with task set ID --status sent)")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	if *store == "" || strings.TrimSpace(*title) == "" {
		fmt.Fprintln(env.Stderr, env.T("cli.task.neednew"))
		return ErrUsage
	}
	core, _, err := openInsight(ctx, env)
	if err != nil {
		return err
	}
	defer core.Close()
	t, err := core.NewTask(ctx, app.NewTaskRequest{StoreCode: *store, Category: *category, Title: *title, Body: *body,
		Evidence: *evidence, DueOn: *due, KPI: *kpi, Draft: *draft})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, t.ID)
	key := "cli.task.queued"
	if *draft {
		key = "cli.task.drafted"
	}
	fmt.Fprintln(env.Stderr, env.T(key, "Task", t.ID[:8], "Store", t.StoreCode))
	return nil
}

func runTaskSet(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "task set")
	status := fs.String("status", "", "sent (a draft), verified or reopened (a task the store reported done)")
	comment := fs.String("comment", "", "a comment for the store (alone: a comment without a status change)")
	// The id comes first or last: task set ID --status verified.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	}
	if id == "" || (*status == "" && strings.TrimSpace(*comment) == "") {
		fmt.Fprintln(env.Stderr, env.T("cli.task.needset"))
		return ErrUsage
	}
	core, _, err := openInsight(ctx, env)
	if err != nil {
		return err
	}
	defer core.Close()
	if err := core.SetTaskStatus(ctx, id, *status, *comment); err != nil {
		return err
	}
	t, err := core.Task(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stderr, env.T("cli.task.set", "Task", t.ID[:8], "Status", i18n.Label("task."+t.Status)))
	return nil
}

func runTasks(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "tasks")
	asJSON := fs.Bool("json", false, "write one JSON object to stdout")
	store := fs.String("store", "", "only this store's tasks")
	status := fs.String("status", "", "only tasks with this status (draft, sent, acknowledged, done, verified, reopened)")
	category := fs.String("category", "", "only tasks of this category")
	overdue := fs.Bool("overdue", false, "only tasks past their due date that the store has not reported done")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	core, _, err := openInsight(ctx, env)
	if err != nil {
		return err
	}
	defer core.Close()
	tasks, err := core.Tasks(ctx, app.TaskFilter{StoreCode: *store, Status: *status, Category: *category, Overdue: *overdue})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeTasksJSON(ctx, env.Stdout, core, tasks)
	}
	writeTasksTable(env, tasks)
	return nil
}

func writeTasksJSON(ctx context.Context, w io.Writer, core *app.App, tasks []app.Task) error {
	out := tasksJSON{Tasks: []taskJSON{}}
	for _, t := range tasks {
		hist, err := core.TaskHistory(ctx, t.ID)
		if err != nil {
			return err
		}
		it := taskJSON{ID: t.ID, Store: t.StoreCode, Category: t.Category, Title: t.Title, Body: t.Body, KPI: t.KPI, Status: t.Status,
			WaitingToSend: t.WaitingToSend, Due: t.DueOn, Reply: t.Reply, History: []historyJSON{}}
		for _, h := range hist {
			it.History = append(it.History, historyJSON{At: h.At.UTC().Format(time.RFC3339), Status: h.Status, By: h.Actor, Comment: h.Note})
		}
		out.Tasks = append(out.Tasks, it)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeTasksTable(env Env, tasks []app.Task) {
	lang := env.lang()
	if len(tasks) == 0 {
		fmt.Fprintln(env.Stdout, env.T("cli.tasks.none"))
		return
	}
	t := &table{}
	t.add(env.T("cli.tasks.col.id"), env.T("cli.flags.col.store"), env.T("cli.tasks.col.category"), env.T("cli.tasks.col.status"),
		env.T("cli.tasks.col.due"), env.T("cli.tasks.col.title"))
	waiting := 0
	for _, x := range tasks {
		st := i18n.Default().T(lang, "task."+x.Status, nil)
		if x.WaitingToSend {
			st += " · " + env.T("task.waiting")
			waiting++
		}
		due := x.DueOn
		if due == "" {
			due = "—"
		}
		t.add(x.ID[:8], x.StoreCode, i18n.Default().T(lang, "taskcat."+x.Category, nil), st, due, x.Title)
	}
	t.write(env.Stdout)
	fmt.Fprintln(env.Stdout, env.T("cli.tasks.summary", "N", len(tasks), "Waiting", waiting))
}
