using Sluice.Model.Pipelines;
using Sluice.Model.Runs;
using Sluice.Model.Tasks;
using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Binding;

public sealed class FieldBindingTests
{
    [Fact]
    public void An_unknown_top_level_field_is_reported_with_a_suggestion()
    {
        var loaded = Loaded.Read("apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspecs:\n  steps: []\n");

        var diagnostic = loaded.Expect("unknown field \"specs\"", "specs");
        Assert.Equal("did you mean \"spec\"?", diagnostic.Fix);
        loaded.At(diagnostic, "specs:");
    }

    [Fact]
    public void An_unknown_field_in_a_spec_is_reported_with_its_path()
    {
        var loaded = Loaded.Read(Samples.Task("stepz:\n  - image: busybox\n"));

        var diagnostic = loaded.Expect("unknown field \"stepz\"", "spec.stepz");
        Assert.Equal("did you mean \"steps\"?", diagnostic.Fix);
        loaded.At(diagnostic, "stepz:");
    }

    [Fact]
    public void An_unknown_field_in_a_list_item_is_reported_with_the_item_index()
    {
        var loaded = Loaded.Read(Samples.Task("""
            steps:
              - image: busybox
              - image: busybox
                scriptt: echo hi
            """));

        var diagnostic = loaded.Expect("unknown field \"scriptt\"", "spec.steps[1].scriptt");
        Assert.Equal("did you mean \"script\"?", diagnostic.Fix);
        loaded.At(diagnostic, "scriptt:");
    }

    [Fact]
    public void An_unknown_field_four_levels_down_is_reported_with_the_whole_path()
    {
        var loaded = Loaded.Read(Samples.Pipeline("""
            tasks:
              - name: a
                taskSpec:
                  steps:
                    - image: busybox
                      volumeMounts:
                        - name: v
                          mountPaht: /data
            """));

        var diagnostic = loaded.Expect("unknown field \"mountPaht\"", "spec.tasks[0].taskSpec.steps[0].volumeMounts[0].mountPaht");
        Assert.Equal("did you mean \"mountPath\"?", diagnostic.Fix);
        loaded.At(diagnostic, "mountPaht:");
    }

    [Theory]
    [InlineData("scrpit", "script")]
    [InlineData("imgae", "image")]
    [InlineData("workignDir", "workingDir")]
    [InlineData("comand", "command")]
    public void A_swap_of_two_letters_is_one_edit_for_the_suggestion(string typo, string field)
    {
        var loaded = Loaded.Read(Samples.Task($"steps:\n  - image: busybox\n    {typo}: x\n"));

        var diagnostic = loaded.Expect($"unknown field \"{typo}\"", $"spec.steps[0].{typo}");
        Assert.Equal($"did you mean \"{field}\"?", diagnostic.Fix);
    }

    [Fact]
    public void An_unknown_field_unlike_any_known_one_gets_a_removal_fix()
    {
        var loaded = Loaded.Read(Samples.Task("steps: [{image: busybox}]\nfrobnicate: true\n"));

        var diagnostic = loaded.Expect("unknown field \"frobnicate\"", "spec.frobnicate");
        Assert.Equal("remove it; Tekton v1 has no such field here", diagnostic.Fix);
    }

    [Fact]
    public void Field_names_match_case_insensitively_as_Go_encoding_json_does()
    {
        var loaded = Loaded.Read(Samples.Task("""
            steps:
              - image: busybox
                Script: echo hi
                volumeMounts:
                  - name: v
                    mountpath: /data
                    READONLY: true
            """));

        loaded.Clean();
        var step = Assert.Single(loaded.Single<TaskDefinition>().Spec.Steps);
        Assert.Equal("echo hi", step.Script);
        var mount = Assert.Single(step.VolumeMounts);
        Assert.Equal("/data", mount.MountPath);
        Assert.True(mount.ReadOnly);
    }

    [Fact]
    public void A_number_where_a_string_belongs_is_reported_with_a_quoting_fix()
    {
        var loaded = Loaded.Read(Samples.Task("steps:\n  - image: 3\n"));

        var diagnostic = loaded.Expect("expected a string but found the number 3", "spec.steps[0].image");
        Assert.Equal("quote it: \"3\"", diagnostic.Fix);
        loaded.At(diagnostic, "3");
    }

