package pod

import (
	"context"
	"errors"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// deleteTimeout bounds a pod's deletion, which runs on its own context: the
// call that found the pod broken may have been cancelled.
const deleteTimeout = 30 * time.Second

func (e *Evaluator) collectLoop(ctx context.Context) {
	tick := time.NewTicker(e.scanInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			e.collect(ctx)
		}
	}
}

// collect deletes the pods idle for longer than the TTL, then the strays:
// labelled pods that no slot holds (see collectStrays).
func (e *Evaluator) collect(ctx context.Context) {
	for _, s := range e.takeIdle(time.Now().Add(-e.ttl)) {
		e.dispose(s, "idle for longer than the TTL")
	}
	if err := e.collectStrays(ctx); err != nil && ctx.Err() == nil {
		e.log.Error(err, "Failed to collect stray function pods", "namespace", e.namespace)
	}
}

// takeIdle takes out of their pools the idle slots last used before cutoff.
func (e *Evaluator) takeIdle(cutoff time.Time) []*slot {
	e.mu.Lock()
	defer e.mu.Unlock()
	var idle []*slot
	for _, p := range e.pools {
		for _, s := range p.slots {
			if !s.busy && s.lastUsed.Before(cutoff) {
				idle = append(idle, s)
			}
		}
	}
	for _, s := range idle {
		e.takeLocked(s, nil)
	}
	return idle
}

// collectStrays deletes the labelled pods no slot holds once they are
// stale (idle past the TTL by their annotation, or made from another
// template), and the Services whose pod is gone. Services are listed
// before pods: a pod is made before its Service, so a Service listed
// without its pod really has none.
func (e *Evaluator) collectStrays(ctx context.Context) error {
	var svcs corev1.ServiceList
	if err := e.client.List(ctx, &svcs, e.ours()...); err != nil {
		return err
	}
	var pods corev1.PodList
	if err := e.client.List(ctx, &pods, e.ours()...); err != nil {
		return err
	}
	held := e.heldNames()
	exists := map[string]bool{}
	cutoff := time.Now().Add(-e.ttl)
	for i := range pods.Items {
		pod := &pods.Items[i]
		exists[pod.Name] = true
		if !held[pod.Name] && pod.DeletionTimestamp == nil && (!e.current(pod) || lastUsed(pod).Before(cutoff)) {
			e.deletePod(ctx, pod.Name, pod.Annotations[AnnotationImage], "stray")
		}
	}
	for _, svc := range svcs.Items {
		if !exists[svc.Name] && svc.DeletionTimestamp == nil {
			e.deletePod(ctx, svc.Name, svc.Annotations[AnnotationImage], "service without a pod")
		}
	}
	return nil
}

// adopt takes into the pools the pods a previous runner left, so that a
// restart does not make every function's pods again. Pods made from
// another template (or wrapper server image) are deleted instead, as are
// pods over an image's maximum or the evaluator's. A pod adopted but
// broken is found, and replaced, on its first use.
func (e *Evaluator) adopt(ctx context.Context) error {
	var pods corev1.PodList
	if err := e.client.List(ctx, &pods, e.ours()...); err != nil {
		return errors.Join(errors.New("pod evaluator: listing the function pods to adopt"), err)
	}
	var unwanted []*corev1.Pod
	adopted := 0
	e.mu.Lock()
	for i := range pods.Items {
		pod := &pods.Items[i]
		image := pod.Annotations[AnnotationImage]
		if pod.DeletionTimestamp != nil {
			continue
		}
		if image == "" || !e.current(pod) || len(e.poolLocked(image).slots) >= e.maxPods || (e.maxTotal > 0 && adopted >= e.maxTotal) {
			unwanted = append(unwanted, pod)
			continue
		}
		p := e.poolLocked(image)
		used := lastUsed(pod)
		p.slots = append(p.slots, &slot{name: pod.Name, image: image, created: true, lastUsed: used, touched: used})
		adopted++
		e.log.Info("Adopted a function pod", "pod", klog.KObj(pod), "image", image)
	}
	e.mu.Unlock()
	for _, pod := range unwanted {
		e.deletePod(ctx, pod.Name, pod.Annotations[AnnotationImage], "not adoptable")
	}
	return nil
}

// current says whether the pod was made from this evaluator's template.
func (e *Evaluator) current(pod *corev1.Pod) bool {
	return pod.Annotations[AnnotationTemplateHash] == e.templateHash
}

func (e *Evaluator) ours() []client.ListOption {
	return []client.ListOption{client.InNamespace(e.namespace), client.MatchingLabels{LabelManagedBy: ManagedBy}}
}

// heldNames are the pods that slots hold. A slot names its pod before
// making it, so a pod listed earlier is held unless its slot is gone.
func (e *Evaluator) heldNames() map[string]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	held := map[string]bool{}
	for _, p := range e.pools {
		for _, s := range p.slots {
			held[s.name] = true
		}
	}
	return held
}

// dispose closes a slot taken out of its pool and deletes its pod.
func (e *Evaluator) dispose(s *slot, why string) {
	if s.client != nil {
		_ = s.client.Close()
		s.client = nil
	}
	if s.created {
		ctx, cancel := context.WithTimeout(context.Background(), deleteTimeout)
		defer cancel()
		e.deletePod(ctx, s.name, s.image, why)
	}
}

// deletePod deletes a pod and its Service, either of which may be gone.
func (e *Evaluator) deletePod(ctx context.Context, name, image, why string) {
	meta := metav1.ObjectMeta{Namespace: e.namespace, Name: name}
	err := errors.Join(
		client.IgnoreNotFound(e.client.Delete(ctx, &corev1.Service{ObjectMeta: meta})),
		client.IgnoreNotFound(e.client.Delete(ctx, &corev1.Pod{ObjectMeta: meta})),
	)
	ref := klog.KRef(e.namespace, name)
	if err != nil {
		e.log.Error(err, "Failed to delete a function pod", "pod", ref, "image", image, "reason", why)
		return
	}
	e.log.Info("Deleted a function pod", "pod", ref, "image", image, "reason", why)
}

// touch records on a busy slot's pod that it was just used, at most once
// per touchInterval, for a runner that adopts it after a restart.
func (e *Evaluator) touch(ctx context.Context, s *slot) {
	now := time.Now()
	if now.Sub(s.touched) < touchInterval {
		return
	}
	patch := []byte(`{"metadata":{"annotations":{"` + AnnotationLastUsed + `":"` + now.UTC().Format(time.RFC3339) + `"}}}`)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: e.namespace, Name: s.name}}
	if err := e.client.Patch(ctx, pod, client.RawPatch(types.MergePatchType, patch)); err != nil {
		// Tried again after the next call; a pod gone is found then too.
		if !apierrors.IsNotFound(err) && ctx.Err() == nil {
			e.log.Error(err, "Failed to record a function pod's last use", "pod", klog.KObj(pod), "image", s.image)
		}
		return
	}
	s.touched = now
}
