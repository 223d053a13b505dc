using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using Sluice.Engine.Images;

namespace Sluice.Execution.Docker;

public sealed partial class DockerExecutor
{
    private readonly ConcurrentDictionary<string, ResolvedImage> _presentImages = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask<ResolvedImage> ResolveImageAsync(string reference, ImagePullPolicy policy, CancellationToken cancellationToken)
    {
        var mapped = _options.ImageMirrors.Rewrite(reference);
        if (policy == ImagePullPolicy.IfNotPresent && _presentImages.TryGetValue(mapped, out var known))
        {
            return known with { Requested = reference };
        }

        try
        {
            ImageInspectResponse? image = null;
            if (policy != ImagePullPolicy.Always)
            {
                image = await InspectImageOrNullAsync(mapped, cancellationToken).ConfigureAwait(false);
            }

            if (image is null)
            {
                if (policy == ImagePullPolicy.Never)
                {
                    throw new ImageUnavailableException(Unavailable(reference, mapped, "it is not present locally and the pull policy is Never"));
                }

                var pullError = await PullAsync(mapped, cancellationToken).ConfigureAwait(false);
                image = await InspectImageOrNullAsync(mapped, cancellationToken).ConfigureAwait(false)
                    ?? throw new ImageUnavailableException(Unavailable(reference, mapped, $"it is not present locally and pulling it failed: {pullError ?? "the daemon reported no image"}"));
                if (pullError is not null && policy == ImagePullPolicy.Always)
                {
                    throw new ImageUnavailableException(Unavailable(reference, mapped, $"the pull policy is Always and pulling it failed: {pullError}"));
                }
            }

            var resolved = new ResolvedImage
            {
                Requested = reference,
                Reference = mapped,
                ImageId = image.ID,
                Entrypoint = [.. image.Config?.Entrypoint ?? []],
                Cmd = [.. image.Config?.Cmd ?? []],
                Env = [.. image.Config?.Env ?? []],
                WorkingDir = string.IsNullOrEmpty(image.Config?.WorkingDir) ? null : image.Config.WorkingDir,
                User = string.IsNullOrEmpty(image.Config?.User) ? null : image.Config.User,
                Platform = string.IsNullOrEmpty(image.Variant) ? $"{image.Os}/{image.Architecture}" : $"{image.Os}/{image.Architecture}/{image.Variant}",
            };
            _presentImages[mapped] = resolved;
            return resolved;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            throw Unreachable(e);
        }
    }

    private static string Unavailable(string requested, string mapped, string reason)
    {
        var which = requested == mapped
            ? $"image \"{requested}\" (no mirror rule applies to it)"
            : $"image \"{requested}\" (mapped to \"{mapped}\")";
        return $"{which} is unavailable: {reason}. To use an image this machine has, add an imageMirrors entry in sluice.yaml " +
            $"(imageMirrors: {{\"{requested}\": \"<local image>\"}}) or pass --image-map {requested}=<local image>.";
    }

    private async Task<ImageInspectResponse?> InspectImageOrNullAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.Images.InspectImageAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Pulls an image; returns the daemon's error, or null when it reported none.</summary>
    private async Task<string?> PullAsync(string reference, CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(reference, out var parsed))
        {
            return $"\"{reference}\" is not a valid image reference";
        }

        // Without a tag the daemon would pull every tag of the repository.
        var progress = new PullProgress();
        try
        {
            await _client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = parsed.Name, Tag = parsed.Digest ?? parsed.Tag ?? "latest" },
                null,
                progress,
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            return DaemonMessage(e);
        }

        return progress.Error;
    }

    /// <summary>The <c>message</c> of a daemon error body, or the body itself.</summary>
    internal static string DaemonMessage(DockerApiException exception)
    {
        const string Key = "\"message\":\"";
        var body = exception.ResponseBody ?? string.Empty;
        var start = body.IndexOf(Key, StringComparison.Ordinal);
        if (start < 0)
        {
            return body.Trim().Length > 0 ? body.Trim() : exception.StatusCode.ToString();
        }

        start += Key.Length;
        var end = body.LastIndexOf('"');
        return end > start ? body[start..end].Replace("\\\"", "\"", StringComparison.Ordinal) : body;
    }

    /// <summary>Records the daemon's error from the progress stream as it arrives (<see cref="Progress{T}"/> would post it later).</summary>
    private sealed class PullProgress : IProgress<JSONMessage>
    {
        private readonly Lock _gate = new();
        private string? _error;

        public string? Error
        {
            get
            {
                lock (_gate)
                {
                    return _error;
                }
            }
        }

        public void Report(JSONMessage value)
        {
            var message = value.Error?.Message ?? value.ErrorMessage;
            if (!string.IsNullOrEmpty(message))
            {
                lock (_gate)
                {
                    _error = message;
                }
            }
        }
    }
}
