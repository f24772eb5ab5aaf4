package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v93/github"
)

// GitHub is a pull request's comments on GitHub or GitHub Enterprise.
type GitHub struct {
	client      *github.Client
	owner, repo string
	number      int
	token       string
}

// GitHubOptions say where the pull request is.
type GitHubOptions struct {
	APIURL string // GITHUB_API_URL: https://api.github.com, or GHE's /api/v3
	Repo   string // owner/name
	Number int
	Token  string
	// Sleep waits between retries (tests make it instant).
	Sleep func(time.Duration)
}

// NewGitHub makes the client.
func NewGitHub(o GitHubOptions) (*GitHub, error) {
	owner, repo, ok := strings.Cut(o.Repo, "/")
	if !ok || owner == "" || repo == "" {
		return nil, fmt.Errorf("the repository %q is not owner/name (--repo, or GITHUB_REPOSITORY)", o.Repo)
	}
	if o.Number <= 0 {
		return nil, fmt.Errorf("no pull request number (--pr, or GITHUB_EVENT_PATH of a pull_request event)")
	}
	if o.Token == "" {
		return nil, fmt.Errorf("GITHUB_TOKEN is empty: lbguard reads the token from the environment only")
	}
	sleep := o.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	api := strings.TrimSuffix(o.APIURL, "/") + "/"
	hc := &http.Client{Transport: &retrying{next: http.DefaultTransport, sleep: sleep}, Timeout: 60 * time.Second}
	c, err := github.NewClient(github.WithHTTPClient(hc), github.WithAuthToken(o.Token), github.WithURLs(&api, &api), github.WithUserAgent("lbguard"))
	if err != nil {
		return nil, fmt.Errorf("GitHub client: %s", redact(err.Error(), o.Token))
	}
	return &GitHub{client: c, owner: owner, repo: repo, number: o.Number, token: o.Token}, nil
}

// err turns a go-github error into one line.
func (g *GitHub) err(what string, resp *github.Response, err error) error {
	var rl *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var er *github.ErrorResponse
	switch {
	case errors.As(err, &rl):
		return &APIError{Status: 429, Message: redact(describeStatus("GitHub", 429, what, "", rl.Rate.Reset.Time), g.token)}
	case errors.As(err, &abuse):
		reset := time.Time{}
		if abuse.RetryAfter != nil {
			reset = time.Now().Add(*abuse.RetryAfter)
		}
		return &APIError{Status: 429, Message: redact(describeStatus("GitHub", 429, what, "", reset), g.token)}
	case errors.As(err, &er) && er.Response != nil:
		detail := er.Message
		for _, e := range er.Errors {
			detail += "; " + e.Message
		}
		return &APIError{Status: er.Response.StatusCode, Message: redact(describeStatus("GitHub", er.Response.StatusCode, what, detail, time.Time{}), g.token)}
	case resp != nil && resp.StatusCode >= 400:
		return &APIError{Status: resp.StatusCode, Message: redact(describeStatus("GitHub", resp.StatusCode, what, "", time.Time{}), g.token)}
	}
	return &APIError{Message: redact(fmt.Sprintf("GitHub could not be reached to %s: %v", what, err), g.token)}
}

// Me is the token's login; "" when the token may not read /user (an
// Actions GITHUB_TOKEN).
func (g *GitHub) Me(ctx context.Context) (string, error) {
	u, resp, err := g.client.Users.Get(ctx, "")
	if err != nil {
		if resp != nil && (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound) {
			return "", nil
		}
		return "", g.err("read the token's identity", resp, err)
	}
	return u.GetLogin(), nil
}

// Comments lists the pull request's comments, every page.
func (g *GitHub) Comments(ctx context.Context) ([]Comment, error) {
	var out []Comment
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := g.client.Issues.ListComments(ctx, g.owner, g.repo, g.number, opt)
		if err != nil {
			return nil, g.err("list the pull request's comments", resp, err)
		}
		for _, c := range cs {
			out = append(out, Comment{ID: c.GetID(), Body: c.GetBody(), Author: c.GetUser().GetLogin(), AuthorIsBot: c.GetUser().GetType() == "Bot"})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

// Create posts a comment.
func (g *GitHub) Create(ctx context.Context, body string) error {
	_, resp, err := g.client.Issues.CreateComment(ctx, g.owner, g.repo, g.number, github.IssueCommentRequest{Body: body})
	if err != nil {
		return g.err("post the comment", resp, err)
	}
	return nil
}

// Update edits a comment.
func (g *GitHub) Update(ctx context.Context, id int64, body string) error {
	_, resp, err := g.client.Issues.UpdateComment(ctx, g.owner, g.repo, id, github.IssueCommentRequest{Body: body})
	if err != nil {
		return g.err("update the comment", resp, err)
	}
	return nil
}

// Delete deletes a comment.
func (g *GitHub) Delete(ctx context.Context, id int64) error {
	resp, err := g.client.Issues.DeleteComment(ctx, g.owner, g.repo, id)
	if err != nil {
		return g.err("delete the old comment", resp, err)
	}
	return nil
}
