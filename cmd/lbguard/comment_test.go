package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	secretToken = "ghp_S3CR3TTOKENvalue0123456789"
	dirtyPlan   = "../../fixtures/alb-http-only/plan.json"
	cleanPlan2  = "../../fixtures/alb-https-clean/plan.json"
)

// fakeComment is a comment the fake API holds.
type fakeComment struct {
	ID     int64  `json:"id"`
	Body   string `json:"body"`
	Author string `json:"author"`
	Bot    bool   `json:"bot"`
}

// fakeForge is a GitHub or GitLab API on loopback that holds comments,
// checks every request (method, path, token header, body), and can be told
// to fail.
type fakeForge struct {
	t        *testing.T
	gitlab   bool
	mu       sync.Mutex
	comments []fakeComment
	next     int64
	me       string // "" answers /user with 403 (an Actions GITHUB_TOKEN)
	log      []string
	// fail answers the next requests with these statuses, in order.
	fail       []int
	retryAfter string
}

func newFakeForge(t *testing.T, gitlab bool) (*fakeForge, *httptest.Server) {
	f := &fakeForge{t: t, gitlab: gitlab, next: 1000, me: "lbguard-bot"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeForge) add(body, author string, bot bool) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	f.comments = append(f.comments, fakeComment{ID: f.next, Body: body, Author: author, Bot: bot})
	return f.next
}

