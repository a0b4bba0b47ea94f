package main

import (
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/config"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/porch-dev/porch/runner/pod"
)

// newPodEvaluator connects to the cluster (in-cluster, or --kubeconfig, or
// $KUBECONFIG) and returns the pod evaluator, not yet started.
func newPodEvaluator(f podFlags, maxMessageBytes int) (*pod.Evaluator, error) {
	tmpl := pod.DefaultTemplate()
	if f.template != "" {
		var err error
		if tmpl, err = pod.LoadTemplate(f.template); err != nil {
			return nil, err
		}
	}
	cfg, err := config.GetConfig()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		return nil, err
	}
	opts := []pod.Option{
		pod.WithTemplate(tmpl),
		pod.WithTTL(f.ttl),
		pod.WithScanInterval(f.scanInterval),
		pod.WithReadyTimeout(f.readyTimeout),
		pod.WithMaxPodsPerFunction(f.maxPerFunction),
		pod.WithMaxPods(f.maxPods),
		pod.WithImagePrefixes(f.prefixes()),
		pod.WithMaxMessageBytes(maxMessageBytes),
		pod.WithLogger(zap.New().WithName("pod-evaluator")),
	}
	if f.registryInsecure {
		opts = append(opts, pod.WithInsecureRegistry())
	}
	return pod.New(c, f.namespace, f.wrapperImage, opts...)
}
