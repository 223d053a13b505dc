using Sluice.Model.Tests.Support;

namespace Sluice.Model.Tests.Validation;

public sealed partial class TaskValidationTests
{
    [Fact]
    public void A_param_default_must_have_the_param_s_type()
    {
        // ParamSpec.ValidateType: paths p.type and p.default.type.
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: p\n    type: array\n    default: one\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("\"array\" type does not match default value's type: \"string\"");
        Assert.Contains(diagnostic.FieldPath, new[] { "spec.params.p.type", "spec.params.p.default.type" });
        loaded.OnLineOf(diagnostic, "default: one");
    }

    [Fact]
    public void A_param_type_is_string_array_or_object()
    {
        // ParamSpec.ValidateType: apis.ErrInvalidValue(p.Type, p.Name+".type").
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: p\n    type: number\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("invalid value: number", "spec.params.p.type");
        loaded.At(diagnostic, "type: number");
    }

    [Fact]
    public void Param_names_are_unique()
    {
        // ParamSpecs.ValidateNoDuplicateNames: ErrGeneric(...).ViaFieldKey("params", dup).
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: p\n  - name: p\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("parameter appears more than once", "spec.params[p]");
        loaded.At(diagnostic, "name: p", 2);
    }

    [Fact]
    public void A_string_param_name_follows_Tekton_s_format()
    {
        // ValidateNameFormat: Paths []string{"params"}.
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: 1st-param\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("The format of following array and string variable names is invalid: [1st-param]", "spec.params");
        loaded.OnLineOf(diagnostic, "name: 1st-param");
    }

    [Fact]
    public void An_object_param_name_cannot_hold_a_dot()
    {
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: git.repo\n    type: object\n    properties: {url: {}}\nsteps: [{image: busybox}]\n"));

        loaded.Expect("Object param name and key name format is invalid: map[git.repo:[]]", "spec.params");
    }

    [Fact]
    public void An_object_param_key_follows_the_object_format()
    {
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: git\n    type: object\n    properties: {\"a.b\": {}}\nsteps: [{image: busybox}]\n"));

