package forge

import (
	"net/http"
	"strconv"
	"time"
)

// retrying is the transport under both API clients: a 5xx answer or a
// rate limit with Retry-After is tried again, up to three times, waiting
// as the server asks (at most 60 s) or 1, 2, 4 s.
type retrying struct {
	next  http.RoundTripper
	sleep func(time.Duration)
}

// MaxRetryAfter caps how long a Retry-After is honoured.
const MaxRetryAfter = 60 * time.Second

func (t *retrying) RoundTrip(req *http.Request) (*http.Response, error) {
	backoff := time.Second
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			req.Body, _ = req.GetBody()
		}
		resp, err := t.next.RoundTrip(req)
		if err != nil || attempt == 3 {
			return resp, err
		}
		retry := resp.StatusCode >= 500 || (resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "")
		if !retry {
			return resp, nil
		}
		wait := backoff
		if s := resp.Header.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil {
				wait = time.Duration(n) * time.Second
			}
		}
		if wait > MaxRetryAfter {
			return resp, nil // too long to wait: say so now
		}
		resp.Body.Close()
		t.sleep(wait)
		backoff *= 2
	}
}
