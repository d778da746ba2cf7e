package api

import (
	"math"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"
)

// keyLimiter gives every API key its own token bucket, so one ministry's runaway batch job cannot
// starve the others. Limits are per process: N registry processes allow N times the rate.
type keyLimiter struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	m     map[uuid.UUID]*rate.Limiter
}

func newKeyLimiter(perSecond float64, burst int) *keyLimiter {
	if perSecond <= 0 {
		return nil // unlimited
	}
	if burst <= 0 {
		burst = int(math.Ceil(perSecond))
	}
	return &keyLimiter{rate: rate.Limit(perSecond), burst: burst, m: map[uuid.UUID]*rate.Limiter{}}
}

// allow takes a token for key, or reports how long to wait for one.
func (k *keyLimiter) allow(key uuid.UUID, now time.Time) (bool, time.Duration) {
	if k == nil {
		return true, 0
	}
	k.mu.Lock()
	l, ok := k.m[key]
	if !ok {
		l = rate.NewLimiter(k.rate, k.burst)
		k.m[key] = l
	}
	k.mu.Unlock()
	if l.AllowN(now, 1) {
		return true, 0
	}
	r := l.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return false, wait
}