func (f *fakeForge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+r.URL.Path)
	auth := r.Header.Get("Authorization")
	if f.gitlab {
		auth = r.Header.Get("Private-Token")
	}
	if !strings.Contains(auth, secretToken) {
		f.t.Errorf("%s %s: no token (%q)", r.Method, r.URL.Path, auth)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if len(f.fail) > 0 {
		status := f.fail[0]
		f.fail = f.fail[1:]
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		if status == http.StatusTooManyRequests || status == http.StatusForbidden {
			w.Header().Set("X-RateLimit-Remaining", "1")
		}
		w.WriteHeader(status)
		// An API that echoes the token must not get it printed.
		fmt.Fprintf(w, `{"message": "bad credentials for %s"}`, secretToken)
		return
	}
	prefix, user, list, one := "/repos/octo/web/issues/7/comments", "/user", "", "/repos/octo/web/issues/comments/"
	if f.gitlab {
		prefix, user, one = "/api/v4/projects/42/merge_requests/5/notes", "/api/v4/user", "/api/v4/projects/42/merge_requests/5/notes/"
	}
	_ = list
	switch {
	case r.URL.Path == user && r.Method == http.MethodGet:
		if f.me == "" {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message": "Resource not accessible by integration"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"login": f.me, "username": f.me, "type": "User", "id": 1})
	case r.URL.Path == prefix && r.Method == http.MethodGet:
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if per == 0 {
			per = 30
		}
		lo, hi := (page-1)*per, page*per
		if hi > len(f.comments) {
			hi = len(f.comments)
		}
		if hi < len(f.comments) {
			if f.gitlab {
				w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
			} else {
				w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d&per_page=%d>; rel="next"`, r.Host, prefix, page+1, per))
			}
		}
		var out []map[string]any
		if lo < hi {
			for _, c := range f.comments[lo:hi] {
				typ := "User"
				if c.Bot {
					typ = "Bot"
				}
				out = append(out, map[string]any{"id": c.ID, "body": c.Body,
					"user": map[string]any{"login": c.Author, "type": typ}, "author": map[string]any{"username": c.Author}})
			}
		}
		if out == nil {
			out = []map[string]any{}
		}
		json.NewEncoder(w).Encode(out)
	case r.URL.Path == prefix && r.Method == http.MethodPost:
		body := f.body(r)
		f.next++
		author, bot := f.me, false
		if author == "" {
			author, bot = "github-actions[bot]", true
		}
		f.comments = append(f.comments, fakeComment{ID: f.next, Body: body, Author: author, Bot: bot})
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": f.next, "body": body})
	case strings.HasPrefix(r.URL.Path, one) && (r.Method == http.MethodPatch || r.Method == http.MethodPut || r.Method == http.MethodDelete):
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, one), 10, 64)
		for i, c := range f.comments {
			if c.ID != id {
				continue
			}
			if c.Author != f.me && !(f.me == "" && c.Bot) {
				f.t.Errorf("%s on comment %d of %s, which is not the tool's", r.Method, id, c.Author)
			}
			if r.Method == http.MethodDelete {
				f.comments = append(f.comments[:i], f.comments[i+1:]...)
				w.WriteHeader(http.StatusNoContent)
				return
			}
			f.comments[i].Body = f.body(r)
			json.NewEncoder(w).Encode(map[string]any{"id": id, "body": f.comments[i].Body})
			return
		}
		w.WriteHeader(http.StatusNotFound)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.String())
		w.WriteHeader(http.StatusNotFound)
	}
}

func (f *fakeForge) body(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	var m struct{ Body string }
	if err := json.Unmarshal(b, &m); err != nil || m.Body == "" {
		f.t.Errorf("%s %s: body %q", r.Method, r.URL.Path, b)
	}
	return m.Body
}

func (f *fakeForge) ours() []fakeComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeComment
	for _, c := range f.comments {
		if strings.HasPrefix(c.Body, "<!-- lbguard:comment key=") && (c.Author == f.me || (f.me == "" && c.Bot)) {
			out = append(out, c)
		}
	}
	return out
}

// event writes a pull_request event payload.
func event(t *testing.T, fork bool) string {
	p := filepath.Join(t.TempDir(), "event.json")
	head := "octo/web"
	if fork {
		head = "someone/web"
	}
	b, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"number": 7, "head": map[string]any{"repo": map[string]any{"full_name": head, "fork": fork}}}})
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func githubEnv(t *testing.T, srv *httptest.Server, fork bool) map[string]string {
	return map[string]string{"GITHUB_TOKEN": secretToken, "GITHUB_REPOSITORY": "octo/web", "GITHUB_EVENT_PATH": event(t, fork), "GITHUB_API_URL": srv.URL}
}

func gitlabEnv(srv *httptest.Server) map[string]string {
	return map[string]string{"GITLAB_TOKEN": secretToken, "CI_API_V4_URL": srv.URL + "/api/v4", "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "5"}
}

// noToken fails when the token appears in any output.
func noToken(t *testing.T, r result) {
	t.Helper()
	if strings.Contains(r.stdout+r.stderr, secretToken) {
		t.Errorf("the token got out:\n%s%s", r.stdout, r.stderr)
	}
}

func TestCommentLifecycle(t *testing.T) {
	for _, kind := range []string{"github", "gitlab"} {
		t.Run(kind, func(t *testing.T) {
			f, srv := newFakeForge(t, kind == "gitlab")
			env := gitlabEnv(srv)
			if kind == "github" {
				env = githubEnv(t, srv, false)
			}
			// Comments of others, one quoting the marker, are never touched.
			f.add("LGTM", "alice", false)
			quoted := f.add("<!-- lbguard:comment key=default -->\nquoting the bot", "mallory", false)
			// First run: the findings fail the gate; one comment is posted.
			r := lbguard(t, nil, env, "comment", kind, dirtyPlan)
			noToken(t, r)
			check := lbguard(t, nil, nil, "check", dirtyPlan)
			if r.code != 1 || r.stdout != check.stdout || len(f.ours()) != 1 {
				t.Fatalf("first run: exit %d, %d comments; stderr %s", r.code, len(f.ours()), r.stderr)
			}
			first := f.ours()[0]
			if !strings.HasPrefix(first.Body, "<!-- lbguard:comment key=default -->\n### ❌") || !strings.Contains(first.Body, "```mermaid") {
				t.Errorf("comment body:\n%s", first.Body)
			}
			// Second run with another plan: the same comment is updated.
			r = lbguard(t, nil, env, "comment", kind, "../../fixtures/sg-health-check-closed/plan.json")
			noToken(t, r)
			if now := f.ours(); r.code != 1 || len(now) != 1 || now[0].ID != first.ID || now[0].Body == first.Body {
				t.Fatalf("second run: exit %d, comments %+v", r.code, now)
			}
			// Recreate: deleted, then posted anew (a new ID).
			r = lbguard(t, nil, env, "comment", kind, "--behavior", "recreate", dirtyPlan)
			if now := f.ours(); r.code != 1 || len(now) != 1 || now[0].ID == first.ID {
				t.Fatalf("recreate: exit %d, comments %+v", r.code, now)
			}
			// A clean plan resolves the comment, in place.
			id := f.ours()[0].ID
			r = lbguard(t, nil, env, "comment", kind, cleanPlan2)
			now := f.ours()
			if r.code != 0 || len(now) != 1 || now[0].ID != id || !strings.Contains(now[0].Body, "are resolved") || !strings.Contains(now[0].Body, "✅") {
				t.Fatalf("clean run: exit %d, comments %+v", r.code, now)
			}
			// Key: another comment beside it.
			r = lbguard(t, nil, env, "comment", kind, "--key", "prod", dirtyPlan)
			if len(f.ours()) != 2 {
				t.Errorf("--key prod: %d comments, want 2", len(f.ours()))
			}
			// new: always another one.
			lbguard(t, nil, env, "comment", kind, "--behavior", "new", dirtyPlan)
			if len(f.ours()) != 3 {
				t.Errorf("--behavior new: %d comments, want 3", len(f.ours()))
			}
			for _, c := range f.comments {
				if c.ID == quoted && c.Body != "<!-- lbguard:comment key=default -->\nquoting the bot" {
					t.Errorf("a comment of another user was changed")
				}
			}
		})
	}
}

