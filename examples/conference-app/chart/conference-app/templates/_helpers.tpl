{{/*
The chart's name, or nameOverride.
*/}}
{{- define "conference-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every resource's name: fullnameOverride, or the release's name followed by the chart's
unless the release's name holds it already. Kept to 40 characters so that a component's name, such
as "-notifications-service", still fits the 63 of a DNS label.
*/}}
{{- define "conference-app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The chart's name and version, for the helm.sh/chart label.
*/}}
{{- define "conference-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The name of a component's Deployment and Service. Takes (dict "root" $ "component" "agenda-service").
*/}}
{{- define "conference-app.componentName" -}}
{{- printf "%s-%s" (include "conference-app.fullname" .root) .component }}
{{- end }}

{{/*
The labels that select a component's pods. Takes (dict "root" $ "component" "agenda-service").
*/}}
{{- define "conference-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "conference-app.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Every label of a component's resources. Takes (dict "root" $ "component" "agenda-service").
*/}}
{{- define "conference-app.labels" -}}
helm.sh/chart: {{ include "conference-app.chart" .root }}
{{ include "conference-app.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ include "conference-app.name" .root }}
{{- end }}

{{/*
The tag of a component's image: its own, or the chart's appVersion. Takes (dict "root" $ "values" .Values.agendaService).
*/}}
{{- define "conference-app.tag" -}}
{{- .values.image.tag | default .root.Chart.AppVersion }}
{{- end }}

{{/*
A component's image: repository:tag, with @digest when one pins it. Takes (dict "root" $ "values" .Values.agendaService).
*/}}
{{- define "conference-app.image" -}}
{{- printf "%s:%s" .values.image.repository (include "conference-app.tag" .) }}
{{- with .values.image.digest }}@{{ . }}{{ end }}
{{- end }}

{{/*
The address at which the other services reach a component through its Service.
Takes (dict "root" $ "component" "agenda-service" "values" .Values.agendaService).
*/}}
{{- define "conference-app.url" -}}
{{- printf "http://%s:%v" (include "conference-app.componentName" .) .values.service.port }}
{{- end }}

{{/*
The addresses of the three backends, as the environment that c4p-service and the frontend read.
*/}}
{{- define "conference-app.backendUrls" -}}
AGENDA_SERVICE_URL: {{ include "conference-app.url" (dict "root" . "component" "agenda-service" "values" .Values.agendaService) | quote }}
C4P_SERVICE_URL: {{ include "conference-app.url" (dict "root" . "component" "c4p-service" "values" .Values.c4pService) | quote }}
NOTIFICATIONS_SERVICE_URL: {{ include "conference-app.url" (dict "root" . "component" "notifications-service" "values" .Values.notificationsService) | quote }}
{{- end }}

{{/*
A component's Deployment and Service: its image on its port, the health endpoints as probes, the pod's
name, namespace and node for /service/info, and its environment (the values' env over "env", a dict
of what the chart wires). Takes (dict "root" $ "component" "agenda-service" "values"
.Values.agendaService "env" (dict ...)).
*/}}
{{- define "conference-app.workload" -}}
{{- $names := dict "root" .root "component" .component }}
{{- $env := merge (dict) (.values.env | default dict) (.env | default dict) }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "conference-app.componentName" $names }}
  labels:
    {{- include "conference-app.labels" $names | nindent 4 }}
spec:
  replicas: {{ .values.replicas }}
  selector:
    matchLabels:
      {{- include "conference-app.selectorLabels" $names | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "conference-app.labels" $names | nindent 8 }}
    spec:
      {{- with .root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
      containers:
        - name: {{ .component }}
          image: {{ include "conference-app.image" . | quote }}
          imagePullPolicy: {{ .values.image.pullPolicy | default "IfNotPresent" }}
          ports:
            - name: http
              containerPort: {{ .values.port }}
              protocol: TCP
          env:
            - name: ASPNETCORE_HTTP_PORTS
              value: {{ .values.port | quote }}
            - name: SERVICE_VERSION
              value: {{ include "conference-app.tag" . | quote }}
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: POD_NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            {{- range $name, $value := $env }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          readinessProbe:
            httpGet:
              path: /health/readiness
              port: http
            initialDelaySeconds: 2
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /health/liveness
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
          securityContext:
            allowPrivilegeEscalation: false
          {{- with .values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "conference-app.componentName" $names }}
  labels:
    {{- include "conference-app.labels" $names | nindent 4 }}
spec:
  type: {{ .values.service.type }}
  selector:
    {{- include "conference-app.selectorLabels" $names | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
