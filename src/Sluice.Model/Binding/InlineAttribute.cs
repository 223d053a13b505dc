namespace Sluice.Model.Binding;

/// <summary>
/// Binds the fields of the property's record at the level of the containing object, as Go's embedded
/// structs do (an embedded <c>taskSpec</c> holds the Task's fields next to <c>metadata</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InlineAttribute : Attribute;
