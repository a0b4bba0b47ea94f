package repository

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/types"
)

// count is what the limiter holds and queues for one namespace.
type count struct{ held, queued int }

func (l *SyncLimiter) countOf(namespace string) count {
	l.mu.Lock()
	defer l.mu.Unlock()
	return count{held: l.held[namespace], queued: len(l.queues[namespace])}
}

// submit starts n syncs of namespace, each asking for a slot; the release
// of each that is granted one comes out of the channel, in grant order.
// Those still waiting when the test ends give up.
func submit(t *testing.T, l *SyncLimiter, namespace string, n int) <-chan func() {
	t.Helper()
	grants := make(chan func(), n)
	for range n {
		go func() {
			release, err := l.Acquire(t.Context(), namespace)
			if err != nil {
				return // the test is over
			}
			grants <- release
		}()
	}
	return grants
}

// takenOver is a limiter of 4 slots that namespace a has taken over: it
// holds every slot and queues 16 more syncs, whose grants come out of a.
func takenOver(t *testing.T) (g *WithT, l *SyncLimiter, a <-chan func()) {
	t.Helper()
	g, l = NewWithT(t), NewSyncLimiter(4)
	a = submit(t, l, "a", 20)
	g.Eventually(func() count { return l.countOf("a") }).Should(Equal(count{held: 4, queued: 16}))
	return g, l, a
}

// The attack: namespace a asks for 20 syncs at once, taking every slot, and
// then b asks for one. b must get the very next slot that frees, ahead of
// a's 16 queued syncs.
func TestSyncLimiterServesAnotherNamespaceAsSoonAsASlotFrees(t *testing.T) {
	g, l, a := takenOver(t)
	var heldByA []func()
	for range 4 {
		heldByA = append(heldByA, <-a)
	}

	b := submit(t, l, "b", 1)
	g.Eventually(func() count { return l.countOf("b") }).Should(Equal(count{queued: 1}))

	heldByA[0]()
	g.Expect(l.countOf("b")).To(Equal(count{held: 1}), "b waits behind a's queued syncs")
	g.Expect(l.countOf("a")).To(Equal(count{held: 3, queued: 16}))
	releaseB := <-b

	// With b no longer waiting, a may use every slot again.
	releaseB()
	g.Expect(l.countOf("a")).To(Equal(count{held: 4, queued: 15}))
	g.Expect(l.Peak()).To(Equal(4))
}

// a holds every slot and queues more; b queues three. Until b stops
// waiting, a is never granted a slot that takes it over half (2 of 4), and
// b is served each time a slot frees while it holds under half. Every
// sync runs in the end.
func TestSyncLimiterHoldsANamespaceToHalfWhileAnotherWaits(t *testing.T) {
	g, l, a := takenOver(t)
	held := map[string][]func(){}
	for range 4 {
		held["a"] = append(held["a"], <-a)
	}
	b := submit(t, l, "b", 3)
	g.Eventually(func() count { return l.countOf("b") }).Should(Equal(count{queued: 3}))
	grants := map[string]<-chan func(){"a": a, "b": b}

	granted := map[string]int{"a": 4}
	for step := 0; len(held["a"])+len(held["b"]) > 0; step++ {
		// Release a's slots first, so that b's share is what frees them.
		ns := "a"
		if len(held["a"]) == 0 || (step%2 == 1 && len(held["b"]) > 0) {
			ns = "b"
		}
		beforeA, beforeB := l.countOf("a"), l.countOf("b")
		held[ns][0]()
		held[ns] = held[ns][1:]
		afterA, afterB := l.countOf("a"), l.countOf("b")

		aGranted, bGranted := afterA.queued < beforeA.queued, afterB.queued < beforeB.queued
		if beforeB.queued > 0 && aGranted {
			g.Expect(afterA.held).To(BeNumerically("<=", 2), "step %d: a granted a slot over half while b waited", step)
		}
		if beforeB.queued > 0 && beforeB.held < 2 && ns == "a" && beforeA.held > 2 {
			g.Expect(bGranted).To(BeTrue(), "step %d: a slot a freed over its share did not go to b", step)
		}
		for _, n := range []string{"a", "b"} {
			if (n == "a" && aGranted) || (n == "b" && bGranted) {
				held[n] = append(held[n], <-grants[n])
				granted[n]++
			}
		}
	}
	g.Expect(granted).To(Equal(map[string]int{"a": 20, "b": 3}))
	g.Expect(l.Peak()).To(Equal(4))
}

func TestSyncLimiterLetsALoneNamespaceUseEverySlot(t *testing.T) {
	g, l, a := takenOver(t)
	for done := 0; done < 20; done++ {
		(<-a)()
		g.Expect(l.countOf("a").held).To(Equal(min(4, 20-done-1)))
	}
	g.Expect(l.Peak()).To(Equal(4))
}

// A namespace whose only waiting sync gives up stops holding others to
// half of the slots.
func TestSyncLimiterForgetsAWaiterWhoseContextEnds(t *testing.T) {
	g, l, a := takenOver(t)

	ctx, cancel := context.WithCancel(t.Context())
	gaveUp := make(chan error)
	go func() {
		_, err := l.Acquire(ctx, "b")
		gaveUp <- err
	}()
	g.Eventually(func() count { return l.countOf("b") }).Should(Equal(count{queued: 1}))
	cancel()
	g.Expect(errors.Is(<-gaveUp, context.Canceled)).To(BeTrue())
	g.Expect(l.countOf("b")).To(Equal(count{}))

	(<-a)()
	g.Expect(l.countOf("a")).To(Equal(count{held: 4, queued: 15}))
}

