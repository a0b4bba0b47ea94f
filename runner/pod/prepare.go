package pod

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"

	"github.com/porch-dev/porch/runner"
)

// prepare gets a busy slot's pod ready to take calls: made, ready, and its
// wrapper server answering. A pod that fails or is not ready within the
// ready timeout is deleted and its error returned; when the caller gives
// up first, the slot is freed with its pod, for the next call to wait on.
func (e *Evaluator) prepare(ctx context.Context, s *slot) error {
	c, err := e.connect(ctx, s)
	e.observeStart(ctx, s, err)
	switch {
	case err == nil:
		e.mu.Lock()
		s.client = c
		e.mu.Unlock()
		return nil
	case ctx.Err() != nil:
		e.release(s)
		return fmt.Errorf("function %q: waiting for pod %s/%s: %w", s.image, e.namespace, s.name, ctx.Err())
	default:
		e.remove(s, err, "not ready")
		return err
	}
}

func (e *Evaluator) connect(ctx context.Context, s *slot) (*runner.Client, error) {
	deadline := time.Now().Add(e.readyTimeout)
	pod, err := e.ensurePod(ctx, s)
	if err != nil {
		return nil, err
	}
	svc, err := e.ensureService(ctx, pod)
	if err != nil {
		return nil, err
	}
	readyCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if pod, err = e.waitReady(readyCtx, s); err != nil {
		return nil, err
	}
	addr := e.dialAddress(pod, svc)
	c, err := runner.NewClient(addr, e.clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("function %q: pod %s/%s: %w", s.image, e.namespace, s.name, err)
	}
	// The Service may take a moment to route to a pod that just became
	// ready; the health check waits for that.
	if err := c.WaitServing(readyCtx); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("function %q: pod %s/%s is ready but its wrapper server at %s did not answer within %s: %w", s.image, e.namespace, s.name, addr, e.readyTimeout, err)
	}
	return c, nil
}

// ensurePod returns the slot's pod, making it if it does not exist: a new
// slot, or an adopted pod someone deleted since.
func (e *Evaluator) ensurePod(ctx context.Context, s *slot) (*corev1.Pod, error) {
	pod := &corev1.Pod{}
	if s.created {
		err := e.client.Get(ctx, types.NamespacedName{Namespace: e.namespace, Name: s.name}, pod)
		if err == nil {
			return pod, nil
		}
		if !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("function %q: reading pod %s/%s: %w", s.image, e.namespace, s.name, err)
		}
	}
	e.coldStart(s)
	entrypoint, err := e.entrypoints.lookup(ctx, s.image)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	pod = buildPod(e.template, podSpec{
		name: s.name, namespace: e.namespace, image: s.image, entrypoint: entrypoint,
		wrapperImage: e.wrapperImage, templateHash: e.templateHash, now: now,
	})
	if err := e.client.Create(ctx, pod); err != nil {
		return nil, fmt.Errorf("function %q: creating pod %s/%s: %w", s.image, e.namespace, s.name, err)
	}
	s.created, s.touched = true, now
	e.log.Info("Created a function pod", "pod", klog.KObj(pod), "image", s.image)
	return pod, nil
}

// ensureService returns the pod's Service, making it if it does not exist.
func (e *Evaluator) ensureService(ctx context.Context, pod *corev1.Pod) (*corev1.Service, error) {
	svc := buildService(pod)
	err := e.client.Create(ctx, svc)
	if apierrors.IsAlreadyExists(err) {
		err = e.client.Get(ctx, types.NamespacedName{Namespace: svc.Namespace, Name: svc.Name}, svc)
	}
	if err != nil {
		return nil, fmt.Errorf("function %q: service %s/%s: %w", pod.Annotations[AnnotationImage], svc.Namespace, svc.Name, err)
	}
	return svc, nil
}

// waitReady reads the pod until it is ready, fails, or ctx ends. The pod is
// read rather than watched: a handful of pods wait at a time, and a read
// needs no more rights than get.
func (e *Evaluator) waitReady(ctx context.Context, s *slot) (*corev1.Pod, error) {
	key := types.NamespacedName{Namespace: e.namespace, Name: s.name}
	var last string
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		pod := &corev1.Pod{}
		err := e.client.Get(ctx, key, pod)
		switch {
		case apierrors.IsNotFound(err):
			return nil, fmt.Errorf("function %q: pod %s was deleted before it was ready", s.image, key)
		case err != nil:
			last = err.Error()
		case podFailure(pod) != "":
			return nil, fmt.Errorf("function %q: pod %s failed: %s", s.image, key, podFailure(pod))
		case podReady(pod):
			return pod, nil
		default:
			last = pending(pod)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("function %q: pod %s was not ready within %s: %s: %w", s.image, key, e.readyTimeout, last, ctx.Err())
		case <-tick.C:
		}
	}
}
