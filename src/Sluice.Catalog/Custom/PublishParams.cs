using System.Collections.Immutable;
using System.Globalization;
using Sluice.Engine.CustomTasks;
using Sluice.Oci;

namespace Sluice.Catalog.Custom;

/// <summary>
/// The params the catalog's publishing tasks read alike: the repository they push to by digest, the
/// per-platform directories of <c>dotnet publish -r RID</c> output, and the time their archives carry.
/// </summary>
internal static class PublishParams
{
    /// <summary>The repository a param names, refused with <paramref name="fix"/> when it names a tag or digest.</summary>
    public static OciRepository Repository(CustomTaskContext context, string param, string fix)
    {
        var text = context.Param(param);
        var reference = OciReference.Parse(text, out var error)
            ?? throw new CatalogTaskFailure("InvalidParam", $"param {param} \"{text}\": {error}");
        if (OciReference.NamesTag(text) || reference.Digest is not null)
        {
            throw new CatalogTaskFailure("InvalidParam", $"param {param} \"{text}\" names a tag or digest; {fix}");
        }

        return reference.Repository;
    }

    /// <summary>
    /// Each platform of the <c>platforms</c> param with its runtime identifier's directory under
    /// <paramref name="binaries"/> (the directory the <c>binaries</c> param names), every one checked before
    /// anything is built or pushed.
    /// </summary>
    public static ImmutableArray<(Platform Platform, string Directory)> PlatformDirectories(CustomTaskContext context, string binaries)
    {
        var found = ImmutableArray.CreateBuilder<(Platform, string)>();
        foreach (var text in context.ArrayParam("platforms"))
        {
            var platform = Platform.Parse(text, out var error) ?? throw new CatalogTaskFailure("InvalidParam", $"param platforms: \"{text}\": {error}");
            var rid = RuntimeIdentifiers.Of(platform)
                ?? throw new CatalogTaskFailure("InvalidParam", $"param platforms: .NET has no runtime identifier for {platform}");
            if (found.Any(f => f.Item1 == platform))
            {
                throw new CatalogTaskFailure("InvalidParam", $"param platforms: {platform} is given twice");
            }

            var directory = Path.Combine(binaries, rid);
            if (!Directory.Exists(directory))
            {
                throw new CatalogTaskFailure("BinariesMissing", $"{context.Param("binaries")}/{rid} is not in workspace \"source\"; publish {platform} there first (dotnet publish -r {rid} -o {context.Param("binaries")}/{rid})");
            }

            found.Add((platform, directory));
        }

        return found.ToImmutable();
    }

    /// <summary>The <c>source-date-epoch</c> param as a time; the Unix epoch when it is empty.</summary>
    public static DateTimeOffset SourceDateEpoch(CustomTaskContext context)
    {
        var text = context.Param("source-date-epoch");
        long epoch = 0;
        if (text.Length > 0 && !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
        {
            throw new CatalogTaskFailure("InvalidParam", $"param source-date-epoch \"{text}\" is not a number of seconds");
        }

        return DateTimeOffset.FromUnixTimeSeconds(epoch);
    }
}