func TestCommentPassingWithoutEarlierComment(t *testing.T) {
	f, srv := newFakeForge(t, false)
	env := githubEnv(t, srv, false)
	r := lbguard(t, nil, env, "comment", "github", cleanPlan2)
	if r.code != 0 || len(f.ours()) != 0 || !strings.Contains(r.stderr, "nothing to post") {
		t.Errorf("a passing run posts nothing: exit %d, %d comments, %q", r.code, len(f.ours()), r.stderr)
	}
	r = lbguard(t, nil, env, "comment", "github", "--always", cleanPlan2)
	if r.code != 0 || len(f.ours()) != 1 {
		t.Errorf("--always posts: exit %d, %d comments", r.code, len(f.ours()))
	}
}

// An Actions GITHUB_TOKEN cannot read /user: the tool's comments are the
// bot's, and a person's comment with the marker is not.
func TestCommentAsActionsBot(t *testing.T) {
	f, srv := newFakeForge(t, false)
	f.me = ""
	env := githubEnv(t, srv, false)
	f.add("<!-- lbguard:comment key=default -->\nby a person", "alice", false)
	for i := 0; i < 2; i++ {
		if r := lbguard(t, nil, env, "comment", "github", dirtyPlan); r.code != 1 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	if n := len(f.ours()); n != 1 {
		t.Errorf("%d bot comments, want 1 (created, then updated)", n)
	}
}

// Comments over several pages are all read: the tool's comment on the
// third page is updated, not duplicated.
func TestCommentPagination(t *testing.T) {
	for _, kind := range []string{"github", "gitlab"} {
		f, srv := newFakeForge(t, kind == "gitlab")
		env := gitlabEnv(srv)
		if kind == "github" {
			env = githubEnv(t, srv, false)
		}
		for i := 0; i < 230; i++ {
			f.add(fmt.Sprintf("comment %d", i), "alice", false)
		}
		ours := f.add("<!-- lbguard:comment key=default -->\nold", "lbguard-bot", false)
		r := lbguard(t, nil, env, "comment", kind, dirtyPlan)
		now := f.ours()
		if r.code != 1 || len(now) != 1 || now[0].ID != ours || now[0].Body == "old" {
			t.Errorf("%s: exit %d, ours %+v", kind, r.code, now)
		}
		pages := 0
		for _, l := range f.log {
			if strings.HasPrefix(l, "GET") && strings.HasSuffix(l, "comments") || strings.HasSuffix(l, "notes") {
				pages++
			}
		}
		if pages < 3 {
			t.Errorf("%s: %d list requests, want 3 pages", kind, pages)
		}
	}
}

// API failures: one clear line and exit 2 (a broken bot is never a silent
// pass), the token never printed; 5xx and 429 with Retry-After are tried
// again; a fork's read-only token is a warning with the gate's status.
func TestCommentFailures(t *testing.T) {
	tests := []struct {
		name       string
		fail       []int
		retryAfter string
		fork       bool
		code       int
		want       string
		waits      int
	}{
		{"401", []int{401}, "", false, 2, "refused the token (401)", 0},
		{"403 on posting", []int{200, 200, 403}, "", false, 2, "permissions: pull-requests: write", 0},
		{"404 on listing", []int{200, 404}, "", false, 2, "found nothing (404)", 0},
		{"422", []int{200, 200, 422}, "", false, 2, "rejected the request (422)", 0},
		{"500 then success", []int{500, 502}, "", false, 1, "posted a new comment", 2},
		{"500 four times", []int{500, 500, 500, 500}, "", false, 2, "failed (500)", 3},
		{"429 with Retry-After, then success", []int{429}, "2", false, 1, "posted a new comment", 1},
		{"429 beyond 60 s", []int{429}, "3600", false, 2, "rate limit", 0},
		{"fork", []int{200, 200, 403}, "", true, 1, "comes from a fork", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeForge(t, false)
			env := githubEnv(t, srv, tt.fork)
			// 200 in fail means "answer normally" for that request.
			var fails []int
			for _, s := range tt.fail {
				fails = append(fails, s)
			}
			f.fail = nil
			f.retryAfter = tt.retryAfter
			wrap := &failAfter{f: f, fails: fails}
			srv.Config.Handler = wrap
			slept = nil
			r := lbguard(t, nil, env, "comment", "github", dirtyPlan)
			noToken(t, r)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
			if tt.code == 2 && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("more than one line: %q", r.stderr)
			}
			if len(slept) != tt.waits {
				t.Errorf("waited %v, want %d waits", slept, tt.waits)
			}
			for _, d := range slept {
				if d > 60*time.Second {
					t.Errorf("waited %v", d)
				}
			}
		})
	}
}

