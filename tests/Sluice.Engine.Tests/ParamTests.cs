using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// Params as Tekton substitutes them: pkg/reconciler/taskrun/resources/apply.go (getTaskParameters,
/// replacementsFromDefaultParams, paramPatterns), pkg/substitution/replacements.go (ApplyArrayReplacements) and
/// pkg/reconciler/pipelinerun/resources/apply.go (ApplyParameters, propagateParams).
/// </summary>
public sealed class ParamTests
{
    [Fact]
    public async Task Defaults_apply_and_run_values_override_them()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              params:
                - name: name
                  value: world
                - name: punctuation
                  value: "?"
              taskSpec:
                params:
                  - name: greeting
                    default: hello
                  - name: name
                  - name: punctuation
                    default: "!"
                steps:
                  - name: greet
                    image: alpine
                    script: echo $(params.greeting) $(params.name)$(params.punctuation)
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("hello world?\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task Every_reference_form_of_a_string_param_is_replaced()
    {
        // paramPatterns: params.%s, params[%q], params['%s'] and the deprecated inputs.params.%s.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              params:
                - name: word
                  value: x
              taskSpec:
                params:
                  - name: word
                steps:
                  - name: forms
                    image: alpine
                    script: |
                      echo dot=$(params.word)
                      echo double=$(params["word"])
                      echo single=$(params['word'])
                      echo inputs=$(inputs.params.word)
            """);

        Assert.Equal("dot=x\ndouble=x\nsingle=x\ninputs=x\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_value_that_looks_like_a_reference_is_inserted_as_it_is()
    {
        // ApplyReplacements makes one pass (strings.Replacer); what it inserts is not scanned again.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              params:
                - name: first
                  value: $(params.second)
                - name: second
                  value: two
              taskSpec:
                params:
                  - name: first
                  - name: second
                steps:
                  - name: show
                    image: alpine
                    script: echo $(params.first) $(params.second)
            """);

        Assert.Equal("$(params.second) two\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task Array_params_expand_with_star_in_command_and_args_and_index_gives_one_item()
    {
        // An args or command item that is exactly $(params.a[*]) (or $(params.a)) becomes one item per
        // array element; $(params.a[i]) is one string (ApplyArrayReplacements).
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              params:
                - name: cmd
                  value: [echo, start]
                - name: flags
                  value: [-a, -b, -c]
              taskSpec:
                params:
                  - name: cmd
                    type: array
                  - name: flags
                    type: array
                steps:
                  - name: star
                    image: alpine
                    command: ["$(params.cmd[*])"]
                    args: ["$(params.flags[*])", "second=$(params.flags[1])", "$(params.flags)"]
            """);

        Assert.Equal(["echo", "start", "-a", "-b", "-c", "second=-b", "-a", "-b", "-c"], outcome.ArgvOf("tr", "step-star"));
        Assert.Equal("start -a -b -c second=-b -a -b -c\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task Object_params_give_their_keys_and_a_run_value_merges_into_the_default_key_by_key()
    {
        // getTaskParameters: the TaskRun's object value is merged into the default object key by key.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              params:
                - name: repo
                  value:
                    commit: c1
              taskSpec:
                params:
                  - name: repo
                    type: object
                    properties:
                      url: {type: string}
                      commit: {type: string}
                    default:
                      url: https://example.com/r.git
                      commit: c0
                steps:
                  - name: keys
                    image: alpine
                    script: echo $(params.repo.url)@$(params.repo.commit)
            """);

        Assert.Equal("https://example.com/r.git@c1\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_task_default_that_refers_to_another_param_is_resolved_from_that_params_default()
    {
        // replacementsFromDefaultParams resolves "$(params.other)" in a default in a second pass over
        // the defaults only; the TaskRun's own values are laid over them afterwards (getTaskParameters).
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                params:
                  - name: registry
                    default: docker.io
                  - name: image
                    default: $(params.registry)/app
                steps:
                  - name: show
                    image: alpine
                    script: echo $(params.image)
            """);

        Assert.Equal("docker.io/app\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_pipeline_default_that_refers_to_another_param_sees_the_run_value_of_that_param()
    {
        // pipelinerun/resources/apply.go: ApplyParameters resolves defaults recursively against the
        // PipelineRun's values (resolveStringParamRecursively).
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - name: registry
                  value: quay.io
              pipelineSpec:
                params:
                  - name: registry
                    default: docker.io
                  - name: org
                    default: $(params.registry)/org
                  - name: image
                    default: $(params.org)/app
                tasks:
                  - name: show
                    params:
                      - name: image
                        value: $(params.image)
                    taskSpec:
                      params:
                        - name: image
                      steps:
                        - name: show
                          image: alpine
                          script: echo $(params.image)
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("quay.io/org/app\n", outcome.LogOfTask("show"));
    }

    [Fact]
    public async Task Pipeline_params_reach_inline_task_specs_that_do_not_declare_them()
    {
        // propagateParams: an inline taskSpec gets the pipeline's replacements applied to it directly.
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - name: message
                  value: propagated
                - name: items
                  value: [one, two]
                - name: config
                  value: {mode: fast}
              pipelineSpec:
                params:
                  - name: message
                  - name: items
                    type: array
                  - name: config
                    type: object
                    properties:
                      mode: {type: string}
                tasks:
                  - name: show
                    taskSpec:
                      steps:
                        - name: show
                          image: alpine
                          command: [echo]
                          args: ["$(params.message)", "$(params.items[*])", "$(params.config.mode)"]
            """);

        Assert.Equal("propagated one two fast\n", outcome.LogOfTask("show"));
    }

    [Fact]
    public async Task A_pipeline_tasks_own_param_wins_over_the_pipeline_param_of_the_same_name()
    {
        // propagateParams, "Scoping. Task Params will replace Pipeline Params"
        // (examples/v1/pipelineruns/propagating_params_with_scope_precedence.yaml).
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - name: hello
                  value: from-pipelinerun
              pipelineSpec:
                params:
                  - name: hello
                tasks:
                  - name: scoped
                    params:
                      - name: hello
                        value: from-pipeline-task
                    taskSpec:
                      steps:
                        - name: show
                          image: alpine
                          script: echo $(params.hello)
                  - name: unscoped
                    taskSpec:
                      steps:
                        - name: show
                          image: alpine
                          script: echo $(params.hello)
            """);

        Assert.Equal("from-pipeline-task\n", outcome.LogOfTask("scoped"));
        Assert.Equal("from-pipelinerun\n", outcome.LogOfTask("unscoped"));
    }

    [Fact]
    public async Task A_referenced_task_gets_pipeline_params_only_through_its_pipeline_task_params()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: Task
            metadata:
              name: echo-task
            spec:
              params:
                - name: text
                - name: suffix
                  default: "."
              steps:
                - name: show
                  image: alpine
                  script: echo $(params.text)$(params.suffix)
            ---
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: pr
            spec:
              params:
                - name: words
                  value: [alpha, beta]
              pipelineRef:
                name: p
            ---
            apiVersion: tekton.dev/v1
            kind: Pipeline
            metadata:
              name: p
            spec:
              params:
                - name: words
                  type: array
              tasks:
                - name: show
                  taskRef:
                    name: echo-task
                  params:
                    - name: text
                      value: first=$(params.words[0])
            """);

        Assert.Equal("first=alpha.\n", outcome.LogOfTask("show"));
        Assert.Equal("text", Assert.Single(outcome.TaskRunOf("show").Spec.Params).Name);
    }
}
