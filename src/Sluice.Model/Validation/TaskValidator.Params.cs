using System.Collections.Immutable;
using System.Text;
using Sluice.Model.Diagnostics;
using Sluice.Model.Pipelines;

namespace Sluice.Model.Validation;

/// <summary>Param and result declarations (ValidateParameterTypes, ValidateParameterVariables, result_validation.go).</summary>
public static partial class TaskValidator
{
    /// <summary>
    /// Checks param declarations: types and defaults (<c>path.name.type</c>), duplicates and enums
    /// (<c>path[name]</c>) and name formats (<c>path</c>), as ValidateParameterTypes and ValidateParameterVariables.
    /// </summary>
    /// <param name="context">Where to report.</param>
    /// <param name="parameters">The declarations.</param>
    /// <param name="owner">The record that holds them.</param>
    /// <param name="path">The path of the list, such as <c>spec.params</c>.</param>
    public static void ValidateParams(ValidationContext context, ImmutableArray<ParamSpec> parameters, object owner, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var param in parameters)
        {
            if (!seen.Add(param.Name) && reported.Add(param.Name))
            {
                context.Error(param, "name", $"{path}[{param.Name}]", "parameter appears more than once", "give each param a unique name");
            }

            ValidateParamType(context, param, path);
            ValidateEnum(context, param, path);
        }

        ValidateNameFormat(context, parameters, path);
    }

    /// <summary>Checks result declarations (TaskResult.Validate).</summary>
    /// <param name="context">Where to report.</param>
    /// <param name="results">The declarations.</param>
    /// <param name="path">The path of the list, such as <c>spec.results</c>.</param>
    public static void ValidateResults(ValidationContext context, ImmutableArray<TaskResult> results, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i];
            var itemPath = $"{path}[{i}]";
            if (!Names.IsResultName(result.Name))
            {
                context.Error(result, "name", $"{itemPath}.name", $"invalid key name {GoQuote.Of(result.Name)}", "result names hold letters, digits, '-', '_' and '.', and start and end with a letter or digit");
                continue;
            }

            if (!seen.Add(result.Name))
            {
                context.Error(result, "name", $"{itemPath}.name", $"result name {GoQuote.Of(result.Name)} appears more than once", "give each result a unique name");
            }

            if (result.TypeName is not null and not ("string" or "array" or "object"))
            {
                context.Error(result, "type", $"{itemPath}.type", $"invalid value: {result.TypeName}", "type must be string, array or object");
            }

            if (result.Type == ParamType.Object && !HasProperties(context, result, result.Properties))
            {
                context.Error(result, null, $"{itemPath}.{result.Name}.properties", "missing field(s)", "declare the object's keys under properties");
            }
        }
    }

    /// <summary>ValidateObjectParamsHaveProperties: an object param must say which keys it has.</summary>
    private static void ValidateObjectProperties(ValidationContext context, IEnumerable<ParamSpec> parameters, string path)
    {
        foreach (var param in parameters)
        {
            if (param.Type == ParamType.Object && !HasProperties(context, param, param.Properties))
            {
                context.Error(param, null, ValidationContext.Join(path, $"{param.Name}.properties"), "missing field(s)", "declare the object's keys under properties");
            }
        }
    }

    /// <summary>Go tells <c>properties: {}</c> (declared, no keys) from no properties at all.</summary>
    private static bool HasProperties<T>(ValidationContext context, object owner, ImmutableSortedDictionary<string, T> properties) =>
        !properties.IsEmpty || context.Wrote(owner, "properties");

    private static void ValidateParamType(ValidationContext context, ParamSpec param, string path)
    {
        if (param.TypeName is not null and not ("string" or "array" or "object"))
        {
            context.Error(param, "type", $"{path}.{param.Name}.type", $"invalid value: {param.TypeName}", "use string, array or object");
            return;
        }

        if (param.Default is not null && param.Default.Type != param.Type)
        {
            context.Error(param, "default", $"{path}.{param.Name}.default.type", $"{GoQuote.Of(TypeName(param.Type))} type does not match default value's type: {GoQuote.Of(TypeName(param.Default.Type))}", "make the default a " + TypeName(param.Type));
            return;
        }

        var invalidKeys = param.Properties.Where(p => p.Value.Type is not null and not "string").Select(p => p.Key).ToList();
        if (invalidKeys.Count > 0)
        {
            context.Error(param, "properties", $"{path}.{param.Name}.properties", $"The value type specified for these keys [{string.Join(" ", invalidKeys)}] is invalid", "object keys must be of type string");
        }
    }

    private static void ValidateEnum(ValidationContext context, ParamSpec param, string path)
    {
        if (param.Enum.IsEmpty)
        {
            return;
        }

        if (param.Type != ParamType.String)
        {
            context.Error(param, "enum", $"{path}[{param.Name}]", "enum can only be set with string type param", "remove the enum, or make the param a string");
        }

        foreach (var duplicate in param.Enum.GroupBy(e => e, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            context.Error(param, "enum", $"{path}[{param.Name}]", $"parameter enum value {duplicate.Key} appears more than once", "list each value once");
        }

        if (param.Default is { Type: ParamType.String, StringValue.Length: > 0 } d && !param.Enum.Contains(d.StringValue))
        {
            context.Error(param, "default", $"{path}[{param.Name}]", $"param default value {d.StringValue} not in the enum list", $"use one of: {string.Join(", ", param.Enum)}");
        }
    }

    /// <summary>ValidateNameFormat: one error for every bad string or array name, one for every bad object name or key.</summary>
    private static void ValidateNameFormat(ValidationContext context, ImmutableArray<ParamSpec> parameters, string path)
    {
        var typed = parameters.Where(p => p.TypeName is null or "string" or "array" or "object").ToList();
        var badNames = typed
            .Where(p => p.Type != ParamType.Object && !Names.IsParamName(p.Name))
            .ToList();
        if (badNames.Count > 0)
        {
            var names = badNames.Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            context.Error(badNames[0], "name", path, $"The format of following array and string variable names is invalid: [{string.Join(" ", names)}]", "names start with a letter or '_' and hold letters, digits, '-', '_' and '.'");
        }

        var badObjects = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        ParamSpec? firstBadObject = null;
        foreach (var param in typed.Where(p => p.Type == ParamType.Object))
        {
            var badKeys = param.Properties.Keys.Where(k => !Names.IsObjectParamName(k)).ToList();
            if (Names.IsObjectParamName(param.Name) && badKeys.Count == 0)
            {
                continue;
            }

            firstBadObject ??= param;
            if (!badObjects.TryGetValue(param.Name, out var keys))
            {
                badObjects[param.Name] = keys = [];
            }

            keys.AddRange(badKeys);
        }

        if (firstBadObject is not null)
        {
            var text = new StringBuilder("map[");
            text.AppendJoin(' ', badObjects.Select(kv => $"{kv.Key}:[{string.Join(" ", kv.Value)}]"));
            context.Error(firstBadObject, "name", path, $"Object param name and key name format is invalid: {text.Append(']')}", "object names and keys start with a letter or '_' and hold letters, digits, '-' and '_'");
        }
    }
}