    [Fact]
    public void A_YAML_1_1_boolean_where_a_string_belongs_is_reported_with_a_quoting_fix()
    {
        var loaded = Loaded.Read(Samples.Task("steps:\n  - image: busybox\n    workingDir: on\n"));

        var diagnostic = loaded.Expect("expected a string but found the boolean on", "spec.steps[0].workingDir");
        Assert.Equal("quote it: \"on\"", diagnostic.Fix);
    }

    [Fact]
    public void A_string_where_a_list_belongs_is_reported_with_a_list_fix()
    {
        var loaded = Loaded.Read(Samples.Task("steps:\n  - image: busybox\n    args: --verbose\n"));

        var diagnostic = loaded.Expect("expected a list but found a string", "spec.steps[0].args");
        Assert.Equal("write the value as a list: [value]", diagnostic.Fix);
        loaded.At(diagnostic, "--verbose");
    }

    [Fact]
    public void A_mapping_where_a_string_belongs_is_reported_with_a_fix()
    {
        var loaded = Loaded.Read(Samples.Task("steps:\n  - image: busybox\n    script: {echo: hi}\n"));

        var diagnostic = loaded.Expect("expected a string but found a mapping", "spec.steps[0].script");
        loaded.At(diagnostic, "{echo");
        Assert.False(string.IsNullOrEmpty(diagnostic.Fix), "a type error a user can cause needs a fix (STYLE.md 8)");
    }

    [Fact]
    public void A_string_where_a_mapping_belongs_is_reported()
    {
        var loaded = Loaded.Read(Samples.TaskRun("taskRef: my-task\n"));

        var diagnostic = loaded.Expect("expected a mapping but found a string", "spec.taskRef");
        loaded.At(diagnostic, "my-task");
    }

    [Fact]
    public void A_quoted_number_where_an_integer_belongs_gets_a_fix()
    {
        var loaded = Loaded.Read(Samples.Pipeline("tasks:\n  - name: a\n    taskRef: {name: t}\n    retries: \"2\"\n"));

        var diagnostic = loaded.Expect("expected an integer but found a string", "spec.tasks[0].retries");
        Assert.Equal("remove the quotes", diagnostic.Fix);
    }

    [Fact]
    public void Every_error_of_a_document_is_reported_in_one_pass()
    {
        var loaded = Loaded.Read(Samples.Task("""
            steps:
              - image: 1
                nme: a
              - image: busybox
                args: x
            """));

        Assert.Equal(3, loaded.Diagnostics.Length);
    }

