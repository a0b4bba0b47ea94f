package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RenderStatus is the outcome of rendering a package's function pipeline.
type RenderStatus struct {
	// Result collects what each function reported, in kpt's FunctionResultList shape.
	// +optional
	Result ResultList `json:"result,omitempty"`
	// Err is the render error; empty when render succeeded.
	// +optional
	Err string `json:"error,omitempty"`
}

// ResultList is kpt's FunctionResultList: the results of every function of a render.
type ResultList struct {
	metav1.TypeMeta `json:",inline"`
	// ExitCode is 0 when every function succeeded.
	ExitCode int `json:"exitCode"`
	// Items holds one entry per function run.
	// +optional
	Items []Result `json:"items,omitempty"`
}

// Result is what one function reported.
type Result struct {
	// Image is the function's image; Image and ExecPath are mutually exclusive.
	// +optional
	Image string `json:"image,omitempty"`
	// ExecPath is the function's executable.
	// +optional
	ExecPath string `json:"exec,omitempty"`
	// Stderr is what the function wrote to standard error.
	// +optional
	Stderr string `json:"stderr,omitempty"`
	// ExitCode is the function's exit code.
	ExitCode int `json:"exitCode"`
	// Results are the function's structured results.
	// +optional
	Results []ResultItem `json:"results,omitempty"`
}

// ResultItem is one structured result of a function.
type ResultItem struct {
	// Message is a human readable message.
	// +optional
	Message string `json:"message,omitempty"`
	// Severity is error, warning or info.
	// +optional
	Severity string `json:"severity,omitempty"`
	// ResourceRef identifies the resource the result is about.
	// +optional
	ResourceRef *ResourceIdentifier `json:"resourceRef,omitempty"`
	// Field is the field of that resource the result is about.
	// +optional
	Field *Field `json:"field,omitempty"`
	// File is the file the result is about.
	// +optional
	File *File `json:"file,omitempty"`
	// Tags are free-form labels of the result.
	// +optional
	Tags map[string]string `json:"tags,omitempty"`
}

// ResourceIdentifier identifies a KRM resource.
type ResourceIdentifier struct {
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// +optional
	Kind string `json:"kind,omitempty"`
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// Field identifies a field of a resource.
type Field struct {
	// Path is the field's path, such as spec.replicas.
	// +optional
	Path string `json:"path,omitempty"`
	// CurrentValue is the field's value now.
	// +optional
	CurrentValue string `json:"currentValue,omitempty"`
	// ProposedValue is the value the function proposes.
	// +optional
	ProposedValue string `json:"proposedValue,omitempty"`
}

// File identifies a file and a resource's index within it.
type File struct {
	// Path is the file's path in the package.
	// +optional
	Path string `json:"path,omitempty"`
	// Index is the resource's position in a multi-resource file.
	// +optional
	Index int `json:"index,omitempty"`
}