        loaded.Expect("Object param name and key name format is invalid: map[git:[a.b]]", "spec.params");
    }

    [Fact]
    public void An_object_param_needs_properties()
    {
        // ValidateObjectParamsHaveProperties: apis.ErrMissingField(p.Name + ".properties"), via "spec".
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: git\n    type: object\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("missing field(s)", "spec.git.properties");
        loaded.OnLineOf(diagnostic, "name: git");
    }

    [Fact]
    public void An_object_property_type_is_string()
    {
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: git\n    type: object\n    properties: {url: {type: array}}\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("The value type specified for these keys [url] is invalid", "spec.params.git.properties");
        loaded.At(diagnostic, "properties:");
    }

    [Fact]
    public void An_enum_is_only_for_string_params()
    {
        // ParamSpecs.validateParamEnums: ErrGeneric(...).ViaKey(p.Name), via "params".
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: p\n    type: array\n    enum: [a, b]\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("enum can only be set with string type param", "spec.params[p]");
        loaded.At(diagnostic, "enum:");
    }

    [Fact]
    public void Enum_values_are_unique()
    {
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: p\n    enum: [a, b, a]\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("parameter enum value a appears more than once", "spec.params[p]");
        loaded.At(diagnostic, "enum:");
    }

    [Fact]
    public void A_default_must_be_in_the_enum()
    {
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: p\n    enum: [a, b]\n    default: c\nsteps: [{image: busybox}]\n"));

        var diagnostic = loaded.Expect("param default value c not in the enum list", "spec.params[p]");
        loaded.At(diagnostic, "default: c");
    }

    [Fact]
    public void An_empty_default_is_not_checked_against_the_enum() =>
        Loaded.Validate(Samples.Task("params:\n  - name: p\n    enum: [a, b]\n    default: \"\"\nsteps: [{image: busybox}]\n")).Clean();

    [Fact]
    public void A_standalone_Task_must_declare_the_params_its_steps_use()
    {
        // Task.Validate: ValidateUsageOfDeclaredParameters ("we do not support propagated parameters").
        var loaded = Loaded.Validate(Samples.Task("params: [{name: who}]\nsteps:\n  - image: busybox\n    script: echo $(params.whom)\n"));

        var diagnostic = loaded.ExpectNonExistent("whom", "echo $(params.whom)");
        Assert.Equal("spec.steps[0].script", diagnostic.FieldPath);
        loaded.At(diagnostic, "script:");
    }

    [Theory]
    [InlineData("image", "$(params.nope)")]
    [InlineData("workingDir", "/src/$(params.nope)")]
    [InlineData("onError", "$(params.nope)")]
    public void An_undeclared_param_is_found_in_every_substituted_step_field(string field, string value)
    {
        var image = field == "image" ? string.Empty : "    image: busybox\n";
        var loaded = Loaded.Validate(Samples.Task($"steps:\n  - name: s\n{image}    {field}: \"{value}\"\n"));

        var diagnostic = loaded.ExpectNonExistent("nope", value);
        Assert.Equal($"spec.steps[0].{field}", diagnostic.FieldPath);
        loaded.At(diagnostic, $"{field}:");
    }

    [Fact]
    public void An_undeclared_param_in_env_is_reported_by_the_variable_s_name()
    {
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - image: busybox\n    env:\n      - name: TOKEN\n        value: $(params.nope)\n"));

        var diagnostic = loaded.ExpectNonExistent("nope", "$(params.nope)");
        Assert.Equal("spec.steps[0].env[TOKEN]", diagnostic.FieldPath);
        loaded.At(diagnostic, "value: $(params.nope)");
    }

    [Fact]
    public void An_undeclared_param_in_args_is_reported_at_the_item()
    {
        var loaded = Loaded.Validate(Samples.Task("steps:\n  - image: busybox\n    args:\n      - ok\n      - \"$(params.nope)\"\n"));

        var diagnostic = loaded.ExpectNonExistent("nope", "$(params.nope)");
        Assert.Equal("spec.steps[0].args[1]", diagnostic.FieldPath);
        loaded.At(diagnostic, "\"$(params.nope)\"");
    }

    [Fact]
    public void A_TaskRun_s_inline_spec_may_use_params_the_run_passes()
    {
        // TaskRunSpec.validateInlineParameters: run params count as declarations (propagation).
        Loaded.Validate(Samples.TaskRun("""
            params:
              - name: who
                value: world
            taskSpec:
              steps:
                - image: busybox
                  script: echo $(params.who)
            """)).Clean();
    }

    [Fact]
    public void A_TaskRun_s_inline_spec_cannot_use_a_param_nobody_provides()
    {
        var loaded = Loaded.Validate(Samples.TaskRun("""
            params:
              - name: who
                value: world
            taskSpec:
              steps:
                - image: busybox
                  script: echo $(params.whom)
            """));

        var diagnostic = loaded.ExpectNonExistent("whom", "echo $(params.whom)");
        Assert.EndsWith("steps[0].script", diagnostic.FieldPath, StringComparison.Ordinal);
    }

    [Fact]
    public void A_TaskRun_s_inline_spec_cannot_use_a_passed_array_whole_in_a_script()
    {
        // validateInlineParameters: ValidateParameterVariables over the run's params merged with the spec's.
        var loaded = Loaded.Validate(Samples.TaskRun("""
            params:
              - name: flags
                value: [a, b]
            taskSpec:
              steps:
                - image: busybox
                  script: echo $(params.flags)
            """));

        var diagnostic = loaded.Expect("variable type invalid in \"echo $(params.flags)\"", "spec.steps[0].script");
        loaded.At(diagnostic, "script:");
    }

    [Fact]
    public void A_TaskRun_s_inline_object_param_declares_its_properties()
    {
        // combineParamSpec: apis.ErrMissingField(p.Name + ".properties") when the run passes an object.
        var loaded = Loaded.Validate(Samples.TaskRun("""
            params:
              - name: git
                value: {url: u}
            taskSpec:
              params:
                - name: git
                  type: object
              steps:
                - image: busybox
                  script: echo $(params.git.url)
            """));

        var diagnostic = loaded.Expect("missing field(s)", "spec.git.properties");
        loaded.OnLineOf(diagnostic, "- name: git", 2);
    }

    [Fact]
    public void A_whole_array_param_cannot_be_used_in_a_script()
    {
        // validateStepArrayUsage: ValidateNoReferencesToProhibitedVariables on script.
        var loaded = Loaded.Validate(Samples.Task("params: [{name: flags, type: array}]\nsteps:\n  - image: busybox\n    script: echo $(params.flags)\n"));

        var diagnostic = loaded.Expect("variable type invalid in \"echo $(params.flags)\"", "spec.steps[0].script");
        loaded.At(diagnostic, "script:");
    }

    [Theory]
    [InlineData("image: busybox\n    script: echo $(params.flags[*])")]
    [InlineData("image: busybox\n    workingDir: $(params.flags)")]
    [InlineData("image: $(params.flags)")]
    public void A_whole_array_reference_is_refused_in_string_fields(string step)
    {
        var loaded = Loaded.Validate(Samples.Task($"params: [{{name: flags, type: array}}]\nsteps:\n  - {step}\n"));

        loaded.ExpectWhere(d => d.Message.StartsWith("variable type invalid in ", StringComparison.Ordinal), "variable type invalid");
    }

    [Fact]
    public void An_array_item_may_be_used_in_a_script() =>
        Loaded.Validate(Samples.Task("params: [{name: flags, type: array}]\nsteps:\n  - image: busybox\n    script: echo $(params.flags[0])\n")).Clean();

    [Fact]
    public void A_whole_array_must_be_its_own_args_item()
    {
        // validateStepArrayUsage: ValidateVariableReferenceIsIsolated on args.
        var loaded = Loaded.Validate(Samples.Task("params: [{name: flags, type: array}]\nsteps:\n  - image: busybox\n    args:\n      - \"--x=$(params.flags)\"\n"));

        var diagnostic = loaded.Expect("variable is not properly isolated in \"--x=$(params.flags)\"", "spec.steps[0].args[0]");
        loaded.At(diagnostic, "\"--x=");
    }

    [Theory]
    [InlineData("\"$(params.flags)\"")]
    [InlineData("\"$(params.flags[*])\"")]
    [InlineData("\"$(params['flags'][*])\"")]
    public void An_isolated_array_reference_in_args_or_command_is_accepted(string item) =>
        Loaded.Validate(Samples.Task($"params: [{{name: flags, type: array}}]\nsteps:\n  - image: busybox\n    command:\n      - {item}\n    args:\n      - {item}\n")).Clean();

    [Fact]
    public void An_object_key_must_be_declared()
    {
        // validateObjectUsage: validateVariables(steps, "params\\."+p.Name, objectKeys).
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: git\n    properties: {url: {}}\nsteps:\n  - image: busybox\n    script: echo $(params.git.commit)\n"));

        var diagnostic = loaded.ExpectNonExistent("commit", "echo $(params.git.commit)");
        Assert.Equal("spec.steps[0].script", diagnostic.FieldPath);
        loaded.At(diagnostic, "script:");
    }

    [Fact]
    public void A_whole_object_cannot_be_used_in_a_script()
    {
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: git\n    properties: {url: {}}\nsteps:\n  - image: busybox\n    script: echo $(params.git)\n"));

        var diagnostic = loaded.Expect("variable type invalid in \"echo $(params.git)\"", "spec.steps[0].script");
        loaded.At(diagnostic, "script:");
    }

    [Fact]
    public void A_declared_object_key_is_accepted() =>
        Loaded.Validate(Samples.Task("params:\n  - name: git\n    properties: {url: {}}\nsteps:\n  - image: busybox\n    script: git clone $(params.git.url)\n")).Clean();

    [Fact]
    public void More_than_two_dotted_parts_after_params_is_refused()
    {
        var loaded = Loaded.Validate(Samples.Task("params:\n  - name: git\n    properties: {url: {}}\nsteps:\n  - image: busybox\n    script: echo $(params.git.url.host)\n"));

        var diagnostic = loaded.ExpectWhere(
            d => d.Message == "Invalid referencing of parameters in \"echo $(params.git.url.host)\"! Only two dot-separated components after the prefix \"params\" are allowed." && d.FieldPath == "spec.steps[0].script",
            "Tekton's two-dot-components error");
        loaded.At(diagnostic, "script:");
    }
}