    // Tekton's ParamValue.UnmarshalJSON (pkg/apis/pipeline/v1/param_types.go) reads the JSON that
    // sigs.k8s.io/yaml makes of the YAML: a string, an array of strings or an object of strings; any other
    // scalar keeps its JSON text, so YAML 1.1 "yes" arrives as "true" and 0755 as "493".
    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("\"yes\"", "yes")]
    [InlineData("'0755'", "0755")]
    [InlineData("1", "1")]
    [InlineData("yes", "true")]
    [InlineData("off", "false")]
    [InlineData("0755", "493")]
    [InlineData("1.50", "1.5")]
    [InlineData("0x1F", "31")]
    [InlineData("1e3", "1000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1.5e-7", "1.5e-7")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("-0.0", "-0")]
    public void A_scalar_param_value_is_the_string_Tekton_decodes(string written, string expected)
    {
        var value = ParamValueOf(written);

        Assert.Equal(ParamType.String, value.Type);
        Assert.Equal(expected, value.StringValue);
    }

    [Fact]
    public void An_infinite_param_value_is_refused_as_JSON_refuses_it()
    {
        // sigs.k8s.io/yaml marshals the decoded YAML with encoding/json, which has no infinity.
        var loaded = Loaded.Read(Samples.TaskRun("taskRef: {name: t}\nparams:\n  - name: p\n    value: .inf\n"));

        var diagnostic = loaded.Expect("json: unsupported value: +Inf", "spec.params[0].value");
        Assert.Equal("quote it: \".inf\"", diagnostic.Fix);
    }

    [Fact]
    public void A_null_param_value_is_the_empty_string()
    {
        var value = ParamValueOf("~");

        Assert.Equal(ParamValue.Of(string.Empty), value);
    }

    [Fact]
    public void A_list_param_value_is_an_array()
    {
        var value = ParamValueOf("[a, \"b\", 'c d']");

        Assert.Equal(ParamType.Array, value.Type);
        Assert.Equal(["a", "b", "c d"], value.ArrayValue);
    }

    [Fact]
    public void An_empty_list_param_value_is_an_empty_array()
    {
        var value = ParamValueOf("[]");

        Assert.Equal(ParamType.Array, value.Type);
        Assert.Empty(value.ArrayValue);
    }

    [Fact]
    public void A_mapping_param_value_is_an_object()
    {
        var value = ParamValueOf("{url: https://example.com, commit: abc}");

        Assert.Equal(ParamType.Object, value.Type);
        Assert.Equal("https://example.com", value.ObjectValue["url"]);
        Assert.Equal("abc", value.ObjectValue["commit"]);
    }

    [Fact]
    public void A_param_type_is_inferred_from_its_default_as_Tekton_SetDefaults_does()
    {
        var task = Loaded.Read(Samples.Task("""
            params:
              - name: s
              - name: a
                default: [x]
              - name: o
                properties: {k: {}}
              - name: typed
                type: array
            steps: [{image: busybox}]
            """)).Single<TaskDefinition>();

        Assert.Equal([ParamType.String, ParamType.Array, ParamType.Object, ParamType.Array], task.Spec.Params.Select(p => p.Type));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("\"0\"", 0)]
    [InlineData("1.5m", 90)]
    public void A_duration_binds_from_Go_syntax(string written, int seconds)
    {
        var run = Loaded.Read(Samples.TaskRun($"taskRef: {{name: t}}\ntimeout: {written}\n")).Single<TaskRun>();

        Assert.Equal(TimeSpan.FromSeconds(seconds), run.Spec.Timeout!.Value.Value);
    }

    // Go's time.ParseDuration (src/time/format.go), which metav1.Duration.UnmarshalJSON calls.
    [Theory]
    [InlineData("\"10\"", "time: missing unit in duration \"10\"")]
    [InlineData("5x", "time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData("1d", "time: unknown unit \"d\" in duration \"1d\"")]
    [InlineData("h", "time: invalid duration \"h\"")]
    [InlineData("\"\"", "time: invalid duration \"\"")]
    public void A_bad_duration_is_reported_with_Go_s_message(string written, string message)
    {
        var loaded = Loaded.Read(Samples.TaskRun($"taskRef: {{name: t}}\ntimeout: {written}\n"));

        var diagnostic = loaded.Expect(message, "spec.timeout");
        loaded.OnLineOf(diagnostic, "timeout:");
        Assert.False(string.IsNullOrEmpty(diagnostic.Fix));
    }

    [Fact]
    public void A_number_where_a_duration_belongs_is_a_type_error()
    {
        // metav1.Duration.UnmarshalJSON first decodes a JSON string: a bare number is refused before parsing.
        var loaded = Loaded.Read(Samples.TaskRun("taskRef: {name: t}\ntimeout: 10\n"));

        var diagnostic = loaded.ExpectWhere(d => d.FieldPath == "spec.timeout", "a diagnostic at spec.timeout");
        Assert.StartsWith("expected a duration string but found the number 10", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_source_map_locates_fields_list_items_and_objects()
    {
        var loaded = Loaded.Read(Samples.Task("""
            steps:
              - name: build
                image: golang
                args:
                  - build
                  - ./...
            """));
        var resource = Assert.Single(loaded.Resources);
        var task = (TaskDefinition)resource.Resource;
        var step = Assert.Single(task.Spec.Steps);
        var map = resource.SourceMap;

        Assert.Equal(Position.Of(loaded.Yaml, "image: golang"), Line(map.Locate(step, "image")));
        Assert.Equal(Position.Of(loaded.Yaml, "./..."), Line(map.Locate(step, "args", 1)));
        Assert.Equal(Position.Of(loaded.Yaml, "name: build"), Line(map.Locate(step)));
        Assert.Equal(Position.Of(loaded.Yaml, "steps:"), Line(map.Locate(task.Spec)));
        Assert.Equal(Position.Of(loaded.Yaml, "spec:"), Line(map.Locate(task, "spec")));
        Assert.Equal(Position.Of(loaded.Yaml, "name: t"), Line(map.Locate(task.Metadata, "name")));
        Assert.False(map.Locate(new Step()).IsKnown);
    }

    private static (int, int) Line(Diagnostics.SourceLocation location) => (location.Line, location.Column);

    private static ParamValue ParamValueOf(string written)
    {
        var loaded = Loaded.Read(Samples.TaskRun($"taskRef: {{name: t}}\nparams:\n  - name: p\n    value: {written}\n"));
        loaded.Clean();
        return Assert.Single(loaded.Single<TaskRun>().Spec.Params).Value;
    }
}