// failAfter answers requests with the statuses given (200: normally).
type failAfter struct {
	f     *fakeForge
	fails []int
}

func (x *failAfter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x.f.mu.Lock()
	var status int
	if len(x.fails) > 0 {
		status, x.fails = x.fails[0], x.fails[1:]
	}
	x.f.mu.Unlock()
	if status != 0 && status != 200 {
		x.f.mu.Lock()
		x.f.fail = []int{status}
		x.f.mu.Unlock()
	}
	x.f.ServeHTTP(w, r)
}

// Flags and the environment: the token comes from the environment only.
func TestCommentUsage(t *testing.T) {
	_, srv := newFakeForge(t, false)
	env := githubEnv(t, srv, false)
	delete(env, "GITHUB_TOKEN")
	r := lbguard(t, nil, env, "comment", "github", dirtyPlan)
	if r.code != 2 || !strings.Contains(r.stderr, "GITHUB_TOKEN is empty") {
		t.Errorf("no token: exit %d %q", r.code, r.stderr)
	}
	env = githubEnv(t, srv, false)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--key", "a b"}, "--key"},
		{[]string{"--behavior", "sometimes"}, "want one of update, recreate or new"},
		{[]string{"--pr", "x"}, "--pr"},
	} {
		r := lbguard(t, nil, env, append(append([]string{"comment", "github"}, c.args...), dirtyPlan)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q", c.args, r.code, r.stderr)
		}
	}
}

func TestCommentFailuresGitLab(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fail  []int
		code  int
		want  string
		waits int
	}{
		{"401", []int{401}, 2, "GitLab refused the token (401)", 0},
		{"403 on posting", []int{200, 200, 403}, 2, "needs the api scope", 0},
		{"503 then success", []int{503}, 1, "posted a new comment", 1},
		{"429 with Retry-After", []int{200, 429}, 1, "posted a new comment", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeForge(t, true)
			f.retryAfter = "1"
			srv.Config.Handler = &failAfter{f: f, fails: tt.fail}
			slept = nil
			r := lbguard(t, nil, gitlabEnv(srv), "comment", "gitlab", dirtyPlan)
			noToken(t, r)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || len(slept) != tt.waits {
				t.Errorf("exit %d, stderr %q, waits %v; want %d, %q, %d waits", r.code, r.stderr, slept, tt.code, tt.want, tt.waits)
			}
		})
	}
}
