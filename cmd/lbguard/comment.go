package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lbguard/lbguard/internal/forge"
	"github.com/lbguard/lbguard/report"
)

// commentCommand is lbguard comment github|gitlab: check, print and exit as
// check does, and keep one sticky comment on the pull or merge request.
func commentCommand(e *env) *cli.Command {
	flags := func() []cli.Flag {
		return append(checkFlags(),
			&cli.StringFlag{Name: "key", Value: "default", Usage: "one comment per key on a pull request (one per root module or workspace in a monorepo)"},
			&cli.StringFlag{Name: "behavior", Value: "update", Usage: "update (edit the comment in place), recreate (delete it and post anew), or new (always a new comment)"},
			&cli.BoolFlag{Name: "always", Usage: "post the report even when the run passes and there is no earlier comment"},
			&cli.StringFlag{Name: "repo", Usage: "owner/name on GitHub, or the project ID or path on GitLab (default: from the CI environment)"},
			&cli.StringFlag{Name: "pr", Usage: "the pull or merge request number (default: from the CI environment)"},
			&cli.StringFlag{Name: "api-url", Usage: "the API's base URL (default: GITHUB_API_URL or CI_API_V4_URL)"},
		)
	}
	sub := func(name, usage string) *cli.Command {
		return &cli.Command{
			Name: name, Usage: usage, ArgsUsage: "PLAN.json | - | DIR ...", Flags: flags(),
			Action: func(c *cli.Context) error {
				poster, warn, err := newPoster(name, c, e)
				if err != nil {
					return err
				}
				return runCheckThen(c, e, func(rep *report.Report) (int, error) {
					return postReport(c, e, rep, poster, warn)
				})
			},
		}
	}
	return &cli.Command{
		Name:  "comment",
		Usage: "check, then keep one sticky comment with the report on the pull request (github) or merge request (gitlab)",
		Subcommands: []*cli.Command{
			sub("github", "comment on a GitHub pull request (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL)"),
			sub("gitlab", "comment on a GitLab merge request (GITLAB_TOKEN, CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID)"),
		},
	}
}

// poster is a forge ready to post, with its token (to keep it out of
// every message).
type poster struct {
	forge    forge.Forge
	token    string
	name     string
	readOnly bool // a pull request from a fork: the token cannot write
}

// newPoster reads the CI environment (flags override all but the token,
// read from the environment only) and makes the client. Problems are
// usage errors, before anything is checked.
func newPoster(kind string, c *cli.Context, e *env) (*poster, string, error) {
	if _, err := forge.Marker(c.String("key")); err != nil {
		return nil, "", usageErr("%v", err)
	}
	if _, err := forge.ParseBehavior(c.String("behavior")); err != nil {
		return nil, "", usageErr("%v", err)
	}
	sleep := time.Sleep
	if e.sleep != nil {
		sleep = e.sleep
	}
	switch kind {
	case "github":
		token := e.getenv("GITHUB_TOKEN")
		api := firstOf(c.String("api-url"), e.getenv("GITHUB_API_URL"), "https://api.github.com")
		repo := firstOf(c.String("repo"), e.getenv("GITHUB_REPOSITORY"))
		number, readOnly, err := githubEvent(e.getenv("GITHUB_EVENT_PATH"), repo)
		if err != nil {
			return nil, "", usageErr("%s", redactToken(err.Error(), token))
		}
		if s := c.String("pr"); s != "" {
			if number, err = strconv.Atoi(s); err != nil || number <= 0 {
				return nil, "", usageErr("--pr %q: want a pull request number", s)
			}
		}
		f, err := forge.NewGitHub(forge.GitHubOptions{APIURL: api, Repo: repo, Number: number, Token: token, Sleep: sleep})
		if err != nil {
			return nil, "", usageErr("comment github: %s", redactToken(err.Error(), token))
		}
		return &poster{forge: f, token: token, name: "GitHub", readOnly: readOnly}, "", nil
	default:
		token := e.getenv("GITLAB_TOKEN")
		api := firstOf(c.String("api-url"), e.getenv("CI_API_V4_URL"), "https://gitlab.com/api/v4")
		project := firstOf(c.String("repo"), e.getenv("CI_PROJECT_ID"))
		mr, err := strconv.ParseInt(firstOf(c.String("pr"), e.getenv("CI_MERGE_REQUEST_IID"), "0"), 10, 64)
		if err != nil {
			return nil, "", usageErr("--pr %q: want a merge request number", c.String("pr"))
		}
		f, err := forge.NewGitLab(forge.GitLabOptions{APIURL: api, Project: project, MR: mr, Token: token, Sleep: sleep})
		if err != nil {
			return nil, "", usageErr("comment gitlab: %s", redactToken(err.Error(), token))
		}
		return &poster{forge: f, token: token, name: "GitLab"}, "", nil
	}
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// githubEvent reads the pull request's number from the Actions event
// payload, and whether it comes from a fork (whose token is read-only).
func githubEvent(path, repo string) (number int, fromFork bool, err error) {
	if path == "" {
		return 0, false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false, fmt.Errorf("GITHUB_EVENT_PATH %s: %v", path, describeErr(err))
	}
	var ev struct {
		Number      int `json:"number"`
		PullRequest *struct {
			Number int `json:"number"`
			Head   struct {
				Repo *struct {
					FullName string `json:"full_name"`
					Fork     bool   `json:"fork"`
				} `json:"repo"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return 0, false, fmt.Errorf("GITHUB_EVENT_PATH %s: not an event payload: %v", path, err)
	}
	if ev.PullRequest == nil {
		return 0, false, nil
	}
	if h := ev.PullRequest.Head.Repo; h != nil && (h.Fork || (repo != "" && h.FullName != repo)) {
		fromFork = true
	}
	return ev.PullRequest.Number, fromFork, nil
}

// postReport posts the markdown report as the sticky comment. The exit
// status is the gate's, unless posting failed (2): a broken bot is never
// a silent pass. A fork's read-only token is a warning.
func postReport(c *cli.Context, e *env, rep *report.Report, p *poster, _ string) (int, error) {
	code := rep.ExitCode
	if code == exitError {
		return code, nil // nothing was checked: nothing to post
	}
	var body bytes.Buffer
	if err := report.Markdown(&body, rep, report.Options{}); err != nil {
		return exitError, &exitErr{code: exitError, msg: "writing the comment: " + err.Error()}
	}
	behavior, _ := forge.ParseBehavior(c.String("behavior"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := forge.Sync(ctx, p.forge, forge.Post{Key: c.String("key"), Body: body.String(), Passed: code == exitOK, Always: c.Bool("always"), Behavior: behavior})
	if err != nil {
		msg := redactToken(err.Error(), p.token)
		var ae *forge.APIError
		if p.readOnly && errors.As(err, &ae) && (ae.Status == 403 || ae.Status == 404) {
			e.warn("the pull request comes from a fork, whose token is read-only: no comment was posted (%s)", msg)
			return code, nil
		}
		return exitError, &exitErr{code: exitError, msg: "comment: " + msg}
	}
	fmt.Fprintln(e.stderr, "lbguard: "+p.name+": "+string(res))
	return code, nil
}

// redactToken keeps a token out of a message.
func redactToken(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "(token)")
}