// Many namespaces asking, releasing and giving up at once never hold more
// than the slots, and every sync that did not give up runs.
func TestSyncLimiterUnderConcurrency(t *testing.T) {
	l := NewSyncLimiter(3)
	var running, most atomic.Int64
	var wg sync.WaitGroup
	var ran atomic.Int64
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if i%7 == 0 {
				cancel() // gives up at once, or as soon as it is granted
			}
			release, err := l.Acquire(ctx, []string{"a", "b", "c", "d"}[i%4])
			if err != nil {
				return
			}
			defer release()
			now := running.Add(1)
			for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
			}
			ran.Add(1)
			running.Add(-1)
		}()
	}
	wg.Wait()
	if most.Load() > 3 || l.Peak() > 3 {
		t.Fatalf("%d syncs ran at once (peak %d), over the 3 slots", most.Load(), l.Peak())
	}
	if ran.Load() < 300-300/7-1 {
		t.Fatalf("only %d syncs ran", ran.Load())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inUse != 0 || len(l.held) != 0 || len(l.queues) != 0 || len(l.turn) != 0 {
		t.Fatalf("left behind: inUse %d, held %v, queues %v, turn %v", l.inUse, l.held, l.queues, l.turn)
	}
}

// The controller's way in: one sync of a namespace waits for a slot, the
// others are told to come back, so that they hold none of the controller's
// workers, and are woken one at a time as the waiting one is served. A sync
// of another namespace is not held back by them.
func TestSyncLimiterDefersAllButOneWaiterOfANamespace(t *testing.T) {
	g := NewWithT(t)
	l := NewSyncLimiter(4)
	key := func(ns, name string) types.NamespacedName { return types.NamespacedName{Namespace: ns, Name: name} }
	var mu sync.Mutex
	var woken []types.NamespacedName
	wake := func(k types.NamespacedName) { mu.Lock(); defer mu.Unlock(); woken = append(woken, k) }
	wokenSoFar := func() []types.NamespacedName { mu.Lock(); defer mu.Unlock(); return slices.Clone(woken) }

	var held []func()
	for i := range 4 {
		release, err := l.AcquireOrDefer(t.Context(), key("a", fmt.Sprint(i)), wake)
		g.Expect(err).NotTo(HaveOccurred())
		held = append(held, release)
	}
	waiting := make(chan func(), 1)
	go func() {
		release, err := l.AcquireOrDefer(t.Context(), key("a", "4"), wake)
		if err == nil {
			waiting <- release
		}
	}()
	g.Eventually(func() count { return l.countOf("a") }).Should(Equal(count{held: 4, queued: 1}))
	for _, name := range []string{"5", "6", "5"} {
		_, err := l.AcquireOrDefer(t.Context(), key("a", name), wake)
		g.Expect(err).To(MatchError(ErrDeferred), "a second sync of a waited behind the first")
	}
	g.Expect(l.countOf("a")).To(Equal(count{held: 4, queued: 1}))

	// b is not held back by a's deferred syncs: it waits, and is served next.
	fromB := make(chan func(), 1)
	go func() {
		release, err := l.AcquireOrDefer(t.Context(), key("b", "x"), wake)
		if err == nil {
			fromB <- release
		}
	}()
	g.Eventually(func() count { return l.countOf("b") }).Should(Equal(count{queued: 1}))

	held[0]()
	g.Expect(l.countOf("b")).To(Equal(count{held: 1}))
	g.Expect(wokenSoFar()).To(BeEmpty(), "a's waiting sync is still waiting")
	<-fromB
	held[1]() // a holds 2 now, b 1, and nothing of b waits: a's waiting sync is served
	g.Expect(l.countOf("a")).To(Equal(count{held: 3}))
	<-waiting
	g.Expect(wokenSoFar()).To(Equal([]types.NamespacedName{key("a", "5")}), "the oldest deferred sync, once, and only it")
}

// A deferred sync that comes back on its own, before its turn, is not
// woken again afterwards; the others still are, in order.
func TestSyncLimiterForgetsADeferredSyncThatCameBack(t *testing.T) {
	g := NewWithT(t)
	l := NewSyncLimiter(1)
	key := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: "a", Name: name} }
	var woken []types.NamespacedName
	wake := func(k types.NamespacedName) { woken = append(woken, k) } // called with the limiter locked

	holder, err := l.AcquireOrDefer(t.Context(), key("holder"), wake)
	g.Expect(err).NotTo(HaveOccurred())
	waiter := make(chan func(), 1)
	go func() {
		if release, err := l.AcquireOrDefer(t.Context(), key("waiter"), wake); err == nil {
			waiter <- release
		}
	}()
	g.Eventually(func() count { return l.countOf("a") }).Should(Equal(count{held: 1, queued: 1}))
	for _, name := range []string{"x", "y"} {
		_, err := l.AcquireOrDefer(t.Context(), key(name), wake)
		g.Expect(err).To(MatchError(ErrDeferred))
	}

	holder()
	(<-waiter)() // serving the waiter woke x, the oldest deferred
	l.mu.Lock()
	g.Expect(woken).To(Equal([]types.NamespacedName{key("x")}))
	l.mu.Unlock()
	// y comes back on its own before x: it is served, and not woken later.
	release, err := l.AcquireOrDefer(t.Context(), key("y"), wake)
	g.Expect(err).NotTo(HaveOccurred())
	release()
	release, err = l.AcquireOrDefer(t.Context(), key("x"), wake)
	g.Expect(err).NotTo(HaveOccurred())
	release()
	l.mu.Lock()
	defer l.mu.Unlock()
	g.Expect(woken).To(Equal([]types.NamespacedName{key("x")}))
	g.Expect(l.deferred).To(BeEmpty())
}
