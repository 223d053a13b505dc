namespace Sluice.Model.Binding;

/// <summary>
/// Names the YAML/JSON field a property binds to when it is not the camel-cased property name.
/// </summary>
/// <param name="name">The field name as Tekton spells it.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FieldAttribute(string name) : Attribute
{
    /// <summary>The field name.</summary>
    public string Name { get; } = name;
}

/// <summary>Marks a property that is never read from or written to YAML/JSON.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotSerializedAttribute : Attribute;

/// <summary>Marks a property that is always written, even when empty (for example <c>steps</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AlwaysWriteAttribute : Attribute;
