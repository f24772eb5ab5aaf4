// Package forge keeps one sticky lbguard comment on a pull request (GitHub)
// or a merge request (GitLab): found again on every run by a marker line
// and its author, updated in place, recreated, or posted anew. The API
// clients are the maintained ones (go-github, GitLab's client-go) over a
// transport that retries 5xx and rate limits and never lets the token out.
package forge

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Comment is a comment on a pull or merge request.
type Comment struct {
	ID     int64
	Body   string
	Author string
	// AuthorIsBot is set when the author is a bot account (GitHub's
	// type: Bot), the identity of an Actions GITHUB_TOKEN.
	AuthorIsBot bool
}

// Forge is a pull or merge request's comments, through an API.
type Forge interface {
	// Me is the token's identity; "" with no error when the token may not
	// ask (an Actions GITHUB_TOKEN gets 403 from /user): then only bot
	// comments can be the tool's.
	Me(ctx context.Context) (string, error)
	// Comments lists every comment, across pages.
	Comments(ctx context.Context) ([]Comment, error)
	Create(ctx context.Context, body string) error
	Update(ctx context.Context, id int64, body string) error
	Delete(ctx context.Context, id int64) error
}

// Behavior says what to do with the comment of an earlier run.
type Behavior string

// The behaviors.
const (
	Update   Behavior = "update"   // edit it in place (the default)
	Recreate Behavior = "recreate" // delete it and post anew, so it is the newest
	New      Behavior = "new"      // always post a new comment
)

// ParseBehavior reads --behavior.
func ParseBehavior(s string) (Behavior, error) {
	switch b := Behavior(strings.ToLower(s)); b {
	case Update, Recreate, New:
		return b, nil
	}
	return "", fmt.Errorf("--behavior %q: want one of update, recreate or new", s)
}

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,100}$`)

// Marker is the hidden first line of the tool's comment for a key.
func Marker(key string) (string, error) {
	if !keyPattern.MatchString(key) {
		return "", fmt.Errorf("--key %q: use letters, digits and . _ / - (at most 100)", key)
	}
	return "<!-- lbguard:comment key=" + key + " -->", nil
}

// Post is one run's comment.
type Post struct {
	Key      string
	Body     string // the markdown report
	Passed   bool   // the run passed its gate
	Always   bool   // post even a passing report when there is no comment yet
	Behavior Behavior
}

// Result says what Sync did, for the log.
type Result string

// Sync keeps the run's sticky comment: it finds the tool's earlier
// comment (its body starts with the marker and its author is the token's
// identity, or a bot when the identity cannot be asked), then updates,
// recreates or adds one. A passing run updates an earlier comment to its
// report, and posts nothing when there was none (unless Always). Nothing
// else is ever edited or deleted.
func Sync(ctx context.Context, f Forge, p Post) (Result, error) {
	marker, err := Marker(p.Key)
	if err != nil {
		return "", err
	}
	body := marker + "\n" + p.Body
	if p.Passed {
		body = marker + "\n" + passingNote + p.Body
	}
	me, err := f.Me(ctx)
	if err != nil {
		return "", err
	}
	all, err := f.Comments(ctx)
	if err != nil {
		return "", err
	}
	var ours []Comment
	for _, c := range all {
		first, _, _ := strings.Cut(c.Body, "\n")
		if strings.TrimSpace(first) != marker {
			continue
		}
		if (me != "" && c.Author == me) || (me == "" && c.AuthorIsBot) {
			ours = append(ours, c)
		}
	}
	if len(ours) == 0 && p.Passed && !p.Always {
		return "nothing to post: the run passed and there is no earlier comment", nil
	}
	switch {
	case p.Behavior == New || len(ours) == 0:
		if err := f.Create(ctx, body); err != nil {
			return "", err
		}
		return "posted a new comment", nil
	case p.Behavior == Recreate:
		for _, c := range ours {
			if err := f.Delete(ctx, c.ID); err != nil {
				return "", err
			}
		}
		if err := f.Create(ctx, body); err != nil {
			return "", err
		}
		return "recreated the comment", nil
	}
	// Update the newest, the one readers see last.
	latest := ours[len(ours)-1]
	if latest.Body == body {
		return "the comment is up to date", nil
	}
	if err := f.Update(ctx, latest.ID, body); err != nil {
		return "", err
	}
	return "updated the comment", nil
}

// passingNote heads a passing report that replaces an earlier comment, so
// that nobody mistakes it for the old findings.
const passingNote = "_The findings of earlier runs at or above the gate are resolved; what remains below it is listed here._\n\n"

// APIError is a failed call, said in one line that names the cause and,
// for permissions, the fix. It never holds the token.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string { return e.Message }

// describeStatus turns an HTTP status into the line a user needs.
func describeStatus(forge string, status int, what, detail string, reset time.Time) string {
	switch status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("%s refused the token (401) while trying to %s: it is missing, expired or revoked", forge, what)
	case http.StatusForbidden:
		if forge == "GitHub" {
			return fmt.Sprintf("GitHub refused (403) to %s: the token lacks permission; in a workflow give it permissions: pull-requests: write (and issues: write)", what)
		}
		return fmt.Sprintf("GitLab refused (403) to %s: the token needs the api scope and at least the Reporter role on the project", what)
	case http.StatusNotFound:
		return fmt.Sprintf("%s found nothing (404) to %s: check the repository and the pull/merge request number (--repo, --pr), and that the token can see them", forge, what)
	case http.StatusUnprocessableEntity:
		return fmt.Sprintf("%s rejected the request (422) to %s: %s", forge, what, detail)
	case http.StatusTooManyRequests:
		if !reset.IsZero() {
			return fmt.Sprintf("%s's rate limit is exhausted (429) while trying to %s: it resets at %s", forge, what, reset.UTC().Format(time.RFC3339))
		}
		return fmt.Sprintf("%s's rate limit is exhausted (429) while trying to %s", forge, what)
	}
	if status >= 500 {
		return fmt.Sprintf("%s failed (%d) to %s, three retries included", forge, status, what)
	}
	return fmt.Sprintf("%s answered %d to %s: %s", forge, status, what, detail)
}

// redact removes the token from a text, however an API echoed it.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "(token)")
}
