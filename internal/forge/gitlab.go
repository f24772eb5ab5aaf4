package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// GitLab is a merge request's notes on GitLab.
type GitLab struct {
	client  *gitlab.Client
	project string
	mr      int64
	token   string
}

// GitLabOptions say where the merge request is.
type GitLabOptions struct {
	APIURL  string // CI_API_V4_URL: https://gitlab.com/api/v4
	Project string // CI_PROJECT_ID, or a path
	MR      int64  // CI_MERGE_REQUEST_IID
	Token   string // GITLAB_TOKEN
	Sleep   func(time.Duration)
}

// NewGitLab makes the client.
func NewGitLab(o GitLabOptions) (*GitLab, error) {
	if o.Project == "" {
		return nil, fmt.Errorf("no project (--repo, or CI_PROJECT_ID)")
	}
	if o.MR <= 0 {
		return nil, fmt.Errorf("no merge request (--pr, or CI_MERGE_REQUEST_IID of a merge request pipeline)")
	}
	if o.Token == "" {
		return nil, fmt.Errorf("GITLAB_TOKEN is empty: lbguard reads the token from the environment only")
	}
	sleep := o.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	hc := &http.Client{Transport: &retrying{next: http.DefaultTransport, sleep: sleep}, Timeout: 60 * time.Second}
	c, err := gitlab.NewClient(o.Token, gitlab.WithBaseURL(o.APIURL), gitlab.WithHTTPClient(hc), gitlab.WithoutRetries())
	if err != nil {
		return nil, fmt.Errorf("GitLab client: %s", redact(err.Error(), o.Token))
	}
	return &GitLab{client: c, project: o.Project, mr: o.MR, token: o.Token}, nil
}

func (g *GitLab) err(what string, resp *gitlab.Response, err error) error {
	var er *gitlab.ErrorResponse
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	detail := ""
	if errors.As(err, &er) {
		detail = er.Message
		if er.Response != nil {
			status = er.Response.StatusCode
		}
	}
	if status == 0 {
		return &APIError{Message: redact(fmt.Sprintf("GitLab could not be reached to %s: %v", what, err), g.token)}
	}
	reset := time.Time{}
	if status == http.StatusTooManyRequests && resp != nil && resp.Response != nil {
		if n, err := strconv.ParseInt(resp.Header.Get("RateLimit-Reset"), 10, 64); err == nil {
			reset = time.Unix(n, 0)
		}
	}
	return &APIError{Status: status, Message: redact(describeStatus("GitLab", status, what, detail, reset), g.token)}
}

// Me is the token's username.
func (g *GitLab) Me(context.Context) (string, error) {
	u, resp, err := g.client.Users.CurrentUser()
	if err != nil {
		return "", g.err("read the token's identity", resp, err)
	}
	return u.Username, nil
}

// Comments lists the merge request's notes, every page.
func (g *GitLab) Comments(context.Context) ([]Comment, error) {
	var out []Comment
	opt := &gitlab.ListMergeRequestNotesOptions{ListOptions: gitlab.ListOptions{PerPage: 100, Page: 1}}
	for {
		ns, resp, err := g.client.Notes.ListMergeRequestNotes(g.project, g.mr, opt)
		if err != nil {
			return nil, g.err("list the merge request's notes", resp, err)
		}
		for _, n := range ns {
			if n.System {
				continue
			}
			out = append(out, Comment{ID: n.ID, Body: n.Body, Author: n.Author.Username})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

// Create posts a note.
func (g *GitLab) Create(_ context.Context, body string) error {
	_, resp, err := g.client.Notes.CreateMergeRequestNote(g.project, g.mr, &gitlab.CreateMergeRequestNoteOptions{Body: &body})
	if err != nil {
		return g.err("post the note", resp, err)
	}
	return nil
}

// Update edits a note.
func (g *GitLab) Update(_ context.Context, id int64, body string) error {
	_, resp, err := g.client.Notes.UpdateMergeRequestNote(g.project, g.mr, id, &gitlab.UpdateMergeRequestNoteOptions{Body: &body})
	if err != nil {
		return g.err("update the note", resp, err)
	}
	return nil
}

// Delete deletes a note.
func (g *GitLab) Delete(_ context.Context, id int64) error {
	resp, err := g.client.Notes.DeleteMergeRequestNote(g.project, g.mr, id)
	if err != nil {
		return g.err("delete the old note", resp, err)
	}
	return nil
}
