using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Validation;

public sealed partial class TaskValidationTests
{
    [Fact]
    public void Empty_steps_are_reported_at_the_steps_key()
    {
        var loaded = Loaded.Validate(Samples.Task("description: nothing\nsteps: []\n"));

        var diagnostic = loaded.Expect("missing field(s)", "spec.steps");
        loaded.At(diagnostic, "steps:");
    }

    [Fact]
    public void An_empty_image_is_reported_at_the_image_key()
    {
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - name: build\n    image: \"\"\n"));

        var diagnostic = loaded.Expect("missing field(s)", "spec.steps[0].Image");
        loaded.At(diagnostic, "image:");
    }

    [Theory]
    [InlineData("image: 3", "expected a string but found the number 3")]
    [InlineData("image: *builder", "unknown YAML alias *builder")]
    [InlineData("image: [alpine]", "expected a string but found a list")]
    public void An_image_already_reported_as_wrong_is_not_also_missing(string image, string message)
    {
        var loaded = Loaded.Validate(Samples.Task($"steps:\n  - name: build\n    {image}\n    script: echo hi\n"));

        var diagnostic = Assert.Single(loaded.Diagnostics);
        Assert.Equal(message, diagnostic.Message);
    }

    [Fact]
    public void Steps_already_reported_as_wrong_are_not_also_missing()
    {
        var loaded = Loaded.Validate(Samples.Task("steps: echo hi\n"));

        var diagnostic = Assert.Single(loaded.Diagnostics);
        Assert.Equal("expected a list but found a string", diagnostic.Message);
    }

    [Theory]
    [InlineData("script", "script: echo $(steps.build.results.digest)", "spec.steps[1].script", 2)]
    [InlineData("workingDir", "workingDir: /w/$(steps.build.results.digest)", "spec.steps[1].workingDir", 1)]
    [InlineData("imagePullPolicy", "imagePullPolicy: $(steps.build.results.digest)", "spec.steps[1].imagePullPolicy", 1)]
    public void A_step_result_is_only_used_in_env_command_and_args(string field, string line, string path, int occurrence)
    {
        // container_validation.go: validateStepResultReference.
        var loaded = Loaded.Validate(Samples.Task($$"""
            steps:
              - name: build
                image: busybox
                results: [{"name": "digest"}]
                script: echo -n x > $(step.results.digest.path)
              - name: use
                image: busybox
                {{line}}
            """));

        var diagnostic = loaded.Expect("stepResult substitutions are only allowed in env, command and args. Found usage in", path);
        loaded.At(diagnostic, $"{field}: ", occurrence);
        Assert.Contains("env", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_result_in_env_command_and_args_is_accepted()
    {
        var loaded = Loaded.Validate(Samples.Task("""
            steps:
              - name: build
                image: busybox
                results: [{"name": "digest"}]
                script: echo -n x > $(step.results.digest.path)
              - name: use
                image: busybox
                env: [{name: DIGEST, value: $(steps.build.results.digest)}]
                command: [echo, $(steps.build.results.digest)]
                args: [$(steps.build.results.digest)]
            """));

        loaded.None("stepResult substitutions are only allowed in env, command and args. Found usage in");
    }

    [Fact]
    public void A_script_with_a_new_line_is_quoted_on_one_line_as_Tekton_s_percent_q()
    {
        var loaded = Loaded.Validate(Samples.Task("""
            steps:
              - image: busybox
                script: |
                  git checkout $(params.revison)
            """));

        loaded.ExpectNonExistent("revison", "git checkout $(params.revison)\\n");
    }
}
