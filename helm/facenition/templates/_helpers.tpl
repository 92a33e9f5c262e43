{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "facenition.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full resource name: <release>-<chart>, or just <release> when it already contains the chart name. */}}
{{- define "facenition.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "facenition.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "facenition.selectorLabels" -}}
app.kubernetes.io/name: {{ include "facenition.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "facenition.labels" -}}
helm.sh/chart: {{ include "facenition.chart" . }}
{{ include "facenition.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels of the helm test pod: deliberately not the app's selector labels. */}}
{{- define "facenition.testLabels" -}}
app.kubernetes.io/name: {{ include "facenition.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
{{- end }}

{{- define "facenition.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "facenition.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference from a dict with repository, tag, digest; the digest wins when set
(repository@sha256:...), otherwise repository:tag, with the tag defaulting to appVersion.
Call: include "facenition.imageRef" (dict "image" .Values.image "appVersion" .Chart.AppVersion)
*/}}
{{- define "facenition.imageRef" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}
{{- end }}

{{- define "facenition.image" -}}
{{- include "facenition.imageRef" (dict "image" .Values.image "appVersion" .Chart.AppVersion) }}
{{- end }}

{{/* The helm test image: tests.image when a repository is given, else the app image. */}}
{{- define "facenition.testImage" -}}
{{- if .Values.tests.image.repository }}
{{- include "facenition.imageRef" (dict "image" .Values.tests.image "appVersion" .Chart.AppVersion) }}
{{- else }}
{{- include "facenition.image" . }}
{{- end }}
{{- end }}

{{/* Comma-separated paths of the previous deployment keys (FACENITION_PEPPER_PREVIOUS_FILES). */}}
{{- define "facenition.previousPepperFiles" -}}
{{- $files := list }}
{{- range .Values.pepper.previousKeys }}
{{- $files = append $files (printf "/etc/facenition/pepper/%s" .) }}
{{- end }}
{{- join "," $files }}
{{- end }}

{{/* More than one pod runs at all times, so a PodDisruptionBudget cannot block a drain. */}}
{{- define "facenition.multiReplica" -}}
{{- if .Values.autoscaling.enabled }}
{{- if gt (int .Values.autoscaling.minReplicas) 1 }}true{{ end }}
{{- else }}
{{- if gt (int .Values.replicaCount) 1 }}true{{ end }}
{{- end }}
{{- end }}
